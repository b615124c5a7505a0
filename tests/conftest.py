from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from finextra import roles
from finextra.collector import collector_settle
from tests import scheduling
from tests.accounts import PASSWORD
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    ChannelFactory,
    TagFactory,
    publish,
    user_make,
)


def pytest_collection_finish(session):
    """What a worker has loaded by now (Django, the apps, the collected tests) lives for the
    whole run: settled as an app server settles it (a tenth of the suite's time)."""
    collector_settle()


def pytest_collection_modifyitems(items):
    scheduling.browser_tests_first(items)


@pytest.hookimpl(optionalhook=True)  # xdist's hook: optional, as pytest may run without it
def pytest_xdist_make_scheduler(config, log):
    """`make test`'s workers share the suite by tests/scheduling.py."""
    if config.getvalue("dist") == "load":
        return scheduling.ShortQueueScheduling(config, log)
    return None


def redis_client():
    """The raw redis-py client behind the cache (django-redis, as the settings configure it)."""
    return cache.client.get_client(write=True)


def cache_on_redis() -> bool:
    return "redis" in settings.CACHES["default"]["BACKEND"].lower()


def this_runs_keys():
    """The Redis keys under this run's prefix (other runs may share the database)."""
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    return redis_client().scan_iter(match=f"{prefix}:*", count=500)


def clear_this_runs_cache():
    """cache.clear() on Redis flushes the whole database, other runs' keys included: delete only
    the keys under this run's prefix."""
    if not cache_on_redis():
        cache.clear()
        return
    client = redis_client()
    for key in this_runs_keys():
        client.delete(key)


def cold_and_warm(client, url) -> tuple[list[str], list[str]]:
    """The SQL of one anonymous request with every cache emptied, then of the same again."""
    clear_this_runs_cache()
    with CaptureQueriesContext(connection) as cold:
        first = client.get(url)
    with CaptureQueriesContext(connection) as warm:
        second = client.get(url)
    assert first.status_code == second.status_code == 200, url
    assert first.content == second.content, "the cached parts must be the parts"
    return [q["sql"] for q in cold.captured_queries], [q["sql"] for q in warm.captured_queries]


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_this_runs_cache()
    yield
    clear_this_runs_cache()


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    """Uploads, renditions and the demo's pictures go to a folder of the test's own, removed
    with it (settings.MEDIA_ROOT, media/tests, stays empty)."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def make_user(db):
    return user_make


@pytest.fixture
def writer(make_user):
    return make_user("writer", roles.WRITER)


@pytest.fixture
def editor(make_user):
    return make_user("editor", roles.EDITOR)


@pytest.fixture
def publisher(make_user):
    return make_user("publisher", roles.PUBLISHER)


@pytest.fixture
def commercial(make_user):
    return make_user("commercial", roles.COMMERCIAL)


@pytest.fixture
def moderator(make_user):
    return make_user("moderator", roles.MODERATOR)


@pytest.fixture
def reader(make_user):
    """A reader's account: no role, not staff."""
    return make_user("riley", display_name="Riley Reader", email="riley@example.com")


@pytest.fixture
def channel(db):
    return ChannelFactory(
        name="Capital Markets",
        slug="capital-markets",
        strapline="News and resources on capital markets.",
    )


@pytest.fixture
def make_article(channel):
    """`make_article(**fields)`: a draft article in `channel` (tests/factories.py)."""

    def make(**fields):
        fields.setdefault("channel", channel)
        return ArticleFactory(**fields)  # saved as the desk saves, renditions made

    return make


@pytest.fixture
def live_article(make_article, editor, publisher):
    """A published article, taken there through the workflow."""
    article = make_article(
        headline="Markets rally on rate cut",
        slug="markets-rally",
        authors=[AuthorFactory(name="Alice Morgan", slug="alice-morgan")],
        tags=[TagFactory(name="Rates", slug="rates")],
    )
    return publish(article, editor=editor, publisher=publisher)


# The demo (`seed_demo`), for tests that read it.

SEED_SLUG = "ec-makes-supercomputers-widely-accessible-to-foster-ai-development"
# The demo accounts sign in with the password every test account has.
DEMO_PASSWORD = PASSWORD


@dataclass(frozen=True)
class Demo:
    article: Article  # the seed article (articles/demo_data/finextra-article.txt)
    output: str  # what seed_demo printed
    media_root: Path  # its pictures


def demo_seed() -> str:
    """Run `seed_demo` as `make run` does, with DEMO_PASSWORD set, and as its transactions
    commit (lead image renditions are made then); what it printed."""
    out = StringIO()
    with pytest.MonkeyPatch.context() as patch, TestCase.captureOnCommitCallbacks(execute=True):
        patch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
        call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="class")
def _demo_for_the_class(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seeding takes seconds, so a class of tests that read the demo shares one seed: it is
    made in a transaction of the class's own, rolled back after the class's last test. Each
    test runs inside it in a savepoint of its own (pytest-django's `db`), so what one test
    writes the next never sees, as in Django's TestCase.setUpTestData."""
    media_root = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock():
        seeded = transaction.atomic()
        seeded.__enter__()
        try:
            # As `make run` seeds it: in development guests may comment (the demo has one).
            with override_settings(MEDIA_ROOT=media_root, COMMENTS_ALLOW_GUESTS=True):
                output = demo_seed()
                article = Article.objects.get(slug=SEED_SLUG)
        except BaseException:
            transaction.set_rollback(True)
            seeded.__exit__(None, None, None)
            raise
    yield Demo(article=article, output=output, media_root=media_root)
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        seeded.__exit__(None, None, None)


@pytest.fixture
def demo(request, _demo_for_the_class, db, settings) -> Demo:
    """The whole demo, as `make run` seeds it, shared by the tests of one class (see above)."""
    if request.cls is None:
        raise pytest.UsageError(
            f"{request.node.nodeid}: `demo` is shared by a class's tests; put the test in one"
        )
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and marker.kwargs.get("transaction")
    if transactional or {"transactional_db", "live_server"} & set(request.fixturenames):
        raise pytest.UsageError(f"{request.node.nodeid}: `demo` is not for transactional tests")
    settings.MEDIA_ROOT = _demo_for_the_class.media_root
    _demo_for_the_class.article.refresh_from_db()
    return _demo_for_the_class
