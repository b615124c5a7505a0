"""Settings for the article-page benchmark: the real settings, production-like (debug off), on a
database of the benchmark's own.

Without DATABASE_URL: an SQLite file, benchmarks/bench.sqlite3 (git-ignored).
With DATABASE_URL: the same server and credentials, but the database BENCH_DB_NAME
(default "bench_finextra"), which benchmarks/article_page.py creates and drops.
"""

import os
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
BENCH_SQLITE = BENCH_DIR / "bench.sqlite3"
BENCH_DB_NAME = os.environ.get("BENCH_DB_NAME", "bench_finextra")

# Production-like: debug off, but plain HTTP on loopback (no SSL redirect, no secure cookies).
os.environ["DJANGO_DEBUG"] = "0"
os.environ["DJANGO_HTTPS"] = "0"
os.environ["DJANGO_SECRET_KEY"] = "benchmark-only-not-a-secret"
os.environ["ALLOWED_HOSTS"] = "127.0.0.1"
# With REDIS_URL set the cache is Redis, as in production: keep the benchmark's keys apart.
os.environ["CACHE_KEY_PREFIX"] = "finextra-bench"
if not os.environ.get("DATABASE_URL"):
    # Set before the import so the project's SQLite options (WAL, IMMEDIATE) apply as usual.
    os.environ["DATABASE_URL"] = f"sqlite:///{BENCH_SQLITE}"

from finextra.settings import *  # noqa: E402, F403

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["NAME"] = str(BENCH_SQLITE)  # noqa: F405
else:
    # Never the project's own database: a database of the benchmark's own on the same server.
    DATABASES["default"]["NAME"] = BENCH_DB_NAME  # noqa: F405

ROOT_URLCONF = "benchmarks.urls"

# No collectstatic: static files straight from the app folders, as in the tests.
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True

# The seed sets six demo passwords; nothing measured signs in, so hash them fast.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Keep the server's output to warnings and errors (no per-request logging).
LOGGING["root"]["level"] = os.environ.get("LOG_LEVEL", "WARNING")  # noqa: F405

# A benchmark on loopback, not a deployment: no production profile check; it seeds the demo.
PRODUCTION_CHECKS = False
DEMO_CONTENT_ALLOWED = True
