import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import TestCase

from articles.models import Article, Author, Channel, Tag
from articles.services import article_save
from finextra import roles
from tests.accounts import PASSWORD


def redis_client():
    """The raw redis-py client behind the cache (django-redis, as the settings configure it)."""
    return cache.client.get_client(write=True)


def clear_this_runs_cache():
    """cache.clear() on Redis flushes the whole database, other runs' keys included: delete only
    the keys under this run's prefix."""
    if "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        cache.clear()
        return
    client = redis_client()
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    for key in client.scan_iter(match=f"{prefix}:*", count=500):
        client.delete(key)


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
    def make(username, role=None, **extra):
        user = get_user_model().objects.create_user(
            username=username, password=PASSWORD, is_staff=role is not None, **extra
        )
        if role:
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


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
    return Channel.objects.create(
        name="Capital Markets",
        slug="capital-markets",
        strapline="News and resources on capital markets.",
    )


@pytest.fixture
def make_article(channel):
    counter = iter(range(1, 10_000))

    def make(**fields):
        n = next(counter)
        fields.setdefault("headline", f"Headline number {n}")
        fields.setdefault("slug", f"headline-number-{n}")
        fields.setdefault("standfirst", "A standfirst.")
        fields.setdefault("body", "<p>Body text.</p>")
        fields.setdefault("channel", channel)
        # As a desk's save commits: the renditions of a lead image are made after the commit.
        with TestCase.captureOnCommitCallbacks(execute=True):
            return article_save(article=Article(**fields))

    return make


@pytest.fixture
def live_article(make_article, editor, publisher):
    """A published article, taken there through the workflow."""
    from finextra.services import transition

    article = make_article(headline="Markets rally on rate cut", slug="markets-rally")
    article.authors.add(Author.objects.create(name="Alice Morgan", slug="alice-morgan"))
    article.tags.add(Tag.objects.create(name="Rates", slug="rates"))
    transition(obj=article, move="mark_edited", user=editor)
    transition(obj=article, move="publish", user=publisher)
    return article
