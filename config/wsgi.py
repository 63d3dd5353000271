"""WSGI entry point for gunicorn: production settings unless told otherwise.

Before the first request, each worker imports the whole URL configuration (the views and their modules, otherwise
imported by the first request: about a second of the first customer's wait) and then freezes what it holds
(`gc.freeze`): the application's ~180,000 long-lived objects are no longer traversed by the collector's oldest
generation, whose collections paused a worker for up to 140 ms (30 to 40 ms frozen) every few thousand requests on
the 2-core machine, in the calculate's tail latency. Only the objects made before the freeze are exempted; what the
requests make is collected as before.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()


def _warm_and_freeze() -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports the URL configuration and every view module it names)
    gc.collect()
    gc.freeze()


_warm_and_freeze()
