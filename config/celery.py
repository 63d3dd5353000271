"""The Celery application: eager when no broker is configured (the embedded default)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("loyalty_crm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
