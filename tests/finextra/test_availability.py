"""Up when a part is down: Redis down or hung costs readers nothing but speed, the production
profile refuses to start without its services, and seed_demo refuses a real database."""

import logging
import os
import socket
import subprocess
import sys
import threading
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client

from articles.fragments import fragment_version
from articles.models import Author
from articles.services import label_save
from finextra.cache import breakers_reset
from finextra.middleware import HEALTH_PATH, database_unavailable
from finextra.settings import redis_cache
from tests.accounts import PASSWORD
from tests.production_env import production_env

from .test_site import closed_port, database_unreachable


@pytest.fixture
def redis_at(settings):
    """Point the cache at Redis on `port`, configured as production configures it."""

    def point(port: int):
        settings.CACHES = {
            "default": redis_cache(
                f"redis://127.0.0.1:{port}/0", key_prefix="availability-test", timeout_seconds=0.5
            )
        }

    breakers_reset()
    yield point
    breakers_reset()


@pytest.fixture
def hung_redis():
    """A server that takes connections and never answers: Redis paused (SIGSTOP) looks so."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(64)
        yield server.getsockname()[1]


def sign_in(client, username, password):
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    token = client.cookies["csrftoken"].value
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password, "csrfmiddlewaretoken": token},
    )


# Redis down


def test_with_redis_down_home_article_and_sign_in_still_work(redis_at, live_article, reader):
    redis_at(closed_port())
    client = Client(enforce_csrf_checks=True)

    assert client.get("/").status_code == 200
    response = client.get(live_article.get_absolute_url())
    assert response.status_code == 200
    assert "Markets rally on rate cut" in response.content.decode()
    signed_in = sign_in(client, "riley", PASSWORD)
    assert signed_in.status_code == 302
    assert client.session["_auth_user_id"] == str(reader.pk)


def test_with_redis_down_the_lockout_fails_open_and_says_so(redis_at, reader, caplog):
    redis_at(closed_port())
    client = Client(enforce_csrf_checks=True)

    with caplog.at_level(logging.WARNING):
        for _ in range(8):
            assert sign_in(client, "riley", "wrong").status_code == 200
        right = sign_in(client, "riley", PASSWORD)

    assert right.status_code == 302, "nobody is locked out while the counts cannot be kept"
    assert "Sign-in lockout: a failed sign-in was not counted" in caplog.text


def test_with_redis_down_healthz_names_the_cache(redis_at, db):
    redis_at(closed_port())

    response = Client().get(HEALTH_PATH)

    assert response.status_code == 503
    assert response.content == b"unavailable: cache\n"


def test_a_hung_redis_is_waited_for_once_then_skipped(redis_at, hung_redis, live_article, caplog):
    redis_at(hung_redis)
    client = Client()

    with caplog.at_level(logging.WARNING, logger="finextra.cache"):
        for _ in range(3):
            assert client.get(live_article.get_absolute_url()).status_code == 200
            assert client.get("/").status_code == 200

    # One timeout opened the breaker; every other cache call of the six pages skipped Redis.
    skipped = [r for r in caplog.records if r.getMessage().startswith("Cache unreachable")]
    assert len(skipped) == 1


# The cache is told of a change once it commits


@pytest.mark.django_db(transaction=True)
def test_a_reader_between_save_and_commit_cannot_keep_the_old_name_in_the_cache(live_article):
    url = live_article.get_absolute_url()
    assert "Alice Morgan" in Client().get(url).content.decode()
    author = Author.objects.get(slug="alice-morgan")

    def read_elsewhere() -> str:
        """A reader on another connection, while the rename is not yet committed."""
        seen = {}

        def read():
            seen["html"] = Client().get(url).content.decode()
            connection.close()

        thread = threading.Thread(target=read)
        thread.start()
        thread.join(timeout=30)
        return seen["html"]

    with transaction.atomic():
        author.name = "Alice Morgan-Smith"
        label_save(label=author)
        between = read_elsewhere()

    assert "Alice Morgan-Smith" not in between, "the other reader saw the committed name"
    assert "Alice Morgan-Smith" in Client().get(url).content.decode()


def test_a_new_release_renders_the_cached_fragments_afresh(live_article, settings):
    before = fragment_version(live_article)
    settings.RELEASE = "next-release"

    assert fragment_version(live_article) != before
    assert fragment_version(live_article).endswith(".next-release")


# The production profile


def run_check(**variables):
    env = production_env(
        DJANGO_SECRET_KEY="check-only-" + "x" * 50,
        ALLOWED_HOSTS="news.example.com",
        **variables,
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DATABASE_URL": "postgres://finextra@127.0.0.1:5432/finextra",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "SITE_URL": "https://news.example.com",
}


@pytest.mark.parametrize("missing", sorted(PRODUCTION))
def test_with_debug_off_check_fails_naming_a_missing_service(missing):
    result = run_check(**{k: v for k, v in PRODUCTION.items() if k != missing})

    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert f"{missing} is not set. With DJANGO_DEBUG off it is required" in output
    assert sum(name in output for name in PRODUCTION) == 1, output


def test_with_debug_off_and_every_service_named_check_passes():
    result = run_check(**PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr


def test_seed_demo_refuses_without_debug_or_demo(db, settings):
    settings.DEBUG = False
    settings.DEMO_CONTENT_ALLOWED = False

    with pytest.raises(CommandError, match="only with DJANGO_DEBUG=1, or with --demo"):
        call_command("seed_demo", stdout=StringIO())

    from finextra.models import User

    assert not User.objects.exists()


# The database down is a 503; a mistake in a query stays a 500


def test_a_mistake_in_a_query_is_not_taken_for_the_database_being_down(db):
    with pytest.raises(DatabaseError) as raised, transaction.atomic():
        connection.cursor().execute("SELECT * FROM no_such_table")

    assert not database_unavailable(raised.value)


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_database_is_taken_for_down(tmp_path):
    with database_unreachable(tmp_path), pytest.raises(DatabaseError) as raised:
        connection.cursor().execute("SELECT 1")

    assert database_unavailable(raised.value)


# Media in production


def test_an_s3_compatible_store_is_wired_from_the_environment():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MEDIA_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="finextra.settings",
        DJANGO_DEBUG="1",
        MEDIA_S3_BUCKET="news-media",
        MEDIA_S3_ENDPOINT_URL="https://s3.example.net",
        MEDIA_S3_ACCESS_KEY_ID="key-id",
        MEDIA_S3_SECRET_ACCESS_KEY="secret",
        MEDIA_S3_CUSTOM_DOMAIN="media.example.com",
    )
    code = (
        "import django; django.setup();"
        "from django.core.files.storage import storages; s = storages['default'];"
        "print(type(s).__name__, s.bucket_name, s.endpoint_url, s.url('a/b.jpg'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "S3Storage",
        "news-media",
        "https://s3.example.net",
        "https://media.example.com/a/b.jpg",
    ]
