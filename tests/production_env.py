"""The environment for a subprocess that runs the project as production does: this process's
environment without the project's own variables (so a developer's .env or a test setting
cannot leak in), with the production profile (finextra.settings, debug off) and `variables`.

Used by the production-profile tests (tests/finextra/test_site.py, test_availability.py) and
benchmarks/drill.py."""

import os

PROJECT_PREFIXES = (
    "DJANGO_",
    "DATABASE_",
    "REDIS_",
    "SITE_",
    "ALLOWED_",
    "CSRF_",
    "MEDIA_",
    "EMAIL_",
)


def production_env(**variables: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(PROJECT_PREFIXES)}
    env.update(DJANGO_SETTINGS_MODULE="finextra.settings", DJANGO_DEBUG="0", **variables)
    return env
