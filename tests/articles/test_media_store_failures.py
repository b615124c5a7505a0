"""A media store that refuses writes (read-only, full) is a form error on the desk: the reason
under the field, what was typed kept, no row saved and no file left behind."""

import subprocess
from pathlib import Path

import pytest
from django.db import transaction

from articles.models import Article
from articles.services import article_save
from tests.factories import ArticleFactory

from .helpers import article_form, media_files, picture, post_new_article, signed_in, upload


def error_text(response) -> str:
    return " ".join(str(error) for error in response.context["adminform"].form.errors.values())


STORE_FAILED = "This file could not be stored: the media store is full or not writable"


@pytest.fixture
def unwritable_media(settings, tmp_path):
    """The media folder cannot take new folders: a plain file sits where the article images'
    folder would go (the OS refuses, as it does on a read-only mount, as root too)."""
    root = tmp_path / "unwritable"
    root.mkdir()
    (root / "articles").write_text("not a folder")
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def small_media_disk(settings, tmp_path):
    """A tmpfs of `kilobytes` as the media folder (mounting needs root; CI runs as root)."""
    mounted = []

    def mount(kilobytes: int) -> Path:
        root = tmp_path / "small"
        root.mkdir()
        result = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={kilobytes}k", "tmpfs", str(root)],
            capture_output=True,
        )
        if result.returncode != 0:
            pytest.skip(f"cannot mount a small tmpfs here: {result.stderr.decode().strip()}")
        mounted.append(root)
        settings.MEDIA_ROOT = root
        return root

    yield mount
    for root in mounted:
        subprocess.run(["umount", str(root)], check=True)


def files_in(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def test_a_media_store_that_refuses_writes_is_a_form_error_and_nothing_is_saved(
    writer, channel, settings, unwritable_media
):
    response = post_new_article(
        signed_in(writer),
        article_form(channel, lead_image=upload(picture()), lead_image_alt="Traders at desks"),
    )

    assert response.status_code == 200
    assert STORE_FAILED in error_text(response)
    assert "lead_image" in response.context["adminform"].form.errors
    assert Article.objects.count() == 0
    assert files_in(unwritable_media) == [unwritable_media / "articles"]
    assert 'value="Regulator approves instant payouts"' in response.content.decode()


def test_a_media_store_that_fills_up_while_making_renditions_keeps_no_partial_rendition(
    transactional_db, writer, channel, settings, small_media_disk
):
    """Renditions are made once the save has committed (so a rolled-back save stores none): a
    store that fills up then keeps the article with its original, leaves no partial rendition
    behind, and tells the editor."""
    original = picture((1000, 620), "PNG", seed=7)
    # Room for the original and 100 KB more: its renditions (PNG and WebP) need more than that.
    root = small_media_disk(len(original) // 1024 + 100)
    client = signed_in(writer)

    response = post_new_article(
        client,
        article_form(
            channel,
            lead_image=upload(original, "chart.png", "image/png"),
            lead_image_alt="A chart",
        ),
    )

    assert response.status_code == 302
    article = Article.objects.get()
    assert article.lead_image_renditions == []
    assert files_in(root) == [root / article.lead_image.name], "no partial rendition stays"
    listing = client.get(response["Location"]).content.decode()
    assert "smaller copies of its lead image could not be stored" in listing


def test_a_rolled_back_save_leaves_no_rendition_behind(
    channel, settings, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        article_save(
            article=ArticleFactory.build(
                channel=channel, lead_image=upload(picture()), lead_image_alt="Traders at desks"
            )
        )
        raise RuntimeError("a later step of the save failed")

    assert Article.objects.count() == 0
    assert not [path for path in media_files(settings) if "w." in path.name]


def test_after_the_store_has_room_again_the_same_upload_is_saved(
    writer, channel, settings, unwritable_media
):
    client = signed_in(writer)
    data = article_form(channel, lead_image_alt="Traders at desks")
    response = post_new_article(client, {**data, "lead_image": upload(picture())})
    assert response.status_code == 200

    (unwritable_media / "articles").unlink()
    response = post_new_article(client, {**data, "lead_image": upload(picture())})

    assert response.status_code == 302
    assert Article.objects.get().lead_image_renditions
