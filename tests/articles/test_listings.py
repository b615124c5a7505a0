"""The listing pages (home, channel, tag, author) at any archive size: a fixed handful of
queries cold and warm, cards cached per article version yet never stale, page numbers that are
whole numbers or a 404, and counts that stop at a cap."""

import pytest

from articles import listing
from articles.models import Author, Tag
from finextra.services import transition
from tests.conftest import cold_and_warm
from tests.factories import publish

QUERY_BUDGET = 6
LISTINGS = ["/", "/channels/capital-markets/", "/tags/rates/", "/authors/alice-morgan/"]


@pytest.fixture
def archive(make_article, editor, publisher):
    """`archive(n)`: n more live articles, each tagged Rates and written by Alice."""
    rates, _ = Tag.objects.get_or_create(name="Rates", slug="rates")
    alice, _ = Author.objects.get_or_create(name="Alice Morgan", slug="alice-morgan")

    def make(count):
        made = []
        for _ in range(count):
            article = make_article()
            article.tags.add(rates)
            article.authors.add(alice)
            made.append(publish(article, editor=editor, publisher=publisher))
        return made

    return make


def queries(client, url) -> tuple[int, int]:
    """(cold, warm): every cache emptied first, then the same page again."""
    cold, warm = cold_and_warm(client, url)
    return len(cold), len(warm)


@pytest.mark.parametrize("url", LISTINGS)
def test_a_listing_stays_within_its_query_budget_cold_and_warm_whatever_its_size(
    client, archive, url
):
    archive(3)
    small = queries(client, url)

    archive(45)  # more than two pages
    large = queries(client, url)
    deep = queries(client, url + "?page=3")

    assert max(small) <= QUERY_BUDGET
    assert large == small
    assert deep == small
    assert small[1] <= 3  # warm: the tag or author, its count, the page's ids and versions


@pytest.mark.parametrize("url", LISTINGS)
def test_pages_are_newest_first_without_gaps_or_repeats(client, archive, url):
    made = archive(listing.PAGE_SIZE + 5)
    newest_first = [a.headline for a in reversed(made)]

    first = client.get(url).content.decode()
    second = client.get(url + "?page=2").content.decode()

    def shown(html):
        return [h for h in newest_first if f">{h}</a></h2>" in html]

    assert shown(first) == newest_first[: listing.PAGE_SIZE]
    assert shown(second) == newest_first[listing.PAGE_SIZE :]
    assert 'rel="next" href="?page=2"' in first
    assert 'rel="prev" href="?page=1"' in second
    assert 'rel="next"' not in second


@pytest.mark.parametrize(
    "page", ["0", "-1", "two", "1.5", "²", "١", "9" * 30, str(listing.MAX_PAGE + 1), "3"]
)
def test_a_malformed_or_missing_page_is_not_found(client, archive, page):
    archive(2)

    for url in LISTINGS:
        assert client.get(url, {"page": page}).status_code == 404, (url, page)


def test_an_empty_home_page_says_so_and_a_second_page_of_nothing_is_not_found(client, db):
    assert "No news yet." in client.get("/").content.decode()
    assert client.get("/?page=2").status_code == 404


def test_a_card_shows_the_article_as_it_is_now(client, archive, editor):
    article = archive(1)[0]
    assert article.headline in client.get("/").content.decode()  # its card is cached now

    article.headline = "Corrected headline"
    article.save()
    Author.objects.filter(slug="alice-morgan").get().save()  # no change: still the same card
    alice = Author.objects.get(slug="alice-morgan")
    alice.name = "Alice M. Morgan"
    alice.save()

    html = client.get("/").content.decode()
    assert "Corrected headline" in html
    assert "Alice M. Morgan" in html


def test_an_unpublished_article_leaves_every_listing(client, archive, publisher):
    kept, gone = archive(2)
    for url in LISTINGS:
        assert gone.headline in client.get(url).content.decode()

    transition(obj=gone, move="unpublish", user=publisher)

    for url in LISTINGS:
        html = client.get(url).content.decode()
        assert kept.headline in html
        assert gone.headline not in html


def test_the_first_cards_load_their_thumbnails_at_once_and_the_rest_lazily(
    client, archive, settings
):
    from .helpers import picture, upload

    made = archive(5)
    for article in made:
        article.lead_image = upload(picture(size=(200, 120)))
        article.lead_image_alt = "A chart"
        article.save()

    html = client.get("/").content.decode()
    images = [part for part in html.split("<img ")[1:] if 'class="card' not in part[:0]]
    card_images = [i.split(">", 1)[0] for i in images if "/media/" in i.split(">", 1)[0]]

    assert len(card_images) == 5
    assert [('loading="lazy"' in i) for i in card_images] == [False, False, False, True, True]


def test_tag_and_author_counts_stop_at_the_cap(client, archive, monkeypatch):
    archive(4)
    monkeypatch.setattr(listing, "COUNT_CAP", 3)

    for url in ("/tags/rates/", "/authors/alice-morgan/"):
        html = client.get(url).content.decode()
        assert "More than 3 articles" in html
        assert "Page 1 of" not in html
