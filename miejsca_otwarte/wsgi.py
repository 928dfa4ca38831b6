"""
WSGI config for miejsca_otwarte project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import os
from importlib import import_module

from django.conf import settings
from django.core.cache import caches
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver
from django.utils import translation

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "miejsca_otwarte.settings")

application = get_wsgi_application()


def _load_before_forking() -> None:
    """Do once, here, what each worker would otherwise do on its first request: gunicorn loads
    this module before forking (preload_app), so a recycled worker (max_requests) serves at once
    instead of spending its first request's CPU on imports and catalogues (docs/performance.md).
    Nothing here connects anywhere."""
    get_resolver().url_patterns  # noqa: B018 (the URLconf, and with it every view module)
    caches["default"]  # the cache backend, and the Redis client library with it
    import_module("django_redis.client")  # loaded at the first call otherwise
    for language, _name in settings.LANGUAGES:
        translation.activate(language)  # the message catalogues
    translation.deactivate()


_load_before_forking()
