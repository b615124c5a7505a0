"""RSS and Atom feeds: valid XML, only live articles, full standfirsts, authors, categories, and
the label and sponsor on paid items, in a fixed number of queries."""

import xml.etree.ElementTree as ET

import pytest
from django.contrib.sites.models import Site
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Channel
from tests.factories import HIDDEN, newsroom, publish

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def kinds(editor, publisher, channel):
    return newsroom(editor=editor, publisher=publisher, channel=channel)


def rss_items(client, url) -> dict[str, ET.Element]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    return {item.findtext("link"): item for item in root.iter("item")}


def atom_entries(client, url) -> dict[str, ET.Element]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    return {entry.find(f"{ATOM}link").get("href"): entry for entry in root.iter(f"{ATOM}entry")}


def url_of(article) -> str:
    # Feeds link to the Site's domain, which follows SITE_URL (finextra/pages.py).
    return f"http://{Site.objects.get_current().domain}{article.get_absolute_url()}"


@pytest.mark.parametrize("name", ["feed_latest_rss", "channel_feed_rss"])
def test_the_rss_feeds_hold_live_articles_only(client, kinds, channel, name):
    kwargs = {"slug": channel.slug} if name == "channel_feed_rss" else {}

    items = rss_items(client, reverse(f"articles:{name}", kwargs=kwargs))

    live = ("editorial", "sponsored", "advertiser", "old")
    assert set(items) == {url_of(kinds[k]) for k in live}
    body = client.get(reverse(f"articles:{name}", kwargs=kwargs)).content.decode()
    for hidden in HIDDEN:
        assert kinds[hidden].headline not in body


def test_an_rss_item_has_the_full_standfirst_authors_and_categories(client, kinds, channel):
    item = rss_items(client, reverse("articles:feed_latest_rss"))[url_of(kinds["editorial"])]

    assert item.findtext("title") == "Markets rally on rate cut"
    assert item.findtext("description") == "Shares rose across Europe."
    assert "Alice Morgan and Bob Lee" in item.findtext("{http://purl.org/dc/elements/1.1/}creator")
    assert {c.text for c in item.findall("category")} == {channel.name, "Rates"}
    assert item.findtext("pubDate")


def test_paid_items_carry_their_label_and_sponsor(client, kinds):
    items = rss_items(client, reverse("articles:feed_latest_rss"))

    sponsored = items[url_of(kinds["sponsored"])]
    advertiser = items[url_of(kinds["advertiser"])]
    assert sponsored.findtext("title") == "Sponsored: Cloud banking explained"
    assert "Sponsored by Northwind Cloud." in sponsored.findtext("description")
    assert advertiser.findtext("title") == "Advertisement feature: Why our cloud wins"
    assert "Paid for and approved by Northwind Cloud." in advertiser.findtext("description")


@pytest.mark.parametrize("name", ["feed_latest_atom", "channel_feed_atom"])
def test_the_atom_feeds_hold_live_articles_with_labels(client, kinds, channel, name):
    kwargs = {"slug": channel.slug} if name == "channel_feed_atom" else {}

    entries = atom_entries(client, reverse(f"articles:{name}", kwargs=kwargs))

    assert set(entries) == {
        url_of(kinds[k]) for k in ("editorial", "sponsored", "advertiser", "old")
    }
    editorial = entries[url_of(kinds["editorial"])]
    assert editorial.findtext(f"{ATOM}summary") == "Shares rose across Europe."
    assert editorial.findtext(f"{ATOM}author/{ATOM}name") == "Alice Morgan and Bob Lee"
    assert {c.get("term") for c in editorial.findall(f"{ATOM}category")} == {
        channel.name,
        "Rates",
    }
    sponsored = entries[url_of(kinds["sponsored"])]
    assert sponsored.findtext(f"{ATOM}title") == "Sponsored: Cloud banking explained"


def test_a_channel_feed_leaves_out_other_channels(client, kinds, make_article, editor, publisher):
    other = Channel.objects.create(name="Payments", slug="payments")
    elsewhere = publish(
        make_article(headline="Card schemes cut fees", channel=other),
        editor=editor,
        publisher=publisher,
    )

    on_payments = rss_items(
        client, reverse("articles:channel_feed_rss", kwargs={"slug": "payments"})
    )
    on_markets = rss_items(
        client, reverse("articles:channel_feed_rss", kwargs={"slug": "capital-markets"})
    )

    assert set(on_payments) == {url_of(elsewhere)}
    assert url_of(elsewhere) not in on_markets


def test_an_unknown_channel_feed_is_a_404(client, db):
    assert client.get("/channels/no-such-channel/feed/rss/").status_code == 404


@pytest.mark.parametrize(
    ("name", "kwargs", "expected"),
    [
        ("feed_latest_rss", {}, 3),
        ("feed_latest_atom", {}, 3),
        ("channel_feed_rss", {"slug": "capital-markets"}, 4),
        ("channel_feed_atom", {"slug": "capital-markets"}, 4),
    ],
)
def test_a_feed_costs_a_fixed_number_of_queries(
    client, make_article, editor, publisher, kinds, name, kwargs, expected
):
    """Articles with channel and sponsor, their authors, their tags (and the channel)."""
    url = reverse(f"articles:{name}", kwargs=kwargs)
    Site.objects.get_current()  # the Site is cached once per process
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(5):
        publish(make_article(headline=f"More news {n}"), editor=editor, publisher=publisher)
    with CaptureQueriesContext(connection) as more:
        client.get(url)

    assert len(few) == expected
    assert len(more) == expected


def test_pages_announce_their_feeds(client, kinds, channel):
    home = client.get(reverse("articles:home")).content.decode()
    channel_page = client.get(channel.get_absolute_url()).content.decode()

    rss = reverse("articles:feed_latest_rss")
    assert f'type="application/rss+xml" title="Finextra: latest news (RSS)" href="{rss}"' in home
    assert reverse("articles:feed_latest_atom") in home
    assert reverse("articles:channel_feed_rss", kwargs={"slug": channel.slug}) in channel_page
    assert reverse("articles:channel_feed_atom", kwargs={"slug": channel.slug}) in channel_page
