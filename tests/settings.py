"""Test settings: the real settings, with HTTPS off and a fast password hasher."""

import os
from pathlib import Path

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-a-secret")
os.environ.setdefault("DJANGO_HTTPS", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# The Site (feeds, sitemaps, password-reset links) and SITE_URL links name the test client's host.
os.environ.setdefault("SITE_URL", "http://testserver")

# Under pytest-xdist each worker (gw0, gw1, ...) has its own test database (pytest-django names
# it) and its own cache keys: tests clear the keys under their prefix (tests/conftest.py).
if _worker := os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ["CACHE_KEY_PREFIX"] = f"{os.environ.get('CACHE_KEY_PREFIX', 'finextra')}-{_worker}"

from finextra.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# TEST_MEDIA_ROOT: the folder app servers started by a test share (tests/edge).
MEDIA_ROOT = Path(os.environ.get("TEST_MEDIA_ROOT", BASE_DIR / "media" / "tests"))  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Static files straight from the app folders: tests never run collectstatic.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
# Every test's client loads the middleware afresh: WhiteNoise then finds a static file when one
# is asked for, instead of indexing all of them first (30 ms a client, some thirty seconds a run).
WHITENOISE_AUTOREFRESH = True
# Tests run with debug off but on SQLite or a local database without every production variable;
# the production profile's own test runs `check` on finextra.settings.
PRODUCTION_CHECKS = False
# Tests seed the demo content.
DEMO_CONTENT_ALLOWED = True
# Queued work runs at once, in the test's process.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# One test process serves many requests at once from threads (twenty readers posting together,
# a threaded live server), where a sync gunicorn worker serves one at a time: here a request
# waits its turn for a pooled connection instead of production's quick 503 (which the tests of
# a database that is down set for themselves, tests/finextra/test_site.py).
if isinstance(DATABASES["default"].get("OPTIONS", {}).get("pool"), dict):  # noqa: F405
    DATABASES["default"]["OPTIONS"]["pool"]["timeout"] = 30  # noqa: F405
