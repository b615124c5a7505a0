import logging

from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection
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


class ServiceUnavailableMiddleware:
    """When the database is down, readers get the 503 page (it needs no database), not a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError) or _database_answers():
            return None
        logger.error("Database unavailable", exc_info=exception)
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response


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
