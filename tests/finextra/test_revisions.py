"""Revisions: every admin save keeps the copy; any two can be compared; an old copy can be
restored through the change form, under the workflow's rules."""

from datetime import timedelta

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone

from finextra.models import Revision
from finextra.services import revisions_for, transition
from finextra.workflow import State
from tests.articles.helpers import (
    article_form,
    change_url,
    csrf_token,
    post_change,
    post_new_article,
    signed_in,
)
from tests.factories import PlacementFactory

pytestmark = pytest.mark.django_db


def restore_url(article, revision):
    return reverse("admin:articles_article_revision_restore", args=[article.pk, revision.pk])


def compare_url(article, older, newer):
    url = reverse("admin:articles_article_revision_compare", args=[article.pk])
    return f"{url}?a={older.pk}&b={newer.pk}"


def save_copy(client, article, **changes):
    """Post the change form as a browser would, with the version the page showed."""
    response = post_change(client, article, **changes)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    return response


def form_as_sent(response) -> dict:
    """What the browser would send back from the change form it was shown, unchanged."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, forms.FileField):
            continue  # no new upload
        if isinstance(field.widget, forms.MultiWidget):  # a date and a time, say
            parts = field.widget.decompress(value)
            for n, (widget, part) in enumerate(zip(field.widget.widgets, parts, strict=True)):
                data[f"{name}_{n}"] = widget.format_value(part) or ""
            continue
        if value is None:
            value = ""
        if isinstance(value, bool):
            if not value:
                continue
            value = "on"
        data[name] = value
    return data


def test_every_admin_save_keeps_a_revision_with_its_author(writer, channel):
    client = signed_in(writer)
    post_new_article(client, article_form(channel))
    article = channel.articles.get()
    save_copy(client, article, standfirst="A sharper standfirst.")

    revisions = list(revisions_for(article))
    assert [revision.version for revision in revisions] == [article.version, article.version - 1]
    assert all(revision.actor == writer for revision in revisions)
    assert revisions[0].snapshot["standfirst"] == "A sharper standfirst."
    assert revisions[1].snapshot["standfirst"] == "Insurers may now pay claims in seconds."
    assert revisions[0].snapshot["headline"] == "Regulator approves instant payouts"


def test_the_history_shows_saves_and_moves_as_one_timeline(writer, editor, channel):
    client = signed_in(writer)
    post_new_article(client, article_form(channel))
    article = channel.articles.get()
    transition(obj=article, move="mark_edited", user=editor)

    page = signed_in(editor).get(change_url(article)).content.decode()
    history = page[page.index("<summary>History</summary>") :]
    assert history.index("Mark as edited") < history.index("Saved (version 1)")
    assert "editor" in history and "writer" in history


def test_two_revisions_are_compared_word_by_word_as_text(writer, channel):
    client = signed_in(writer)
    post_new_article(client, article_form(channel, body="<p>Insurers may pay claims.</p>"))
    article = channel.articles.get()
    save_copy(
        client,
        article,
        headline="Regulator approves instant claim payouts",
        body="<p>Insurers may now pay <strong>all</strong> claims &lt;at once&gt;.</p>",
    )
    newer, older = revisions_for(article)

    response = client.get(compare_url(article, older, newer))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<ins>claim </ins>" in page
    assert "<del>claims.</del>" in page
    # Tags are stripped and the text escaped: the diff shows words, never markup.
    assert "<strong>" not in page.split('class="revision-compare"')[1]
    assert "<ins>all claims &lt;at once&gt;.</ins>" in page
    # The same two in the other order read the same way round.
    assert client.get(compare_url(article, newer, older)).content.decode().count("<ins>") == (
        page.count("<ins>")
    )


def test_comparing_a_revision_of_another_article_is_a_404(writer, channel, make_article):
    client = signed_in(writer)
    post_new_article(client, article_form(channel))
    article = channel.articles.get()
    other = make_article()
    stray = Revision.objects.create(
        content_type_id=Revision.objects.get().content_type_id, object_id=other.pk, version=1
    )
    own = Revision.objects.exclude(pk=stray.pk).get()
    assert client.get(compare_url(article, own, stray)).status_code == 404
    url = reverse("admin:articles_article_revision_compare", args=[article.pk])
    assert client.get(f"{url}?a=x&b=").status_code == 404


def test_restoring_fills_the_form_and_changes_nothing_until_saved(writer, channel):
    client = signed_in(writer)
    post_new_article(client, article_form(channel))
    article = channel.articles.get()
    save_copy(client, article, headline="A worse headline", standfirst="Worse.")
    first = revisions_for(article).last()
    version = article.version

    response = client.get(restore_url(article, first))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form["headline"].value() == "Regulator approves instant payouts"
    assert form["standfirst"].value() == "Insurers may now pay claims in seconds."
    assert "Restoring" in response.content.decode()
    article.refresh_from_db()
    assert (article.headline, article.version) == ("A worse headline", version)

    # Saving it posts to the ordinary change form, and the old copy is back.
    token = client.cookies["csrftoken"].value
    sent = form_as_sent(response)
    response = client.post(change_url(article), {"csrfmiddlewaretoken": token, **sent})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "Regulator approves instant payouts"
    assert article.state == State.DRAFT
    assert revisions_for(article).count() == 3


def test_restoring_never_publishes_and_never_takes_live_copy_down(
    editor, publisher, channel, make_article
):
    article = make_article(headline="First headline")
    client = signed_in(editor)
    save_copy(client, article, headline="Second headline")
    old = revisions_for(article).get()
    save_copy(client, article, headline="Third headline")
    transition(obj=article, move="mark_edited", user=editor)
    transition(obj=article, move="publish", user=publisher)
    article.refresh_from_db()

    response = client.get(restore_url(article, old))
    token = client.cookies["csrftoken"].value
    client.post(change_url(article), {"csrfmiddlewaretoken": token, **form_as_sent(response)})
    article.refresh_from_db()
    assert article.headline == "Second headline"
    assert article.state == State.PUBLISHED and article.is_live
    assert article.revised_at is not None  # readers are told the copy was updated


def test_restoring_onto_edited_copy_as_a_writer_sends_it_back_to_draft(writer, editor, channel):
    client = signed_in(writer)
    post_new_article(client, article_form(channel))
    article = channel.articles.get()
    save_copy(client, article, headline="Changed headline")
    transition(obj=article, move="mark_edited", user=editor)
    first = revisions_for(article).last()

    response = client.get(restore_url(article, first))
    token = client.cookies["csrftoken"].value
    client.post(change_url(article), {"csrfmiddlewaretoken": token, **form_as_sent(response)})
    article.refresh_from_db()
    assert article.headline == "Regulator approves instant payouts"
    assert article.state == State.DRAFT


def test_a_writer_cannot_restore_onto_published_copy(writer, editor, publisher, channel):
    client = signed_in(writer)
    post_new_article(client, article_form(channel))
    article = channel.articles.get()
    save_copy(client, article, headline="Changed headline")
    first = revisions_for(article).last()
    transition(obj=article, move="mark_edited", user=editor)
    transition(obj=article, move="publish", user=publisher)

    assert client.get(restore_url(article, first)).status_code == 403
    assert "Restore this copy" not in client.get(change_url(article)).content.decode()
    article.refresh_from_db()
    assert article.headline == "Changed headline"


def test_restore_is_never_a_post_and_a_stray_revision_is_a_404(writer, channel, make_article):
    client = signed_in(writer)
    post_new_article(client, article_form(channel))
    article = channel.articles.get()
    first = revisions_for(article).get()
    token = csrf_token(client, change_url(article))
    response = client.post(restore_url(article, first), {"csrfmiddlewaretoken": token})
    assert response.status_code == 405
    other = make_article()
    url = reverse("admin:articles_article_revision_restore", args=[other.pk, first.pk])
    assert client.get(url).status_code == 404


def test_placements_keep_revisions_and_restore_their_dates_too(commercial):
    start = timezone.now().replace(microsecond=0) + timedelta(days=1)
    placement = PlacementFactory(
        title="Northwind week", starts_at=start, ends_at=start + timedelta(days=7)
    )
    client = signed_in(commercial)
    url = reverse("admin:sponsors_placement_change", args=[placement.pk])
    response = client.get(url)
    token = client.cookies["csrftoken"].value
    sent = form_as_sent(response)
    sent["title"] = "Northwind fortnight"
    response = client.post(url, {"csrfmiddlewaretoken": token, **sent})
    assert response.status_code == 302, response.context["adminform"].form.errors
    placement.refresh_from_db()
    assert placement.title == "Northwind fortnight"
    (revision,) = revisions_for(placement)
    assert revision.snapshot["title"] == "Northwind fortnight"

    restore = reverse("admin:sponsors_placement_revision_restore", args=[placement.pk, revision.pk])
    response = client.get(restore)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form["title"].value() == "Northwind fortnight"
    assert form["starts_at"].value() == start
