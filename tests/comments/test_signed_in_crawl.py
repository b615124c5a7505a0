"""Taken down means down, for the signed in too: a reader and a moderator each crawl every page
they can reach (a reader's own comment pages and data export included; a moderator's desk)
and find no headline of an article that is not live: drafts, scheduled, withdrawn, and one
unpublished and rewritten under embargo after readers had commented on it."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Article, Channel
from comments.models import Comment
from comments.services import comment_post, comment_report
from finextra import roles
from finextra.services import transition
from tests.crawl import crawl
from tests.factories import publish

SECRETS = {
    "draft": "Quuxdraftheadline",
    "scheduled": "Quuxscheduledheadline",
    "withdrawn": "Quuxwithdrawnheadline",
    "rewritten under embargo": "Quuxembargoheadline",
}
LINK = re.compile(r"""(?:href|src|action)="([^"#]+)""")
# Not pages (counters), or pages whose GET changes nothing but that a crawl need not walk.
SKIP = ("/sponsored/go/", "/sponsored/seen/", "/static/", "/media/", "/admin/logout/")
MOST_PAGES = 250


def _article(channel, headline, **fields):
    return Article.objects.create(
        headline=headline,
        slug=f"crawl-story-{Article.objects.count()}",
        standfirst=f"Standfirst of {headline}",
        body="<p>Body.</p>",
        channel=channel,
        **fields,
    )


@pytest.fixture
def newsroom_with_takedowns(demo, make_user, settings):
    """The demo, and articles readers commented on that were then taken down."""
    settings.COMMENTS_ALLOW_GUESTS = True
    editor = make_user("crawl-editor", roles.EDITOR)
    publisher = make_user("crawl-publisher", roles.PUBLISHER)
    reader = make_user("crawl-reader", email="crawl-reader@example.com")
    other = make_user("crawl-other", email="crawl-other@example.com")
    moderator = make_user("crawl-moderator", roles.MODERATOR)
    channel = Channel.objects.get(slug="capital-markets")

    _article(channel, SECRETS["draft"])
    publish(
        _article(channel, SECRETS["scheduled"]),
        editor=editor,
        publisher=publisher,
        at=timezone.now() + timedelta(days=2),
    )

    # Readers commented while these were live; then one was withdrawn, the other unpublished
    # and rewritten under embargo.
    withdrawn = _article(channel, "A story soon withdrawn")
    rewritten = _article(channel, "A story soon unpublished")
    mine = {}
    for article in (withdrawn, rewritten):
        publish(article, editor=editor, publisher=publisher)
        mine[article.pk] = comment_post(article=article, body="My own view.", author=reader)
        theirs = comment_post(article=article, body="Another view.", author=other)
        comment_report(comment=theirs, reporter=reader, reason="off_topic")
        comment_post(
            article=article, body="A guest's view.", guest_name="Gail", guest_email="g@example.com"
        )
    transition(obj=withdrawn, move="withdraw", user=publisher, note="Legal takedown.")
    Article.objects.filter(pk=withdrawn.pk).update(headline=SECRETS["withdrawn"])
    transition(obj=rewritten, move="unpublish", user=publisher)
    Article.objects.filter(pk=rewritten.pk).update(headline=SECRETS["rewritten under embargo"])
    return {"reader": reader, "moderator": moderator, "other": other, "mine": mine}


def leaks(pages: dict[str, str]) -> list[tuple[str, str]]:
    return [
        (what, path)
        for path, text in pages.items()
        for what, word in SECRETS.items()
        if word.lower() in text.lower()
    ]


class TestOnTheDemo:
    """The demo, seeded once for the class (tests/conftest.py's `demo`); each test's takedowns
    are its own."""

    def test_a_readers_crawl_of_their_own_pages_names_no_article_that_is_not_live(
        self,
        newsroom_with_takedowns,
    ):
        reader, mine = newsroom_with_takedowns["reader"], newsroom_with_takedowns["mine"]
        others = Comment.objects.exclude(author=reader).filter(article_id__in=list(mine))
        client = Client()
        client.force_login(reader)
        start = ["/", "/accounts/", "/accounts/comments.json"]
        for comment in [*mine.values(), *others]:
            start += [f"/comments/{comment.pk}/{page}/" for page in ("edit", "delete", "report")]
            start.append(f"/comments/{comment.pk}/")
        start += [f"/comments/post/{pk}/" for pk in Article.objects.values_list("pk", flat=True)]

        pages = crawl(client, start, links=LINK, skip=(*SKIP, "/admin/"), most_pages=MOST_PAGES)

        own_pages = [p for p in pages if p.startswith("/comments/") and pages[p]]
        assert len(own_pages) >= 4, "the reader reached too few of their own comment pages"
        assert "an article no longer available" in pages["/accounts/comments.json"]
        for comment in mine.values():
            for page in ("edit", "delete"):
                assert "an article no longer available" in pages[f"/comments/{comment.pk}/{page}/"]
        assert len(pages) > 50
        assert leaks(pages) == []

    def test_a_moderators_crawl_of_the_desk_and_the_site_finds_no_unpublished_headline(
        self,
        newsroom_with_takedowns,
    ):
        client = Client()
        client.force_login(newsroom_with_takedowns["moderator"])
        start = ["/admin/", "/admin/comments/comment/", "/"]

        # All of the admin the moderator can open, not only the desk.
        pages = crawl(client, start, links=LINK, skip=SKIP, most_pages=MOST_PAGES)

        desk = [p for p in pages if p.startswith("/admin/comments/comment/") and pages[p]]
        assert len(desk) >= 8, "the moderator reached too little of the desk"
        assert leaks(pages) == []
        assert any("an article no longer available" in pages[p] for p in desk)
