"""Settings for the test suite: the production settings with test defaults, on PostgreSQL."""

import os

os.environ.setdefault("SECRET_KEY", "test-suite-secret-key")
os.environ.setdefault("HTTPS", "0")  # the test client speaks plain http
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/miejsca_otwarte")

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast user fixtures
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
