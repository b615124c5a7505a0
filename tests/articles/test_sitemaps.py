"""sitemap.xml (an index and its sections), the Google News sitemap and robots.txt."""

import xml.etree.ElementTree as ET

import pytest
from django.contrib.sites.models import Site
from django.urls import reverse

from finextra.pages import pages_seed
from tests.factories import HIDDEN, newsroom, publish

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


@pytest.fixture
def kinds(editor, publisher, channel):
    return newsroom(editor=editor, publisher=publisher, channel=channel)


def xml_of(client, url) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200
    assert "xml" in response["Content-Type"]
    return ET.fromstring(response.content)


def paths(root) -> set[str]:
    domain = Site.objects.get_current().domain
    return {loc.text.split(domain, 1)[1] for loc in root.iter(f"{SM}loc")}


def test_the_sitemap_index_lists_each_section(client, kinds):
    index = xml_of(client, reverse("articles:sitemap"))

    assert paths(index) == {
        f"/sitemap-{section}.xml"
        for section in ("articles", "channels", "tags", "authors", "pages")
    }


def test_the_article_sitemap_holds_live_articles_only(client, kinds):
    root = xml_of(client, "/sitemap-articles.xml")

    live = ("editorial", "sponsored", "advertiser", "old")
    assert paths(root) == {kinds[k].get_absolute_url() for k in live}
    assert all(url.findtext(f"{SM}lastmod") for url in root.iter(f"{SM}url"))
    content = client.get("/sitemap-articles.xml").content.decode()
    for hidden in HIDDEN:
        assert f"/news/{kinds[hidden].pk}/" not in content


def test_the_channel_tag_author_and_page_sitemaps(client, kinds, channel):
    pages_seed()

    assert paths(xml_of(client, "/sitemap-channels.xml")) == {channel.get_absolute_url()}
    # A tag only a draft carries has no page, so it is not in the sitemap.
    assert paths(xml_of(client, "/sitemap-tags.xml")) == {"/tags/rates/"}
    assert paths(xml_of(client, "/sitemap-authors.xml")) == {
        "/authors/alice-morgan/",
        "/authors/bob-lee/",
    }
    assert "/privacy/" in paths(xml_of(client, "/sitemap-pages.xml"))


def test_the_news_sitemap_holds_recent_editorial_articles_only(client, kinds):
    root = xml_of(client, reverse("articles:news_sitemap"))

    domain = Site.objects.get_current().domain
    urls = {url.findtext(f"{SM}loc").split(domain, 1)[1]: url for url in root.iter(f"{SM}url")}
    # Not paid content, not three days old, nothing a reader cannot see.
    assert set(urls) == {kinds["editorial"].get_absolute_url()}
    news = urls[kinds["editorial"].get_absolute_url()].find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "Finextra"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "en"
    assert news.findtext(f"{NEWS}title") == "Markets rally on rate cut"
    assert news.findtext(f"{NEWS}publication_date").startswith(
        kinds["editorial"].published_at.date().isoformat()
    )


def test_the_news_sitemap_escapes_headlines(client, make_article, editor, publisher):
    publish(make_article(headline="Banks & <fintechs> agree"), editor=editor, publisher=publisher)

    root = xml_of(client, reverse("articles:news_sitemap"))

    assert root.find(f"{SM}url/{NEWS}news/{NEWS}title").text == "Banks & <fintechs> agree"


def test_the_news_sitemap_costs_one_query(client, kinds, django_assert_num_queries):
    Site.objects.get_current()  # the Site is cached once per process
    with django_assert_num_queries(1):
        client.get(reverse("articles:news_sitemap"))


def test_robots_txt_points_at_both_sitemaps_and_keeps_crawlers_out_of_private_paths(client, db):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/news-sitemap.xml" in lines
    for path in ("/admin/", "/accounts/", "/sponsored/go/", "/sponsored/seen/"):
        assert f"Disallow: {path}" in lines
    assert "Disallow: /" not in lines
