"""Stored originals say nothing about where or with what a photo was taken: GPS position and
camera EXIF (and XMP) are dropped, the camera's orientation applied first; placement images
pass the lead image's checks."""

import io

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image, ImageCms

from articles.models import Article
from finextra import roles
from sponsors.models import Placement, Sponsor
from tests.sponsors.test_admin import form_data as placement_form

from .helpers import (
    article_form,
    csrf_token,
    media_files,
    picture,
    post_new_article,
    signed_in,
    upload,
)

GPS_IFD = 0x8825
MAKE, MODEL, ORIENTATION, SERIAL = 0x010F, 0x0110, 0x0112, 0xA431
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def phone_photo(image_format="JPEG", *, orientation=6, size=(1600, 900)) -> bytes:
    """A photo as a phone saves it: taken sideways, with where, with what, and a colour
    profile."""
    source = Image.open(io.BytesIO(picture(size)))
    exif = Image.Exif()
    exif[MAKE], exif[MODEL] = "Phonemaker", "Phone 15 Pro"
    exif[ORIENTATION] = orientation
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (51.0, 30.0, 26.0), 3: "W", 4: (0.0, 7.0, 39.0)})
    exif.get_ifd(0x8769)[SERIAL] = "SN-123456"
    buffer = io.BytesIO()
    options = {"exif": exif, "icc_profile": SRGB}
    if image_format in ("JPEG", "WEBP"):
        options["xmp"] = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">GPSLatitude 51,30</x:xmpmeta>'
    source.save(buffer, image_format, **options)
    return buffer.getvalue()


def stored(name: str) -> tuple[Image.Image, bytes]:
    with default_storage.open(name, "rb") as handle:
        content = handle.read()
    image = Image.open(io.BytesIO(content))
    image.load()
    return image, content


def assert_says_nothing_of_the_camera(image: Image.Image, content: bytes, *, original=True):
    exif = image.getexif()
    assert not exif.get_ifd(GPS_IFD)
    assert MAKE not in exif and MODEL not in exif and ORIENTATION not in exif
    assert not exif.get_ifd(0x8769)
    for marker in (b"Phonemaker", b"Phone 15", b"SN-123456", b"GPSLatitude"):
        assert marker not in content
    if original:
        assert image.info.get("icc_profile") == SRGB  # colours as the camera meant them


@pytest.mark.parametrize(
    ("image_format", "name", "content_type"),
    [("JPEG", "photo.jpg", "image/jpeg"), ("WEBP", "photo.webp", "image/webp")],
)
def test_a_lead_image_is_stored_upright_without_gps_or_camera(
    writer, channel, image_format, name, content_type
):
    client = signed_in(writer)
    photo = phone_photo(image_format)
    response = post_new_article(
        client,
        article_form(
            channel, lead_image=upload(photo, name, content_type), lead_image_alt="A portrait"
        ),
    )

    assert response.status_code == 302
    article = Article.objects.get()
    image, content = stored(article.lead_image.name)
    assert image.size == (900, 1600)  # turned upright before the orientation tag went
    assert (article.lead_image_width, article.lead_image_height) == (900, 1600)
    assert_says_nothing_of_the_camera(image, content)
    for rendition in article.lead_image_renditions:
        assert_says_nothing_of_the_camera(*stored(rendition["name"]), original=False)


def test_a_png_loses_its_exif_too(make_article):
    article = make_article(
        lead_image=upload(phone_photo("PNG", orientation=1), "chart.png", "image/png"),
        lead_image_alt="A chart",
    )

    image, content = stored(article.lead_image.name)
    assert image.size == (1600, 900)
    assert_says_nothing_of_the_camera(image, content)


def test_a_jpeg_keeps_its_quality(make_article):
    """Re-saved with its own quantisation tables: the same picture, not a blurrier copy."""
    photo = phone_photo(orientation=1)
    article = make_article(lead_image=upload(photo), lead_image_alt="A photo")

    image, _ = stored(article.lead_image.name)
    assert image.quantization == Image.open(io.BytesIO(photo)).quantization


# Placement images.

PLACEMENT_ADD = reverse("admin:sponsors_placement_add")


@pytest.fixture
def commercial_desk(make_user):
    return signed_in(make_user("sales", roles.COMMERCIAL))


@pytest.fixture
def sponsor(db):
    return Sponsor.objects.create(name="Northwind Cloud", slug="northwind-cloud")


def post_placement(client, sponsor, image):
    token = csrf_token(client, PLACEMENT_ADD)
    data = placement_form(sponsor, title="Typed with care", image=image, image_alt="A chart")
    return client.post(PLACEMENT_ADD, {**data, "csrfmiddlewaretoken": token})


def test_a_placement_image_is_stored_upright_without_gps_or_camera(commercial_desk, sponsor):
    response = post_placement(commercial_desk, sponsor, upload(phone_photo()))

    assert response.status_code == 302
    image, content = stored(Placement.objects.get().image.name)
    assert image.size == (900, 1600)
    assert_says_nothing_of_the_camera(image, content)


def _gif():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "red").save(buffer, "GIF")
    return buffer.getvalue(), "banner.gif", "image/gif"


def _truncated():
    content = picture((800, 600), "PNG")
    return content[: len(content) // 2], "chart.png", "image/png"


def _48_megapixels():
    buffer = io.BytesIO()
    Image.new("1", (8000, 6000)).save(buffer, "PNG", optimize=True)
    return buffer.getvalue(), "wide.png", "image/png"


def _21_megabytes():
    # A real JPEG, padded past the limit with a comment segment's worth of bytes at the end.
    return picture((400, 300)) + b"\0" * (21 * 2**20), "huge.jpg", "image/jpeg"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_gif, "not an image we can use"),
        (_truncated, "not an image we can use"),
        (_48_megapixels, "8000 × 6000 pixels; the most we take is 40 megapixels"),
        (_21_megabytes, "the largest we take is 10.0\xa0MB"),
    ],
    ids=["gif", "truncated", "48-megapixels", "21-megabytes"],
)
def test_a_placement_image_passes_the_lead_images_checks(
    commercial_desk, sponsor, settings, make, message
):
    content, name, content_type = make()

    response = post_placement(commercial_desk, sponsor, upload(content, name, content_type))

    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors.get("image", []))
    assert message in errors
    assert 'value="Typed with care"' in response.content.decode()
    assert not Placement.objects.exists()
    assert media_files(settings) == []


def test_the_placement_form_says_what_it_takes(commercial_desk):
    html = commercial_desk.get(PLACEMENT_ADD).content.decode()

    assert 'accept="image/jpeg,image/png,image/webp"' in html
    assert "JPEG, PNG or WebP, up to 10 MB and 40 megapixels." in html


def test_a_sponsor_logo_gets_the_same_checks_and_loses_its_metadata(admin_user, settings):
    client = signed_in(admin_user)
    url = reverse("admin:sponsors_sponsor_add")

    def post(logo):
        data = {"name": "Northwind", "slug": "northwind", "website": "", "logo": logo}
        return client.post(url, {**data, "csrfmiddlewaretoken": csrf_token(client, url)})

    refused = post(upload(*_gif()))
    assert "not an image we can use" in " ".join(refused.context["adminform"].form.errors["logo"])
    assert media_files(settings) == []

    assert post(upload(phone_photo())).status_code == 302
    image, content = stored(Sponsor.objects.get().logo.name)
    assert image.size == (900, 1600)
    assert_says_nothing_of_the_camera(image, content)
