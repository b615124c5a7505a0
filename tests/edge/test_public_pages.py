"""Public pages for a reader with no session: the same bytes for everyone, no cookie, no CSRF
token, a Cache-Control a shared cache may keep, validators, surrogate keys; a conditional GET
answered 304 before the view runs; anything personal never shared."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from sponsors.models import Kind, Placement, Slot, Sponsor
from tests.factories import PlacementFactory, SponsorFactory, publish


@pytest.fixture
def site(story, editor, publisher):
    """Everything a public page can show: a live article with tag and author, a placement in
    every slot, the flat pages."""
    from finextra.pages import pages_seed

    pages_seed()
    sponsor = SponsorFactory(name="Northwind Cloud", slug="northwind-cloud")
    for slot in Slot.values:
        placement = PlacementFactory(sponsor=sponsor, title=f"Offer in {slot}", slot=slot)
        publish(placement, editor=editor, publisher=publisher)
    return story


def public_urls(article) -> list[str]:
    tag, author = article.tags.get(), article.authors.get()
    placement = Placement.objects.first()
    return [
        "/",
        "/?page=1",
        article.channel.get_absolute_url(),
        article.get_absolute_url(),
        tag.get_absolute_url(),
        author.get_absolute_url(),
        "/feeds/latest/rss/",
        "/feeds/latest/atom/",
        f"{article.channel.get_absolute_url()}feed/rss/",
        f"{article.channel.get_absolute_url()}feed/atom/",
        "/sitemap.xml",
        "/sitemap-articles.xml",
        "/sitemap-tags.xml",
        "/news-sitemap.xml",
        "/robots.txt",
        "/about/",
        "/privacy/",
        "/sponsored/",
        f"/sponsored/{placement.pk}/",
    ]


def test_no_anonymous_public_page_sets_a_cookie_or_carries_a_csrf_token(site):
    client = Client()
    for url in public_urls(site):
        response = client.get(url)
        content = response.content.decode()

        assert response.status_code == 200, url
        assert not response.cookies, url
        assert "csrfmiddlewaretoken" not in content, url
        assert "cookie" not in response.get("Vary", "").lower(), url
        cache_control = response["Cache-Control"]
        assert cache_control.startswith("public, "), url
        assert re.search(r"s-maxage=\d+", cache_control), url
        assert response["ETag"].startswith('W/"'), url
        assert response["Last-Modified"].endswith("GMT"), url
        assert "all" in response["xkey"].split(), url


def test_two_anonymous_readers_get_the_same_bytes(site):
    url = site.get_absolute_url()
    first, second = Client(), Client(HTTP_USER_AGENT="Another browser")
    first.get(url)  # the cached parts are warm for both

    assert first.get(url).content == second.get(url).content


def test_a_request_with_only_the_csrf_cookie_gets_the_shared_page(site):
    client = Client()
    client.cookies["csrftoken"] = "x" * 32

    response = client.get(site.get_absolute_url())

    assert response["Cache-Control"].startswith("public, ")
    assert not response.cookies


def test_a_matching_if_none_match_is_a_304_without_rendering(site):
    client = Client()
    url = site.get_absolute_url()
    etag = client.get(url)["ETag"]

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert len(queries) == 0  # the view never ran


def test_an_if_modified_since_from_the_last_answer_is_a_304(site):
    client = Client()
    url = site.channel.get_absolute_url()
    last_modified = client.get(url)["Last-Modified"]

    assert client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304


def test_a_change_gives_the_page_a_new_etag(site, django_capture_on_commit_callbacks):
    from articles.corrections import correction_publish

    client = Client()
    url = site.get_absolute_url()
    etag = client.get(url)["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        correction_publish(article=site, note="The rate was 4.5%.", user=None)

    response = client.get(url, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert "The rate was 4.5%." in response.content.decode()


def test_the_article_page_names_what_it_shows(site):
    response = Client().get(site.get_absolute_url())
    keys = set(response["xkey"].split())
    tag, author = site.tags.get(), site.authors.get()

    assert {
        f"article-{site.pk}",
        f"channel-{site.channel_id}",
        f"tag-{tag.pk}",
        f"author-{author.pk}",
        "slot-article_inline",
        "slot-article_foot",
    } <= keys
    assert any(key.startswith("placement-") for key in keys)


def test_the_home_page_names_its_cards_and_its_list(site):
    keys = set(Client().get("/")["xkey"].split())

    assert {"list-home", f"article-{site.pk}", f"author-{site.authors.get().pk}"} <= keys
    assert "slot-home" in keys


def test_a_signed_in_readers_page_is_never_shared(site, reader):
    client = Client()
    client.force_login(reader)

    for url in (site.get_absolute_url(), "/", f"/comments/post/{site.pk}/", "/accounts/"):
        response = client.get(url)
        assert {"private", "no-store"} <= set(response["Cache-Control"].split(", ")), url
        assert "xkey" not in response, url
        assert "ETag" not in response, url


def test_staff_pages_are_never_shared(site, editor):
    client = Client()
    client.force_login(editor)

    response = client.get(site.get_absolute_url())

    assert response["Cache-Control"] == "private, no-store"
    assert "no-store" in client.get("/admin/")["Cache-Control"]


def test_a_reader_with_a_message_waiting_gets_a_personal_page(site):
    client = Client()
    client.cookies["messages"] = "anything"

    response = client.get(site.get_absolute_url())

    assert response["Cache-Control"] == "private, no-store"


def test_forms_search_and_sign_in_are_never_cached(site):
    client = Client()
    for url in ("/accounts/login/", "/search/?q=rate", f"/comments/post/{site.pk}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert "public" not in response["Cache-Control"], url


def test_a_wrong_slug_redirect_and_a_404_are_not_kept(site):
    client = Client()

    assert "no-store" in client.get(f"/news/{site.pk}/wrong/")["Cache-Control"]
    assert "no-store" in client.get("/news/999999/nothing/")["Cache-Control"]


def test_a_scheduled_article_caps_how_long_pages_are_kept(
    make_article, editor, publisher, site, django_capture_on_commit_callbacks
):
    """Clock-driven: nobody acts at the scheduled time, yet no cache keeps the old home page
    past it, and the first request after it shows the article."""
    # Half-way through a rotation window, so the schedule is the nearer limit.
    at = timezone.now().replace(second=30, microsecond=0) + timedelta(minutes=30)
    client = Client()
    client.get("/")  # the edge learns what is scheduled (none yet)
    with django_capture_on_commit_callbacks(execute=True):
        scheduled = publish(
            make_article(headline="Results at ten"), editor=editor, publisher=publisher, at=at
        )
    assert not Article.objects.live().filter(pk=scheduled.pk).exists()

    before = client.get("/")
    fresh = int(re.search(r"s-maxage=(\d+)", before["Cache-Control"]).group(1))

    assert "Results at ten" not in before.content.decode()
    assert fresh <= settings.EDGE_ROTATION_SECONDS  # the home page shows a slot
    with time_machine.travel(at - timedelta(seconds=20), tick=False):
        nearly = client.get("/")
        assert re.search(r"s-maxage=(\d+)", nearly["Cache-Control"]).group(1) == "20"
    with time_machine.travel(at + timedelta(seconds=1), tick=False):
        after = client.get("/", HTTP_IF_NONE_MATCH=nearly["ETag"])
        assert after.status_code == 200
        assert "Results at ten" in after.content.decode()


def test_a_placement_ending_by_the_clock_caps_the_pages_showing_its_slot(story, editor, publisher):
    """Nobody acts when a booking ends: pages with the slot are kept no longer than its end,
    and the first request after it no longer shows the placement."""
    from finextra.services import transition

    ends = timezone.now().replace(second=30, microsecond=0) + timedelta(minutes=30)
    placement = Placement.objects.create(
        sponsor=Sponsor.objects.create(name="Northwind Cloud", slug="northwind-cloud"),
        title="Ends on the half hour",
        kind=Kind.CONTENT,
        provenance="sponsored",
        slot=Slot.ARTICLE_INLINE,
        target_url="https://example.com/",
        starts_at=timezone.now() - timedelta(hours=1),
        ends_at=ends,
    )
    transition(obj=placement, move="mark_edited", user=editor)
    transition(obj=placement, move="publish", user=publisher)
    client, url = Client(), story.get_absolute_url()
    # An emptied cache knows no schedule: for its first minute pages are kept 60 s at most;
    # then the clock sources are asked.
    first = client.get(url)
    assert int(re.search(r"s-maxage=(\d+)", first["Cache-Control"]).group(1)) <= 60

    with time_machine.travel(ends - timedelta(seconds=20), tick=False):
        before = client.get(url)
    with time_machine.travel(ends + timedelta(seconds=1), tick=False):
        after = client.get(url)

    assert "Ends on the half hour" in before.content.decode()
    assert re.search(r"s-maxage=(\d+)", before["Cache-Control"]).group(1) == "20"
    assert "Ends on the half hour" not in after.content.decode()
    assert after["ETag"] != before["ETag"]
