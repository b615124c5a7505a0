"""The public article page as a reader gets it: the seed page top to bottom, its query budget,
its URLs (canonical, redirects, bad input) and what the public may not see."""

import re
from datetime import timedelta
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.fragments import fragments_forget
from articles.models import Article, Author, Channel, Tag
from finextra.services import transition

SEED_TEXT = Path(__file__).resolve().parents[2] / "articles" / "demo_data" / "finextra-article.txt"
SEED_SLUG = "ec-makes-supercomputers-widely-accessible-to-foster-ai-development"
STRAPLINE = (
    "News and resources on capital markets, exchanges, trade execution and post-trade settlement."
)
EDITORIAL_NOTE = (
    "This content has been selected, created and edited by the Finextra editorial team based "
    "upon its relevance and interest to our community."
)
QUERY_BUDGET = 6


class _PageText(HTMLParser):
    """What a reader sees in the page's <body>, as one string, and every <h1>'s text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.in_body = False
        self.skipping = 0
        self.in_h1 = False
        self.parts: list[str] = []
        self.h1s: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.in_body = True
        elif tag in ("script", "style", "template"):
            self.skipping += 1
        elif tag == "h1":
            self.in_h1 = True
            self.h1s.append("")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self.skipping -= 1
        elif tag == "h1":
            self.in_h1 = False

    def handle_data(self, data):
        if self.in_h1:
            self.h1s[-1] += data
        if self.in_body and not self.skipping:
            self.parts.append(data)


def page_text(html: str) -> _PageText:
    parser = _PageText()
    parser.feed(html)
    parser.close()
    parser.text = "".join(parser.parts)
    return parser


def seed_page_lines() -> list[str]:
    """The flattened seed page, one element a line (blank lines dropped)."""
    lines = [line.strip() for line in SEED_TEXT.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line]


def publish(article, editor, publisher, at=None):
    transition(obj=article, move="mark_edited", user=editor)
    transition(obj=article, move="publish", user=publisher, at=at)
    return article


def captured_queries(client, url) -> list[str]:
    """The SQL of one anonymous request, once the cached channel menu is warm."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return [query["sql"] for query in queries.captured_queries]


def queries_for(client, url) -> int:
    return len(captured_queries(client, url))


@pytest.fixture
def seeded(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-for-tests-123")
    call_command("seed_demo", stdout=StringIO())
    return Article.objects.get(slug=SEED_SLUG)


# The seed page, top to bottom.


def test_the_seed_file_is_laid_out_as_the_page_test_expects():
    lines = seed_page_lines()
    assert lines[0] == STRAPLINE
    assert lines[3] == "Be the first to comment"
    assert lines[5] == EDITORIAL_NOTE
    assert lines[6].startswith("]As part of")
    assert lines[13].startswith("Sponsored NextGen:AI")
    assert lines[14] == "Comments: (0)"


def test_the_seed_article_renders_the_page_items_in_order(client, seeded):
    lines = seed_page_lines()
    strapline, headline, standfirst, comment_link = lines[0:4]
    note, paragraphs = lines[5], lines[6:13]

    response = client.get(seeded.get_absolute_url())

    assert response.status_code == 200
    page = page_text(response.content.decode())
    expected_in_order = [
        strapline,  # 1
        headline,  # 2
        standfirst,  # 3
        comment_link,  # 4
        note,  # 6 (5, the lead image, is absent: the seed article has none)
        *paragraphs,  # 7, word for word
        "Comments: (0)",  # 9
    ]
    positions = []
    for item in expected_in_order:
        assert item in page.text, f"missing from the page: {item[:60]!r}"
        start = positions[-1] + 1 if positions else 0
        positions.append(page.text.index(item, start))
    assert positions == sorted(positions)


def test_the_seed_headline_is_the_only_h1(client, seeded):
    response = client.get(seeded.get_absolute_url())

    page = page_text(response.content.decode())
    assert page.h1s == ["EC makes supercomputers widely accessible to foster AI development"]


def test_the_stray_bracket_in_the_seed_body_stays_as_text_in_its_own_paragraph(client, seeded):
    response = client.get(seeded.get_absolute_url())

    assert "<p>]As part of the EU AI Start-Up Initiative, the European Commission" in (
        response.content.decode()
    )


def test_the_seed_article_shows_its_channel_and_strapline(client, seeded):
    response = client.get(seeded.get_absolute_url())

    text = page_text(response.content.decode()).text
    assert f"Capital Markets: {STRAPLINE}" in text


# Query budget for an anonymous reader.


@pytest.fixture
def article_with(channel, editor, publisher):
    """A live article with `tags` tags and `authors` authors."""
    counter = iter(range(1, 10_000))

    def make(*, tags, authors):
        n = next(counter)
        article = Article.objects.create(
            headline=f"Budget article {n}",
            slug=f"budget-article-{n}",
            standfirst="A standfirst.",
            body="<p>Body.</p>",
            channel=channel,
        )
        article.tags.set(
            Tag.objects.create(name=f"Tag {n}-{i}", slug=f"tag-{n}-{i}") for i in range(tags)
        )
        article.authors.set(
            Author.objects.create(name=f"Author {n}-{i}", slug=f"author-{n}-{i}")
            for i in range(authors)
        )
        return publish(article, editor, publisher)

    return make


@pytest.fixture
def many_live_articles(make_article, editor, publisher):
    def make(count, channel=None):
        extra = {"channel": channel} if channel else {}
        for _ in range(count):
            article = make_article(**extra)
            article.authors.add(
                Author.objects.create(name=f"Writer {article.pk}", slug=f"writer-{article.pk}")
            )
            publish(article, editor, publisher)

    return make


def test_the_article_page_keeps_to_the_query_budget_for_an_anonymous_reader(client, article_with):
    article = article_with(tags=1, authors=1)

    assert queries_for(client, article.get_absolute_url()) <= QUERY_BUDGET


def test_the_article_page_takes_its_channel_from_the_menu_and_loads_tags_and_authors_once_each(
    client, article_with
):
    article = article_with(tags=3, authors=2)

    url = article.get_absolute_url()
    client.get(url)  # the cached channel menu
    fragments_forget()  # the article's own part is rendered afresh
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    cold = [query["sql"] for query in queries.captured_queries]
    warm = captured_queries(client, url)

    def reading(sqls, table):
        return [sql for sql in sqls if re.search(rf'FROM "?{table}"?[\s]', sql + " ")]

    for sqls in (cold, warm):
        assert len(reading(sqls, "articles_article")) == 1
        # The channel is the cached menu's (filled by the first request): neither joined nor
        # read on its own.
        assert "articles_channel" not in reading(sqls, "articles_article")[0]
        assert reading(sqls, "articles_channel") == []
    assert article.channel.name in client.get(url).content.decode()
    assert len(reading(cold, "articles_tag")) == 1
    assert len(reading(cold, "articles_author")) == 1
    # Once rendered, the article's part comes from the cache until its next version.
    assert reading(warm, "articles_tag") == reading(warm, "articles_author") == []


def test_the_article_page_query_count_does_not_grow_with_tags_or_authors(client, article_with):
    small = article_with(tags=1, authors=1)
    large = article_with(tags=5, authors=4)

    small_count = queries_for(client, small.get_absolute_url())
    large_count = queries_for(client, large.get_absolute_url())

    assert large_count == small_count
    text = page_text(client.get(large.get_absolute_url()).content.decode()).text
    for name in [*large.tags.values_list("name", flat=True)]:
        assert name in text
    for name in [*large.authors.values_list("name", flat=True)]:
        assert name in text


def test_the_article_page_query_count_does_not_grow_with_more_articles(
    client, article_with, many_live_articles
):
    article = article_with(tags=2, authors=2)
    before = queries_for(client, article.get_absolute_url())

    many_live_articles(30)

    assert queries_for(client, article.get_absolute_url()) == before


def test_the_home_page_query_count_does_not_grow_with_more_articles(client, many_live_articles):
    many_live_articles(3)
    with_three = queries_for(client, "/")

    many_live_articles(22)
    with_twenty_five = queries_for(client, "/")

    assert with_three <= QUERY_BUDGET
    assert with_twenty_five == with_three


def test_the_channel_page_query_count_does_not_grow_with_more_articles(
    client, channel, many_live_articles
):
    url = channel.get_absolute_url()
    many_live_articles(3, channel=channel)
    with_three = queries_for(client, url)

    many_live_articles(22, channel=channel)
    with_twenty_five = queries_for(client, url)

    assert with_three <= QUERY_BUDGET
    assert with_twenty_five == with_three


# URLs: canonical, redirects, bad input.


def test_a_wrong_slug_redirects_permanently_to_the_canonical_url(client, live_article):
    response = client.get(f"/news/{live_article.pk}/old-headline/")

    assert response.status_code == 301
    assert response["Location"] == f"/news/{live_article.pk}/markets-rally/"


def test_the_id_alone_redirects_permanently_to_the_canonical_url(client, live_article):
    response = client.get(f"/news/{live_article.pk}/")

    assert response.status_code == 301
    assert response["Location"] == live_article.get_absolute_url()


def test_the_canonical_url_answers_200_with_the_headline(client, live_article):
    response = client.get(f"/news/{live_article.pk}/markets-rally/")

    assert response.status_code == 200
    assert page_text(response.content.decode()).h1s == ["Markets rally on rate cut"]


def test_an_unknown_id_is_not_found(client, live_article):
    response = client.get(f"/news/{live_article.pk + 1000}/markets-rally/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/news/abc/x/",
        "/news/99999999999999999999999/x/",
        "/news/99999999999999999999999/",
        "/news/-1/x/",
        "/channels/no-such/",
    ],
)
def test_malformed_or_unknown_urls_are_not_found_rather_than_errors(client, live_article, url):
    response = client.get(url)

    assert response.status_code == 404


def test_a_draft_article_is_not_found_by_the_public(client, make_article):
    article = make_article()

    assert client.get(article.get_absolute_url()).status_code == 404
    assert client.get(f"/news/{article.pk}/").status_code == 404


def test_an_edited_article_is_not_found_by_the_public(client, make_article, editor):
    article = make_article()
    transition(obj=article, move="mark_edited", user=editor)

    assert client.get(article.get_absolute_url()).status_code == 404


def test_a_scheduled_article_is_not_found_by_the_public_until_its_time(
    client, make_article, editor, publisher
):
    article = publish(make_article(), editor, publisher, at=timezone.now() + timedelta(days=1))

    response = client.get(article.get_absolute_url())

    assert response.status_code == 404
    assert article.headline not in response.content.decode()


def test_a_withdrawn_article_is_gone_with_a_notice(client, live_article, publisher):
    transition(obj=live_article, move="withdraw", user=publisher, note="Legal takedown.")

    response = client.get(live_article.get_absolute_url())

    assert response.status_code == 410
    content = response.content.decode()
    assert "This article has been withdrawn" in content
    assert "Markets rally on rate cut" not in content


def test_a_withdrawn_article_is_gone_at_its_id_url_too(client, live_article, publisher):
    transition(obj=live_article, move="withdraw", user=publisher, note="Legal takedown.")

    assert client.get(f"/news/{live_article.pk}/").status_code == 410


@pytest.mark.parametrize("page", ["999", "abc", "0", "-1"])
def test_a_page_number_out_of_range_or_not_a_number_is_not_found(
    client, channel, many_live_articles, page
):
    many_live_articles(21, channel=channel)  # two pages of 20

    assert client.get("/", {"page": "2"}).status_code == 200
    assert client.get("/", {"page": page}).status_code == 404
    assert client.get(channel.get_absolute_url(), {"page": page}).status_code == 404


def test_an_unpublished_article_is_not_found_again(client, live_article, publisher):
    transition(obj=live_article, move="unpublish", user=publisher)

    assert client.get(live_article.get_absolute_url()).status_code == 404


def test_a_channel_page_lists_only_live_articles_of_that_channel(
    client, channel, make_article, editor, publisher
):
    other = Channel.objects.create(name="Payments", slug="payments")
    mine = publish(make_article(headline="Mine and live"), editor, publisher)
    make_article(headline="Mine but draft")
    publish(make_article(headline="Other channel", channel=other), editor, publisher)

    text = page_text(client.get(channel.get_absolute_url()).content.decode()).text

    assert mine.headline in text
    assert "Mine but draft" not in text
    assert "Other channel" not in text


def test_a_wrong_slug_redirect_keeps_the_query_string(client, live_article):
    response = client.get(f"/news/{live_article.pk}/old-slug/?page=2&utm_source=mail")
    assert response.status_code == 301
    assert response["Location"] == live_article.get_absolute_url() + "?page=2&utm_source=mail"
