"""Test settings: the real settings, with HTTPS off and a fast password hasher."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-a-secret")
os.environ.setdefault("DJANGO_HTTPS", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# The Site (feeds, sitemaps, password-reset links) and SITE_URL links name the test client's host.
os.environ.setdefault("SITE_URL", "http://testserver")

from finextra.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
MEDIA_ROOT = BASE_DIR / "media" / "tests"  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Static files straight from the app folders: tests never run collectstatic.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
# Tests run with debug off but on SQLite or a local database without every production variable;
# the production profile's own test runs `check` on finextra.settings.
PRODUCTION_CHECKS = False
# Tests seed the demo content.
DEMO_CONTENT_ALLOWED = True
# Queued work runs at once, in the test's process.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
