"""A reader's crawl of every public URL finds nothing that exists only in unpublished copy."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Author, Channel, Tag
from finextra.services import transition
from tests.crawl import crawl

SECRETS = {
    "draft": "quuxdraftword",
    "edited": "quuxeditedword",
    "scheduled": "quuxscheduledword",
    "withdrawn": "quuxwithdrawnword",
    "old revision": "quuxoldrevisionword",
    "draft-only tag": "Quuxdrafttag",
    "draft-only author": "Quuxdraftauthor",
}
START = [
    "/",
    "/feeds/latest/rss/",
    "/feeds/latest/atom/",
    "/sitemap.xml",
    "/news-sitemap.xml",
    "/robots.txt",
    *(f"/search/?q={word}" for word in SECRETS.values()),
]
# Not pages: a click redirect and an impression beacon count what they serve.
SKIP = ("/admin/", "/sponsored/go/", "/sponsored/seen/", "/static/", "/media/")
LINK = re.compile(r"""(?:href|src)="([^"#]+)|<loc>([^<]+)</loc>|<link>([^<]+)</link>""")
MOST_PAGES = 600
HOSTS = ("testserver", "127.0.0.1:8000", "example.com")


def _article(channel, word, **fields):
    article = Article.objects.create(
        headline=f"Unpublished story {word}",
        slug=f"story-{Article.objects.count()}",  # the URL outlives the copy: no secret in it
        standfirst=f"Standfirst {word}",
        body=f"<p>Body with {word} inside.</p>",
        channel=channel,
        **fields,
    )
    return article


@pytest.fixture
def site_with_secrets(demo):
    from django.contrib.auth import get_user_model

    users = {u.username: u for u in get_user_model().objects.all()}
    editor, publisher = users["editor"], users["publisher"]
    channel = Channel.objects.get(slug="capital-markets")

    draft = _article(channel, SECRETS["draft"])
    draft.tags.add(Tag.objects.create(name=SECRETS["draft-only tag"], slug="quux-draft-tag"))
    draft.authors.add(Author.objects.create(name=SECRETS["draft-only author"], slug="quux-a"))

    edited = _article(channel, SECRETS["edited"])
    transition(obj=edited, move="mark_edited", user=editor)

    scheduled = _article(channel, SECRETS["scheduled"])
    transition(obj=scheduled, move="mark_edited", user=editor)
    transition(obj=scheduled, move="publish", user=publisher, at=timezone.now() + timedelta(days=2))

    withdrawn = _article(channel, SECRETS["withdrawn"])
    transition(obj=withdrawn, move="mark_edited", user=editor)
    transition(obj=withdrawn, move="publish", user=publisher)
    transition(obj=withdrawn, move="withdraw", user=publisher, note="Legal takedown.")

    corrected = _article(channel, SECRETS["old revision"])
    transition(obj=corrected, move="mark_edited", user=editor)
    transition(obj=corrected, move="publish", user=publisher)
    reader = Client()
    assert SECRETS["old revision"] in reader.get(corrected.get_absolute_url()).content.decode()
    # An editor corrects the live copy through the desk; the old words live on only in history.
    desk = Client()
    desk.force_login(editor)
    change_url = reverse("admin:articles_article_change", args=[corrected.pk])
    assert desk.get(change_url).status_code == 200
    corrected.refresh_from_db()
    response = desk.post(
        change_url,
        {
            "headline": "A corrected story",
            "slug": corrected.slug,
            "standfirst": "A corrected standfirst.",
            "body": "<p>The corrected body.</p>",
            "channel": channel.pk,
            "provenance": "editorial",
            "comment_mode": "open",
            "seen_version": corrected.version,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return reader


def found_text(path: str, text: str) -> str:
    """What a page shows of the site's content: a search page repeats its own query, and what
    it found follows its count."""
    if path.startswith("/search/") and 'class="listing-count"' in text:
        return text.split('class="listing-count"', 1)[1].split("</p>", 1)[1]
    return text


class TestOnTheDemo:
    """The demo (tests/conftest.py's `demo`), with secrets of the test's own on top."""

    def test_a_crawl_of_every_public_url_finds_no_unpublished_text(self, site_with_secrets):
        pages = crawl(
            site_with_secrets, START, links=LINK, skip=SKIP, most_pages=MOST_PAGES, hosts=HOSTS
        )

        assert len(pages) > 50, "the crawl reached too little of the site to mean anything"
        kinds = {
            "article": any(p.startswith("/news/") for p in pages),
            "channel": any(p.startswith("/channels/") for p in pages),
            "tag": any(p.startswith("/tags/") for p in pages),
            "author": any(p.startswith("/authors/") for p in pages),
            "feed": any("/feed" in p for p in pages),
            "search": any(p.startswith("/search/") for p in pages),
        }
        assert all(kinds.values()), kinds
        leaks = [
            (what, path)
            for path, text in pages.items()
            for what, word in SECRETS.items()
            if word.lower() in found_text(path, text).lower()
        ]
        assert leaks == []
        for word in SECRETS.values():
            assert "0 results for" in pages[f"/search/?q={word}"]
