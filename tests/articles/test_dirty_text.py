"""Dirty text never breaks a page: what XML cannot carry is dropped from feeds and sitemaps
(at save, and at output for whatever was written around the save), and the desk's forms refuse
invisible control characters in headlines and names with a message, reading Word's line break
(a vertical tab) as a space."""

import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.urls import reverse

from articles.models import Article, Author, Channel, Tag
from finextra import roles
from finextra.services import transition
from sponsors.models import Placement, Sponsor
from tests.articles.helpers import article_form, csrf_token, signed_in
from tests.sponsors.test_admin import form_data as placement_form


def dirty(text: str) -> str:
    """`text` around every C0 control (PostgreSQL stores no NUL at all), U+FFFE and U+FFFF."""
    first = 0 if connection.vendor != "postgresql" else 1
    controls = "".join(chr(c) for c in range(first, 0x20))
    return f"{text}\x0bline{controls}\ufffe\uffffend"


def words(text: str) -> str:
    return " ".join(text.split())


XML_PAGES = [
    "/feeds/latest/rss/",
    "/feeds/latest/atom/",
    "/channels/capital-markets/feed/rss/",
    "/channels/capital-markets/feed/atom/",
    "/sitemap.xml",
    "/sitemap-articles.xml",
    "/sitemap-channels.xml",
    "/sitemap-tags.xml",
    "/sitemap-authors.xml",
    "/sitemap-pages.xml",
    "/news-sitemap.xml",
]


@pytest.fixture
def dirty_database(live_article, channel, make_article, editor, publisher):
    """A live article whose headline, standfirst, channel, tag and author, and a live paid
    article whose sponsor, were written straight to the database, past every form and save."""
    sponsor = Sponsor.objects.create(name="Northwind", slug="northwind")
    paid = make_article(headline="Paid", provenance="sponsored", sponsor=sponsor)
    transition(obj=paid, move="mark_edited", user=editor)
    transition(obj=paid, move="publish", user=publisher)
    Sponsor.objects.filter(pk=sponsor.pk).update(name=dirty("Northwind"))
    Article.objects.filter(pk=live_article.pk).update(
        headline=dirty("Markets"), standfirst=dirty("Standfirst")
    )
    Channel.objects.filter(pk=channel.pk).update(
        name=dirty("Capital"), strapline=dirty("Strapline")
    )
    Tag.objects.update(name=dirty("Rates"))
    Author.objects.update(name=dirty("Alice"))
    return live_article


@pytest.mark.parametrize("url", XML_PAGES)
def test_feeds_and_sitemaps_stay_well_formed_whatever_the_database_holds(
    client, dirty_database, url
):
    response = client.get(url)

    assert response.status_code == 200
    ET.fromstring(response.content)  # raises on malformed XML


def test_the_feed_keeps_the_words_and_drops_only_the_characters(client, dirty_database):
    root = ET.fromstring(client.get("/feeds/latest/rss/").content)
    paid, item = list(root.iter("item"))

    # Tab, newline and carriage return are XML's own and stay; the rest goes.
    assert words(item.findtext("title")) == "Markets line end"
    assert words(item.findtext("{http://purl.org/dc/elements/1.1/}creator")) == "Alice line end"
    categories = [words(c.text) for c in item.iter("category")]
    assert categories == ["Capital line end", "Rates line end"]
    assert words(item.findtext("description")) == "Standfirst line end"
    assert "Sponsored by Northwind line end." in words(paid.findtext("description"))


def test_the_news_sitemap_title_keeps_the_words(client, dirty_database):
    root = ET.fromstring(client.get("/news-sitemap.xml").content)
    titles = [t.text for t in root.iter("{http://www.google.com/schemas/sitemap-news/0.9}title")]

    assert [words(title) for title in titles] == ["Markets line end"]


def test_the_pages_that_show_the_dirty_text_still_answer(client, dirty_database):
    for url in [
        "/",
        dirty_database.get_absolute_url(),
        "/channels/capital-markets/",
        "/tags/rates/",
        "/authors/alice-morgan/",
        "/search/?q=Markets",
    ]:
        assert client.get(url).status_code == 200, url


def test_a_save_outside_the_forms_drops_what_xml_cannot_carry(live_article):
    live_article.headline = "Rates\x0bcut\x00 by\ufffe half"
    live_article.standfirst = "First line\x0bsecond line\x07."
    live_article.save()
    tag = Tag.objects.create(name="Ra\x01tes\x0bnow", slug="rates-now")

    live_article.refresh_from_db()
    assert live_article.headline == "Rates cut by half"
    assert live_article.standfirst == "First line\nsecond line."
    tag.refresh_from_db()
    assert tag.name == "Rates now"


# The desk's forms.


def _post(client, url, data):
    token = csrf_token(client, url)
    return client.post(url, {**data, "csrfmiddlewaretoken": token})


def test_words_broken_by_a_pasted_word_line_break_are_saved_with_a_space(editor, channel):
    client = signed_in(editor)
    data = article_form(channel, headline="Regulator approves\x0binstant payouts")

    response = _post(client, reverse("admin:articles_article_add"), data)

    assert response.status_code == 302
    assert Article.objects.get().headline == "Regulator approves instant payouts"


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [
        ("headline", "Regulator\x07 approves", "U+0007"),
        ("headline", "Regulator\ufffe approves", "U+FFFE"),
        ("headline", "Regulator\x1b approves", "U+001B"),
        ("standfirst", "Insurers\x01 may pay.", "U+0001"),
        ("standfirst", "Insurers\x85 may pay.", "U+0085"),
    ],
)
def test_an_article_with_a_control_character_is_refused_naming_it(
    editor, channel, field, value, shown
):
    client = signed_in(editor)
    data = article_form(channel, **{field: value, "body": "<p>Kept body text.</p>"})

    response = _post(client, reverse("admin:articles_article_add"), data)

    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors[field])
    assert "invisible control character" in errors and shown in errors
    assert "Kept body text." in response.content.decode()
    assert not Article.objects.exists()


def test_a_standfirst_keeps_its_line_breaks(editor, channel):
    client = signed_in(editor)
    data = article_form(channel, standfirst="First line.\r\nSecond\tline.")

    _post(client, reverse("admin:articles_article_add"), data)

    assert Article.objects.get().standfirst == "First line.\r\nSecond\tline."


@pytest.mark.parametrize(
    ("url_name", "data", "field", "model"),
    [
        ("admin:articles_tag_add", {"name": "Ra\x02tes", "slug": "rates"}, "name", Tag),
        (
            "admin:articles_author_add",
            {"name": "Alice\x1f Morgan", "slug": "alice", "bio": "", "user": ""},
            "name",
            Author,
        ),
        (
            "admin:articles_channel_add",
            {"name": "Pay\x03ments", "slug": "payments", "strapline": ""},
            "name",
            Channel,
        ),
        (
            "admin:articles_channel_add",
            {"name": "Payments", "slug": "payments", "strapline": "All\x04 about it"},
            "strapline",
            Channel,
        ),
        (
            "admin:sponsors_sponsor_add",
            {"name": "North\x05wind", "slug": "northwind", "website": ""},
            "name",
            Sponsor,
        ),
    ],
)
def test_names_with_a_control_character_are_refused(admin_user, url_name, data, field, model):
    response = _post(signed_in(admin_user), reverse(url_name), data)

    assert response.status_code == 200, response.status_code
    assert "invisible control character" in " ".join(
        response.context["adminform"].form.errors[field]
    )
    assert not model.objects.filter(slug=data["slug"]).exists()


def test_a_placement_title_with_a_control_character_is_refused(make_user, db):
    client = signed_in(make_user("sales", roles.COMMERCIAL))
    sponsor = Sponsor.objects.create(name="Northwind Cloud", slug="northwind-cloud")
    data = placement_form(sponsor, title="Fraud\x06 and AML")

    response = _post(client, reverse("admin:sponsors_placement_add"), data)

    assert response.status_code == 200
    assert "U+0006" in " ".join(response.context["adminform"].form.errors["title"])
    assert not Placement.objects.exists()
