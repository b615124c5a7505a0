"""Lead images: what the desk accepts, the renditions made once when one is saved, and the
responsive <img> readers get."""

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from articles import images
from articles.fragments import fragments_forget
from articles.models import Article, Author, Tag
from comments.services import comment_post
from finextra.services import revisions_for, transition
from sponsors.selection import placements_forget
from tests.browser_forms import change_form
from tests.conftest import demo_seed
from tests.factories import publish

from .helpers import (
    article_form,
    change_url,
    media_files,
    picture,
    post_change,
    post_new_article,
    signed_in,
    upload,
)

SEED_TEXT = Path(__file__).resolve().parents[2] / "articles" / "demo_data" / "finextra-article.txt"


class _Tags(HTMLParser):
    """The attributes of every <img> and <source> on a page, in order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("img", "source"):
            self.found.append((tag, dict(attrs)))


def tags_on(html: str, tag: str) -> list[dict]:
    parser = _Tags()
    parser.feed(html)
    return [attrs for name, attrs in parser.found if name == tag]


def lead_img(html: str) -> dict:
    start = html.index('<figure class="lead-image">')
    return tags_on(html[start:], "img")[0]


def error_text(response) -> str:
    return " ".join(str(error) for error in response.context["adminform"].form.errors.values())


# What the desk refuses: each one a clear form error, nothing stored, no row.


def assert_refused(response, settings, *messages: str) -> None:
    """The form again, with each of `messages` among its errors; no article, no file stored."""
    assert response.status_code == 200
    errors = error_text(response)
    for message in messages:
        assert message in errors
    assert Article.objects.count() == 0
    assert media_files(settings) == []


def text_named_jpg():
    return upload(b"Quarterly results: see attached.\n" * 40, "results.jpg")


def truncated_png():
    content = picture((800, 600), "PNG")
    return upload(content[: len(content) // 2], "chart.png", "image/png")


def svg():
    content = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b'<script>alert(1)</script><rect width="10" height="10"/></svg>'
    )
    return upload(content, "logo.svg", "image/svg+xml")


def empty_file():
    return upload(b"", "empty.jpg")


INVALID = "This file is not an image we can use. Upload a JPEG, PNG or WebP photo or graphic."


@pytest.mark.parametrize(
    ("make_upload", "message"),
    [
        (text_named_jpg, INVALID),
        (truncated_png, INVALID),
        (svg, INVALID),
        (empty_file, "The submitted file is empty."),
    ],
    ids=["text-named-jpg", "truncated-png", "svg", "empty"],
)
def test_a_bad_upload_is_a_form_error_and_nothing_is_stored(
    writer, channel, settings, make_upload, message
):
    client = signed_in(writer)

    response = post_new_article(
        client, article_form(channel, lead_image=make_upload(), lead_image_alt="A chart")
    )

    assert_refused(response, settings, message)
    # What was typed is still in the form.
    assert 'value="Regulator approves instant payouts"' in response.content.decode()


def test_a_decompression_bomb_is_refused_without_being_decoded(writer, channel, settings, bomb_png):
    client = signed_in(writer)

    response = post_new_article(
        client,
        article_form(
            channel, lead_image=upload(bomb_png, "huge.png", "image/png"), lead_image_alt="A"
        ),
    )

    assert_refused(response, settings, "too many pixels to process safely", "40 megapixels")


def test_an_image_over_the_pixel_limit_but_under_pillows_guard_is_refused(
    writer, channel, settings
):
    buffer = io.BytesIO()
    Image.new("1", (8000, 6000)).save(buffer, "PNG", optimize=True)  # 48 megapixels
    client = signed_in(writer)

    response = post_new_article(
        client,
        article_form(
            channel,
            lead_image=upload(buffer.getvalue(), "wide.png", "image/png"),
            lead_image_alt="A",
        ),
    )

    assert_refused(
        response, settings, "This image is 8000 × 6000 pixels; the most we take is 40 megapixels"
    )


def test_a_file_over_the_size_limit_is_refused(writer, channel, settings, monkeypatch):
    monkeypatch.setattr(images, "MAX_UPLOAD_BYTES", 20_000)
    content = picture((1200, 800))
    assert len(content) > 20_000
    client = signed_in(writer)

    response = post_new_article(
        client, article_form(channel, lead_image=upload(content), lead_image_alt="A")
    )

    assert_refused(response, settings, "the largest we take is 19.5\xa0KB")


def test_an_image_without_alt_text_or_decorative_is_refused_and_not_stored(
    writer, channel, settings
):
    client = signed_in(writer)

    response = post_new_article(client, article_form(channel, lead_image=upload(picture())))

    assert_refused(response, settings, "Describe the image, or mark it as decorative.")


# A good upload: the original and its renditions, made once.


def test_a_good_upload_is_stored_with_renditions_at_each_width_in_two_formats(
    writer, channel, settings
):
    client = signed_in(writer)

    response = post_new_article(
        client,
        article_form(channel, lead_image=upload(picture()), lead_image_alt="Traders at desks"),
    )

    assert response.status_code == 302
    article = Article.objects.get()
    assert (article.lead_image_width, article.lead_image_height) == (1600, 900)
    made = {(r["format"], r["width"], r["height"]) for r in article.lead_image_renditions}
    assert made == {
        (image_format, width, round(900 * width / 1600))
        for image_format in ("jpeg", "webp")
        for width in (480, 960, 1440)
    }
    root = Path(settings.MEDIA_ROOT)
    for rendition in article.lead_image_renditions:
        with Image.open(root / rendition["name"]) as stored:
            assert stored.format.lower() == rendition["format"]
            assert stored.size == (rendition["width"], rendition["height"])
    assert len(media_files(settings)) == 1 + 6


def test_saving_the_article_again_makes_no_new_renditions(writer, channel, settings):
    client = signed_in(writer)
    post_new_article(
        client, article_form(channel, lead_image=upload(picture()), lead_image_alt="Traders")
    )
    article = Article.objects.get()
    files_before, renditions_before = media_files(settings), article.lead_image_renditions

    response = post_change(
        client, article, standfirst="A new standfirst.", lead_image_alt="Traders"
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.standfirst == "A new standfirst."
    assert article.lead_image_renditions == renditions_before
    assert media_files(settings) == files_before


def test_a_replaced_image_gets_new_renditions_and_the_old_ones_are_deleted(
    writer, channel, settings
):
    client = signed_in(writer)
    post_new_article(
        client, article_form(channel, lead_image=upload(picture()), lead_image_alt="Traders")
    )
    article = Article.objects.get()
    old_names = {r["name"] for r in article.lead_image_renditions}

    response = post_change(
        client,
        article,
        lead_image=upload(picture((1200, 1200), "PNG", seed=2), "new.png"),
        lead_image_alt="The trading floor",
    )

    assert response.status_code == 302
    article.refresh_from_db()
    new_names = {r["name"] for r in article.lead_image_renditions}
    assert {r["format"] for r in article.lead_image_renditions} == {"png", "webp"}
    assert {r["width"] for r in article.lead_image_renditions} == {480, 960, 1200}
    stored = {str(path.relative_to(settings.MEDIA_ROOT)) for path in media_files(settings)}
    assert new_names <= stored
    assert not old_names & stored


def test_a_cleared_image_takes_its_renditions_with_it(writer, channel, settings):
    client = signed_in(writer)
    post_new_article(
        client, article_form(channel, lead_image=upload(picture()), lead_image_alt="Traders")
    )
    article = Article.objects.get()

    post_change(client, article, **{"lead_image-clear": "on"})

    article.refresh_from_db()
    assert not article.lead_image
    assert article.lead_image_renditions == []
    names = {path.name for path in media_files(settings)}
    assert not any(name.endswith(("w.jpg", "w.webp")) for name in names)


def test_an_image_narrower_than_the_renditions_is_never_enlarged(make_article):
    article = make_article(lead_image=upload(picture((300, 200))), lead_image_alt="A logo")

    assert {(r["width"], r["height"]) for r in article.lead_image_renditions} == {(300, 200)}


def test_a_webp_original_gets_webp_renditions_only(make_article):
    article = make_article(
        lead_image=upload(picture((1000, 500), "WEBP"), "photo.webp", "image/webp"),
        lead_image_alt="A photo",
    )

    assert {(r["format"], r["width"]) for r in article.lead_image_renditions} == {
        ("webp", 480),
        ("webp", 960),
        ("webp", 1000),
    }


def test_a_phone_photo_taken_sideways_is_rendered_upright(make_article, settings):
    source = Image.open(io.BytesIO(picture((1600, 900))))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    buffer = io.BytesIO()
    source.save(buffer, "JPEG", exif=exif)

    article = make_article(lead_image=upload(buffer.getvalue()), lead_image_alt="A portrait")

    largest = max(article.lead_image_renditions, key=lambda r: r["width"])
    assert (largest["width"], largest["height"]) == (900, 1600)


def test_a_transparent_png_keeps_its_transparency_in_webp_and_png(make_article, settings):
    article = make_article(
        lead_image=upload(picture((800, 400), "PNG", mode="RGBA"), "logo.png", "image/png"),
        lead_image_alt="A logo",
    )

    for rendition in article.lead_image_renditions:
        with Image.open(Path(settings.MEDIA_ROOT) / rendition["name"]) as stored:
            assert stored.mode == "RGBA", rendition


# The page readers get.


@pytest.fixture
def pictured_article(make_article, editor, publisher):
    article = make_article(
        lead_image=upload(picture()),
        lead_image_alt="Traders watch screens on the exchange floor",
        lead_image_caption="The exchange floor on results day.",
        lead_image_credit="Photo: Jane Lens",
    )
    return publish(article, editor=editor, publisher=publisher)


def test_the_article_page_serves_the_lead_image_with_srcset_sizes_and_dimensions(
    client, pictured_article
):
    html = client.get(pictured_article.get_absolute_url()).content.decode()

    img = lead_img(html)
    assert img["alt"] == "Traders watch screens on the exchange floor"
    assert (img["width"], img["height"]) == ("1440", "810")
    assert [part.rsplit(" ", 1)[1] for part in img["srcset"].split(", ")] == [
        "480w",
        "960w",
        "1440w",
    ]
    assert all(".jpg " in part for part in img["srcset"].split(", "))
    assert img["sizes"]
    assert img["src"].endswith("-1440w.jpg")
    # Near the top of the page: fetched early, not lazily.
    assert "loading" not in img
    assert img["fetchpriority"] == "high"
    webp = tags_on(html[html.index('<figure class="lead-image">') :], "source")[0]
    assert webp["type"] == "image/webp"
    assert webp["srcset"].count(".webp ") == 3
    assert "The exchange floor on results day." in html
    assert "Photo: Jane Lens" in html


def test_every_rendition_url_on_the_page_is_served(client, pictured_article, settings):
    html = client.get(pictured_article.get_absolute_url()).content.decode()
    img = lead_img(html)
    root = Path(settings.MEDIA_ROOT)

    for part in img["srcset"].split(", "):
        url = part.rsplit(" ", 1)[0]
        assert url.startswith("/media/")
        assert (root / url.removeprefix("/media/")).is_file()


def test_a_decorative_image_has_empty_alt_text(client, make_article, editor, publisher):
    article = make_article(
        lead_image=upload(picture()),
        lead_image_alt="Ignored when decorative",
        lead_image_decorative=True,
    )
    publish(article, editor=editor, publisher=publisher)

    html = client.get(article.get_absolute_url()).content.decode()

    assert lead_img(html)["alt"] == ""
    assert "Ignored when decorative" not in html


def test_list_cards_show_thumbnails_lazily_after_the_first_screen(
    client, make_article, editor, publisher
):
    for n in range(5):
        article = make_article(lead_image=upload(picture(seed=n)), lead_image_alt=f"Pic {n}")
        publish(article, editor=editor, publisher=publisher)

    html = client.get("/").content.decode()

    thumbnails = [img for img in tags_on(html, "img") if "srcset" in img]
    assert len(thumbnails) == 5
    assert all(img["alt"] == "" and img["width"] and img["height"] for img in thumbnails)
    assert ["loading" in img for img in thumbnails] == [False, False, False, True, True]


def test_the_article_page_with_image_tags_authors_and_a_comment_keeps_the_budget_of_six(
    client, pictured_article, make_user
):
    pictured_article.tags.set(
        [
            Tag.objects.create(name="Exchanges", slug="exchanges"),
            Tag.objects.create(name="AI", slug="ai"),
        ]
    )
    pictured_article.authors.set(
        [
            Author.objects.create(name="Alice Morgan", slug="alice-morgan"),
            Author.objects.create(name="Ravi Patel", slug="ravi-patel"),
        ]
    )
    comment_post(article=pictured_article, body="Worth reading.", author=make_user("riley"))
    url = pictured_article.get_absolute_url()
    client.get(url)  # the channel menu's cache is warm after this
    fragments_forget()  # the article's own part is rendered afresh: the worst case
    placements_forget()  # and the slots are loaded afresh

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response.status_code == 200
    assert "Worth reading." in response.content.decode()
    assert 'srcset="' in response.content.decode()
    assert len(queries) == 6, [query["sql"] for query in queries.captured_queries]
    with CaptureQueriesContext(connection) as queries:
        assert 'srcset="' in client.get(url).content.decode()
    # Tags and authors come with the cached article part, the slots from their shared cache.
    assert len(queries) == 3, [query["sql"] for query in queries.captured_queries]


# The demo's seed article.


class TestTheDemo:
    """Seeded once for the class (tests/conftest.py's `demo`), its pictures in its own folder."""

    def test_the_seed_article_gets_a_drawn_lead_image_once_with_the_seed_alt_text(
        self, client, settings, demo
    ):
        files = media_files(settings)
        assert files, "the seed drew pictures"

        demo_seed()

        assert media_files(settings) == files
        article = demo.article
        lines = [line.strip() for line in SEED_TEXT.read_text(encoding="utf-8").splitlines()]
        seed_alt = [line for line in lines if line][4]  # the page's item 5: the image's alt text
        assert article.lead_image_alt == seed_alt == article.headline
        assert {r["width"] for r in article.lead_image_renditions} == {480, 960, 1440}
        html = client.get(article.get_absolute_url()).content.decode()
        assert lead_img(html)["alt"] == seed_alt


def test_restoring_a_copy_with_another_lead_image_remakes_its_renditions(
    editor, publisher, channel, settings, django_capture_on_commit_callbacks
):
    """The page's picture and og:image are the same image after a restore: the restored image
    gets renditions of its own (the old ones were deleted when it was replaced)."""
    client = signed_in(editor)
    with django_capture_on_commit_callbacks(execute=True):
        post_new_article(
            client,
            article_form(channel, lead_image=upload(picture(), "first.jpg"), lead_image_alt="A"),
        )
    article = Article.objects.get()
    first_image = article.lead_image.name
    first = revisions_for(article).get()
    post_change(
        client,
        article,
        lead_image=upload(picture((1200, 1200), "PNG", seed=2), "second.png"),
        lead_image_alt="B",
    )
    article.refresh_from_db()
    transition(obj=article, move="mark_edited", user=editor)
    transition(obj=article, move="publish", user=publisher)

    restore = reverse("admin:articles_article_revision_restore", args=[article.pk, first.pk])
    page = client.get(restore).content.decode()
    assert first_image in page  # "Currently: <the first image>"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(article), change_form(page, "article"))

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.lead_image.name == first_image
    assert (article.lead_image_width, article.lead_image_height) == (1600, 900)
    stem = Path(first_image).stem
    assert {r["width"] for r in article.lead_image_renditions} == {480, 960, 1440}
    assert all(Path(r["name"]).name.startswith(stem) for r in article.lead_image_renditions)
    stored = {str(path.relative_to(settings.MEDIA_ROOT)) for path in media_files(settings)}
    assert {r["name"] for r in article.lead_image_renditions} <= stored
    html = Client().get(article.get_absolute_url()).content.decode()
    og_image = re.search(r'<meta property="og:image" content="([^"]+)"', html).group(1)
    assert og_image.endswith(first_image)
    assert all(stem in part for part in lead_img(html)["srcset"].split(", "))
