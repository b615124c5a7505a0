"""Tag pages and author pages: live articles only, paginated, linked from the article page and
the cards, with a fixed number of queries however many articles there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Author, Tag
from articles.views import PAGE_SIZE
from tests.factories import publish


@pytest.fixture
def rates(db):
    return Tag.objects.create(name="Interest rates", slug="interest-rates")


@pytest.fixture
def alice(db):
    return Author.objects.create(
        name="Alice Morgan",
        slug="alice-morgan",
        bio="Alice covers capital markets.\n\nShe joined Finextra in 2019.",
    )


@pytest.fixture
def tagged(make_article, editor, publisher, rates, alice):
    """`tagged(n)`: n more live articles tagged "Interest rates" and written by Alice."""

    def make(count, *, live=True):
        made = []
        for _ in range(count):
            article = make_article()
            article.tags.add(rates)
            article.authors.add(alice)
            made.append(publish(article, editor=editor, publisher=publisher) if live else article)
        return made

    return make


def queries_for(client, url) -> int:
    client.get(url)  # the channel menu's cache is warm after this
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_a_tag_page_lists_the_live_articles_with_that_tag(client, tagged, make_article, rates):
    live = tagged(2)
    draft = tagged(1, live=False)[0]
    untagged = make_article(headline="Untagged story")

    response = client.get("/tags/interest-rates/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="page-title">Interest rates</h1>' in html
    assert "2 articles" in html
    for article in live:
        assert article.headline in html
    assert draft.headline not in html
    assert untagged.headline not in html


def test_a_tag_no_live_article_carries_is_not_found(client, tagged):
    tagged(1, live=False)  # a draft's tag may name an embargoed story

    assert client.get("/tags/interest-rates/").status_code == 404
    assert client.get("/tags/no-such-tag/").status_code == 404


def test_an_author_page_shows_the_bio_and_the_live_articles(client, tagged, alice):
    live = tagged(2)
    draft = tagged(1, live=False)[0]

    response = client.get("/authors/alice-morgan/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="page-title">Alice Morgan</h1>' in html
    assert "<p>Alice covers capital markets.</p>" in html
    assert "<p>She joined Finextra in 2019.</p>" in html
    assert all(article.headline in html for article in live)
    assert draft.headline not in html


def test_an_author_without_live_work_is_a_404_like_a_tag_and_so_is_an_unknown_one(
    client, alice, make_article
):
    # Their only story is an embargoed draft: their name and bio must not announce it.
    make_article(headline="Embargoed merger").authors.add(alice)

    response = client.get("/authors/alice-morgan/")

    assert response.status_code == 404
    assert "Alice" not in response.content.decode()
    assert client.get("/authors/nobody/").status_code == 404


@pytest.mark.parametrize("url", ["/tags/interest-rates/", "/authors/alice-morgan/"])
def test_tag_and_author_pages_are_paginated(client, tagged, url):
    tagged(PAGE_SIZE + 2)

    first = client.get(url).content.decode()
    second = client.get(url + "?page=2").content.decode()

    assert first.count('class="card-title"') == PAGE_SIZE
    assert second.count('class="card-title"') == 2
    assert 'rel="next" href="?page=2"' in first
    assert "Page 2 of 2" in second
    for bad in ("?page=3", "?page=0", "?page=two", "?page=9999999999999999999999"):
        assert client.get(url + bad).status_code == 404, bad


@pytest.mark.parametrize("url", ["/tags/interest-rates/", "/authors/alice-morgan/"])
def test_tag_and_author_pages_take_three_queries_however_many_articles(client, tagged, url):
    tagged(3)
    with_three = queries_for(client, url)

    tagged(22)

    # The tag or author; the capped count; the page's ids and versions (cards from the cache).
    assert with_three == 3
    assert queries_for(client, url) == with_three


def test_the_article_page_links_its_tags_and_authors(client, tagged):
    article = tagged(1)[0]

    html = client.get(article.get_absolute_url()).content.decode()

    assert '<a href="/tags/interest-rates/" rel="tag">Interest rates</a>' in html
    assert '<a class="author" rel="author" href="/authors/alice-morgan/">Alice Morgan</a>' in html


def test_cards_link_their_authors(client, tagged):
    tagged(1)

    html = client.get("/").content.decode()

    assert '<a href="/authors/alice-morgan/">Alice Morgan</a>' in html


def test_tags_and_authors_have_their_canonical_urls(rates, alice):
    assert rates.get_absolute_url() == "/tags/interest-rates/"
    assert alice.get_absolute_url() == "/authors/alice-morgan/"
    assert Article.objects.count() == 0
