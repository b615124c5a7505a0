"""What search engines and social sites read from an article page: NewsArticle JSON-LD
(AdvertiserContentArticle for paid content), OpenGraph and Twitter card tags, and the canonical
URL on every page."""

import json
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Author, Tag
from articles.provenance import Provenance
from sponsors.models import Sponsor
from tests.factories import publish

from .helpers import picture


class HeadParser(HTMLParser):
    """The page's JSON-LD blocks, <meta> tags and canonical links."""

    def __init__(self):
        super().__init__()
        self.json_ld: list[str] = []
        self.meta: dict[str, str] = {}
        self.canonical: list[str] = []
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json_ld = True
            self.json_ld.append("")
        elif tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta[attrs.get("property") or attrs["name"]] = attrs.get("content", "")
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.canonical.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json_ld = False

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld[-1] += data


def parse(client, url) -> HeadParser:
    response = client.get(url)
    assert response.status_code == 200
    parser = HeadParser()
    parser.feed(response.content.decode())
    return parser


def json_ld(client, url) -> dict:
    parser = parse(client, url)
    assert len(parser.json_ld) == 1
    return json.loads(parser.json_ld[0])


def absolute(path: str) -> str:
    return settings.SITE_URL + path


@pytest.fixture
def sponsor(db):
    return Sponsor.objects.create(
        name="Northwind Cloud", slug="northwind-cloud", website="https://northwind.example"
    )


def test_an_article_page_has_news_article_json_ld(client, live_article):
    data = json_ld(client, live_article.get_absolute_url())

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Markets rally on rate cut"
    assert data["description"] == live_article.standfirst
    assert data["mainEntityOfPage"]["@id"] == absolute(live_article.get_absolute_url())
    assert data["author"] == [
        {"@type": "Person", "name": "Alice Morgan", "url": absolute("/authors/alice-morgan/")}
    ]
    assert data["publisher"]["name"] == "Finextra"
    assert data["articleSection"] == "Capital Markets"
    published = live_article.published_at
    assert data["datePublished"].startswith(published.strftime("%Y-%m-%dT%H:%M:%S"))
    assert data["dateModified"] == data["datePublished"]
    assert "image" not in data
    assert "sponsor" not in data


def test_the_json_ld_is_there_when_the_page_comes_from_the_cache(client, live_article):
    first = json_ld(client, live_article.get_absolute_url())

    assert json_ld(client, live_article.get_absolute_url()) == first


@pytest.mark.parametrize("kind", [Provenance.SPONSORED, Provenance.ADVERTISER_CONTENT])
def test_paid_content_is_an_advertiser_content_article_naming_its_sponsor(
    client, make_article, editor, publisher, sponsor, kind
):
    article = publish(
        make_article(provenance=kind, sponsor=sponsor), editor=editor, publisher=publisher
    )

    data = json_ld(client, article.get_absolute_url())

    assert data["@type"] == "AdvertiserContentArticle"
    assert data["sponsor"] == {
        "@type": "Organization",
        "name": "Northwind Cloud",
        "url": "https://northwind.example",
    }


def test_a_headline_cannot_break_out_of_the_json_ld(client, make_article, editor, publisher):
    headline = '</script><script>alert("x")</script> & <!-- more'
    article = publish(make_article(headline=headline), editor=editor, publisher=publisher)

    content = client.get(article.get_absolute_url()).content.decode()
    data = json_ld(client, article.get_absolute_url())

    assert data["headline"] == headline
    assert "<script>alert" not in content
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', content, re.S)[1]
    assert "<" not in block and ">" not in block


def test_a_lead_image_is_in_the_json_ld_and_the_cards(client, make_article, editor, publisher):
    article = make_article(lead_image_alt="Traders at their desks")
    article.lead_image.save("photo.jpg", ContentFile(picture()), save=False)
    article.save()
    article = publish(article, editor=editor, publisher=publisher)

    data = json_ld(client, article.get_absolute_url())
    meta = parse(client, article.get_absolute_url()).meta

    assert data["image"] == [absolute(article.lead_image.url)]
    assert meta["og:image"] == f"http://testserver{article.lead_image.url}"
    assert meta["og:image:alt"] == "Traders at their desks"
    assert meta["og:image:width"] == "1600"
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["twitter:image"] == meta["og:image"]


def test_an_updated_article_says_when_it_was_modified(client, live_article):
    revised = timezone.now() + timedelta(minutes=5)
    Article.objects.filter(pk=live_article.pk).update(revised_at=revised, version=99)

    data = json_ld(client, live_article.get_absolute_url())
    meta = parse(client, live_article.get_absolute_url()).meta

    assert data["dateModified"].startswith(revised.strftime("%Y-%m-%dT%H:%M:%S"))
    assert meta["article:modified_time"].startswith(revised.strftime("%Y-%m-%dT%H:%M:%S"))


def test_an_article_page_has_opengraph_and_twitter_tags(client, live_article):
    meta = parse(client, live_article.get_absolute_url()).meta

    url = f"http://testserver{live_article.get_absolute_url()}"
    assert meta["og:type"] == "article"
    assert meta["og:title"] == "Markets rally on rate cut"
    assert meta["og:description"] == live_article.standfirst
    assert meta["og:url"] == url
    assert meta["og:site_name"] == "Finextra"
    assert meta["article:section"] == "Capital Markets"
    assert meta["twitter:card"] == "summary"
    assert meta["twitter:title"] == "Markets rally on rate cut"
    assert meta["description"] == live_article.standfirst


def test_the_cards_and_canonical_follow_a_live_change_and_the_host_asked(client, live_article):
    """The head's tags are cached with the article's part: a saved change shows at once, and
    each host the site answers to gets its own absolute URLs."""
    parse(client, live_article.get_absolute_url())  # cached now

    live_article.headline = "Markets rally again"
    live_article.slug = "markets-rally-again"
    live_article.save()
    head = parse(client, live_article.get_absolute_url())

    assert head.meta["og:title"] == head.meta["twitter:title"] == "Markets rally again"
    assert head.canonical == [f"http://testserver/news/{live_article.pk}/markets-rally-again/"]
    other = parse(Client(HTTP_HOST="localhost"), live_article.get_absolute_url())
    assert other.canonical == [f"http://localhost/news/{live_article.pk}/markets-rally-again/"]
    assert other.meta["og:url"] == other.canonical[0]


def test_a_paid_article_card_title_carries_its_label(
    client, make_article, editor, publisher, sponsor
):
    article = publish(
        make_article(headline="Cloud banking explained", provenance="sponsored", sponsor=sponsor),
        editor=editor,
        publisher=publisher,
    )

    meta = parse(client, article.get_absolute_url()).meta

    assert meta["og:title"] == "Sponsored: Cloud banking explained"
    assert meta["twitter:title"] == "Sponsored: Cloud banking explained"


def test_every_listing_page_has_one_canonical_url(client, live_article, channel):
    author = Author.objects.get(slug="alice-morgan")
    tag = Tag.objects.get(slug="rates")
    for url in (
        reverse("articles:home"),
        channel.get_absolute_url(),
        tag.get_absolute_url(),
        author.get_absolute_url(),
        live_article.get_absolute_url(),
    ):
        assert parse(client, url).canonical == [f"http://testserver{url}"], url


def test_the_canonical_url_drops_tracking_parameters(client, live_article):
    url = live_article.get_absolute_url()

    assert parse(client, f"{url}?utm_source=feed").canonical == [f"http://testserver{url}"]
    assert parse(client, "/?utm_source=feed").canonical == ["http://testserver/"]


def test_a_later_page_of_a_listing_is_its_own_canonical(
    client, make_article, editor, publisher, channel
):
    for n in range(21):
        publish(make_article(headline=f"Story {n}"), editor=editor, publisher=publisher)

    assert parse(client, "/?page=2").canonical == ["http://testserver/?page=2"]
    assert parse(client, "/?page=1").canonical == ["http://testserver/"]
    channel_url = channel.get_absolute_url()
    assert parse(client, f"{channel_url}?page=2").canonical == [
        f"http://testserver{channel_url}?page=2"
    ]


def test_a_not_found_page_names_no_canonical_url(client, db):
    response = client.get("/channels/no-such-channel/")

    assert response.status_code == 404
    assert 'rel="canonical"' not in response.content.decode()
