"""The embedded default for a developer's machine and the demo: DEBUG on, a fixed local secret."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-insecure-key-for-the-demo-only-never-in-production")
WHITENOISE_AUTOREFRESH = DEBUG
