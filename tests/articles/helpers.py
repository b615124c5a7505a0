"""Helpers for the desk's tests: pictures made with Pillow, and the admin's article form and
workflow buttons posted the way a browser posts them (with the CSRF token from the page)."""

import io
import random
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.urls import reverse
from PIL import Image


def picture(size=(1600, 900), image_format="JPEG", mode="RGB", seed=1) -> bytes:
    """A photo-like picture (coloured noise over a gradient), so encoders have real work."""
    rng = random.Random(seed)
    image = Image.linear_gradient("L").resize(size).convert(mode if mode != "P" else "RGB")
    noise = Image.frombytes("L", (64, 36), bytes(rng.randrange(256) for _ in range(64 * 36)))
    image = Image.blend(image.convert("RGB"), noise.resize(size).convert("RGB"), 0.4)
    if mode == "RGBA":
        image.putalpha(200)
    elif mode == "P":
        image = image.convert("P")
    buffer = io.BytesIO()
    image.save(buffer, image_format)
    return buffer.getvalue()


def upload(content: bytes, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def media_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def signed_in(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def csrf_token(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return client.cookies["csrftoken"].value


def article_form(channel, **changes) -> dict:
    """What the add form posts for a new article, with `changes` typed over it."""
    data = {
        "headline": "Regulator approves instant payouts",
        "slug": "regulator-approves-instant-payouts",
        "standfirst": "Insurers may now pay claims in seconds.",
        "body": "<p>Insurers may now pay claims by instant transfer.</p>",
        "channel": channel.pk,
        "provenance": "editorial",
        "comment_mode": "open",
        "lead_image_alt": "",
        "lead_image_caption": "",
        "lead_image_credit": "",
    }
    data.update(changes)
    return data


def post_new_article(client, data):
    url = reverse("admin:articles_article_add")
    token = csrf_token(client, url)
    # As the request's transaction commits: the lead image's renditions are made then.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, {"csrfmiddlewaretoken": token, **data})


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def form_data(article, **changes):
    """What the change form posts as it stands, with `changes` typed over it."""
    data = {
        "headline": article.headline,
        "slug": article.slug,
        "standfirst": article.standfirst,
        "body": article.body,
        "channel": article.channel_id,
        "provenance": article.provenance,
        "comment_mode": article.comment_mode,
        "lead_image_alt": "",
        "lead_image_caption": "",
        "lead_image_credit": "",
        "seen_version": article.version,
    }
    data.update(changes)
    return data


def post_change(client, article, *, follow=False, **changes):
    """Open the article's change form and save it as a browser would: with the CSRF token and
    the version the page showed, and `changes` typed over what the form holds."""
    token = csrf_token(client, change_url(article))
    article.refresh_from_db()
    data = {"csrfmiddlewaretoken": token, **form_data(article, **changes)}
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(change_url(article), data, follow=follow)


def transition_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_transition", args=[obj.pk])


def press(client, obj, move, **fields):
    """Press a workflow button on the item's change form, as the browser posts it: the CSRF
    token and the version the page showed, and `fields` (a note, a time, a confirmation)."""
    opts = obj._meta
    page = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    token = csrf_token(client, page)
    obj.refresh_from_db()
    data = {"csrfmiddlewaretoken": token, "move": move, "version": obj.version, **fields}
    return client.post(transition_url(obj), data, follow=True)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]
