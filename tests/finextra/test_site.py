"""The site as a whole: the health check a load balancer probes, the error pages readers see,
and the deployment checks a production configuration passes."""

import copy
import re
import secrets
import socket
import subprocess
import sys
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.test import Client, override_settings
from django.urls import include, path

from finextra.cache import breakers_reset
from finextra.middleware import HEALTH_PATH, database_skip_reset
from finextra.settings import redis_cache
from tests.production_env import production_env


def _boom(request):
    raise RuntimeError("A bug in a view.")


def _forbidden(request):
    raise PermissionDenied


def _ok(request):
    return HttpResponse("fine")


# The real site, plus views that fail on purpose (used with @pytest.mark.urls(__name__)).
urlpatterns = [
    path("test-only/boom/", _boom),
    path("test-only/forbidden/", _forbidden),
    path("test-only/ok/", _ok),
    path("", include("finextra.urls")),
]


def assert_site_error_page(response, status: int, heading: str) -> None:
    """`response` is the site's own error page: `status`, its `heading`, the site's header."""
    assert response.status_code == status
    content = response.content.decode()
    assert heading in content
    assert 'class="site-header"' in content


def closed_port() -> int:
    """A local TCP port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _disconnect():
    connection.close()
    if getattr(connection, "pool", None) is not None:
        connection.close_pool()


@contextmanager
def database_unreachable(tmp_path):
    """The default connection pointed at a database that is not there, for the block's length:
    a file in a missing folder (SQLite), or a closed port (PostgreSQL)."""
    settings_dict = connection.settings_dict
    saved = copy.deepcopy(settings_dict)
    _disconnect()
    if connection.vendor == "sqlite":
        settings_dict["NAME"] = str(tmp_path / "no-such-folder" / "db.sqlite3")
    else:
        settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
        pool = settings_dict["OPTIONS"].get("pool")
        if pool:
            # The pool waits `timeout` seconds for a connection; keep the test short.
            pool = {**(pool if isinstance(pool, dict) else {}), "timeout": 1}
            settings_dict["OPTIONS"] = {**settings_dict["OPTIONS"], "pool": pool}
    try:
        yield
    finally:
        _disconnect()
        settings_dict.clear()
        settings_dict.update(saved)
        database_skip_reset()


def redis_cache_at(port):
    """The cache as production configures it, at `port`."""
    return {
        "default": redis_cache(
            f"redis://127.0.0.1:{port}/0", key_prefix="healthz-test", timeout_seconds=0.5
        )
    }


# /healthz


@pytest.mark.django_db
def test_healthz_answers_ok_when_the_database_and_cache_answer(client):
    response = client.get(HEALTH_PATH)

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"].startswith("text/plain")
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_healthz_answers_before_the_host_check(client):
    assert client.get("/", HTTP_HOST="evil.example").status_code == 400

    response = client.get(HEALTH_PATH, HTTP_HOST="evil.example")

    assert response.status_code == 200
    assert response.content == b"ok\n"


@pytest.mark.django_db
def test_healthz_answers_before_the_https_redirect():
    with override_settings(SECURE_SSL_REDIRECT=True):
        client = Client()
        assert client.get("/").status_code == 301  # the redirect is really on

        response = client.get(HEALTH_PATH, HTTP_HOST="10.0.0.7:8000")

    assert response.status_code == 200
    assert response.content == b"ok\n"


@pytest.mark.django_db(transaction=True)
def test_healthz_answers_503_while_the_database_is_unreachable_and_200_after(client, tmp_path):
    with database_unreachable(tmp_path):
        response = client.get(HEALTH_PATH)

    assert response.status_code == 503
    assert response.content == b"unavailable: database\n"
    assert response["Cache-Control"] == "no-store"
    assert client.get(HEALTH_PATH).status_code == 200


@pytest.mark.django_db
def test_healthz_answers_503_when_the_cache_is_unreachable(client):
    with override_settings(CACHES=redis_cache_at(closed_port())):
        response = client.get(HEALTH_PATH)
    breakers_reset()

    assert response.status_code == 503
    assert response.content == b"unavailable: cache\n"


@pytest.mark.django_db(transaction=True)
def test_a_reader_gets_the_503_page_when_the_database_is_unreachable(client, tmp_path):
    with database_unreachable(tmp_path):
        response = client.get("/")

    assert_site_error_page(response, 503, "Back shortly")
    assert response["Retry-After"] == "30"


# Error pages


@pytest.mark.django_db
def test_the_404_page_has_the_site_design(client):
    response = client.get("/no-such-page/")

    assert_site_error_page(response, 404, "Page not found")
    assert 'href="/"' in response.content.decode()


@pytest.mark.django_db
def test_a_form_posted_without_its_csrf_token_gets_the_form_expired_page():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/admin/login/", {"username": "someone", "password": "something"})

    assert_site_error_page(response, 403, "This form has expired")


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_forbidden_page_gets_the_sites_403_page(client):
    response = client.get("/test-only/forbidden/")

    assert_site_error_page(response, 403, "Not allowed")


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_an_error_in_a_view_gets_the_sites_500_page():
    client = Client(raise_request_exception=False)

    response = client.get("/test-only/boom/")

    assert_site_error_page(response, 500, "Something went wrong")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("template", "heading"), [("500.html", "Something went wrong"), ("503.html", "Back shortly")]
)
def test_the_500_and_503_pages_render_without_the_database(
    template, heading, django_assert_num_queries
):
    with django_assert_num_queries(0):
        html = render_to_string(template)

    assert heading in html
    assert 'class="site-header"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("host", ["bad host!", "evil.example"])
def test_a_bad_or_unknown_host_gets_the_400_page(client, host):
    response = client.get("/", HTTP_HOST=host)

    assert_site_error_page(response, 400, "Bad request")


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_the_test_only_views_answer_through_the_real_middleware(client):
    # The failing views above are reached the way real ones are.
    assert client.get("/test-only/ok/").content == b"fine"


# Deployment checks


def test_check_deploy_warns_only_about_hsts_preload_with_production_settings():
    env = production_env(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="news.example.com",
        DJANGO_HTTPS="1",
        # The production profile's services (`check` does not connect to them).
        DATABASE_URL="postgres://finextra@127.0.0.1:5432/finextra",
        REDIS_URL="redis://127.0.0.1:6379/0",
        SITE_URL="https://news.example.com",
    )

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert set(re.findall(r"\((\w+\.[WE]\d+)\)", output)) == {"security.W021"}, output
    assert "1 issue" in output, output
