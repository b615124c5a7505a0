import logging
import sys
import time

from django.core.cache import cache
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError, connection
from django.dispatch import receiver
from django.http import HttpResponse
from django.template.loader import render_to_string

from .net import is_trusted_proxy

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"


def _service_problems() -> list[str]:
    problems = []
    if not _database_answers():
        logger.error("Health check: the database did not answer")
        problems.append("database")
    try:
        cache.set("healthz", "ok", 5)
        if cache.get("healthz") != "ok":
            problems.append("cache")
    except Exception:
        logger.exception("Health check: the cache did not answer")
        problems.append("cache")
    return problems


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return False
    return True


class HealthCheckMiddleware:
    """Answers /healthz before the HTTPS redirect and host checks, so a load balancer's plain
    probe reaches it: 200 when the database and cache answer, 503 otherwise."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != HEALTH_PATH:
            return self.get_response(request)
        problems = _service_problems()
        body = "ok\n" if not problems else f"unavailable: {', '.join(problems)}\n"
        response = HttpResponse(body, content_type="text/plain", status=503 if problems else 200)
        response["Cache-Control"] = "no-store"
        return response


# PostgreSQL error classes that mean "not now" rather than "this query is wrong": connection
# exception, insufficient resources, operator intervention (shutdown, cancel), system error.
UNAVAILABLE_SQLSTATE_CLASSES = {"08", "53", "57", "58"}


def database_unavailable(error: BaseException) -> bool:
    """Whether `error` says the database cannot be reached or used just now (a 503), as opposed
    to a mistake in a query (a 500, so the bug is seen). Decided from the error itself, with
    no second try: a second try would wait again, and could succeed as the database returns."""
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate:
        return sqlstate[:2] in UNAVAILABLE_SQLSTATE_CLASSES
    sqlite_error = getattr(cause, "sqlite_errorname", None)
    if sqlite_error:
        # Busy, locked, can't open, I/O, full, read-only: the file, not the query.
        return sqlite_error != "SQLITE_ERROR"
    return True  # no code at all: the connection (or the pool) failed before any query


_DATABASE_DOWN = "_finextra_database_down"


def database_unavailable_response() -> HttpResponse:
    """The 503 page (it needs no database), with a hint for browsers and crawlers."""
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "30"
    response["Cache-Control"] = "no-store"
    return response


# After the database failed a request, this process answers 503 at once for this long instead
# of making every request wait for the pool: readers get their answer fast, the workers stay
# free, and a database on its way back is not met by every worker's queue at once.
DATABASE_SKIP_SECONDS = 1.0
_database_skipped_until = 0.0


def _database_skip() -> None:
    global _database_skipped_until
    _database_skipped_until = time.monotonic() + DATABASE_SKIP_SECONDS


def database_skip_reset() -> None:
    """Try the database on the next request (tests, once they give the database back)."""
    global _database_skipped_until
    _database_skipped_until = 0.0


class ServiceUnavailableMiddleware:
    """When the database is down (or coming back), readers get the 503 page (with Retry-After)
    at once, never a 500 and never a long wait: the pool waits at most DATABASE_POOL_TIMEOUT,
    the error itself says whether the database is unavailable (no second try, which would wait
    again), and for a second after that the request is not even tried. Errors in a view or its
    template are caught in process_exception; errors in the middleware inside this one (the
    session saved on the way out) are marked by `_mark_database_error` and answered the same.
    Static files (whitenoise, before this) go on answering."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if time.monotonic() < _database_skipped_until:
            return database_unavailable_response()
        response = self.get_response(request)
        if getattr(request, _DATABASE_DOWN, False) and response.status_code >= 500:
            _database_skip()
            return database_unavailable_response()
        return response

    def process_exception(self, request, exception):
        if not database_unavailable(exception):
            return None
        logger.error("Database unavailable: %s (%s)", exception, request.path)
        _database_skip()
        return database_unavailable_response()


@receiver(got_request_exception, dispatch_uid="finextra.database_down")
def _mark_database_error(sender, request=None, **kwargs):
    error = sys.exc_info()[1]
    if request is not None and error is not None and database_unavailable(error):
        setattr(request, _DATABASE_DOWN, True)


class ForwardedProtoMiddleware:
    """X-Forwarded-Proto is believed only from TRUSTED_PROXIES: Django's SECURE_PROXY_SSL_HEADER
    believes it from anyone, so a client that reaches an app server directly could claim HTTPS
    (and get secure-only behaviour over plain HTTP). Drop the header from anyone else, before
    SecurityMiddleware reads it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "HTTP_X_FORWARDED_PROTO" in request.META and not is_trusted_proxy(
            request.META.get("REMOTE_ADDR", "")
        ):
            del request.META["HTTP_X_FORWARDED_PROTO"]
        return self.get_response(request)
