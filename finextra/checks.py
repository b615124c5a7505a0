"""The production profile refuses to start wrong: with debug off, the services every app server
must share are named in the environment, never left to the development defaults (an SQLite file
in the checkout, a per-process memory cache, links to 127.0.0.1)."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

PRODUCTION_VARIABLES = {
    "DATABASE_URL": "the PostgreSQL database (otherwise an SQLite file in the checkout)",
    "REDIS_URL": (
        "the shared cache (otherwise a memory cache per process: the sign-in lockout and rate "
        "limits would not hold across app servers)"
    ),
    "SITE_URL": "the public address for links in emails and feeds (otherwise 127.0.0.1:8000)",
}


@checks.register(checks.Tags.compatibility, "production")
def production_variables(app_configs=None, **kwargs):
    if settings.DEBUG or not settings.PRODUCTION_CHECKS:
        return []
    return [
        checks.Error(
            f"{name} is not set. With DJANGO_DEBUG off it is required: {why}.",
            hint=f"Set {name} in the environment (see .env.example), or DJANGO_DEBUG=1 locally.",
            id=f"finextra.E00{number}",
        )
        for number, (name, why) in enumerate(PRODUCTION_VARIABLES.items(), start=1)
        if name in settings.MISSING_PRODUCTION_VARIABLES
    ]


def refuse_to_start_wrong() -> None:
    """For the WSGI/ASGI entry points (gunicorn runs no checks): the same errors stop the start."""
    errors = production_variables()
    if errors:
        raise ImproperlyConfigured(" ".join(error.msg for error in errors))
