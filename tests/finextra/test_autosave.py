"""The server's autosave of a draft's change form: what one person typed and has not saved, sent
by the browser (static/editorial-drafts.js), kept for them alone, offered back on the change
page, cleared by their save; drafts only, and the item itself never changed by it."""

import json

import pytest
from django.urls import reverse

from finextra.models import Autosave
from finextra.services import AUTOSAVE_MAX_BYTES, transition
from tests.articles.helpers import change_url, csrf_token, post_change, signed_in


def autosave_url(article):
    return reverse("admin:articles_article_autosave", args=[article.pk])


def typed(headline, version=1) -> dict:
    return {
        "version": str(version),
        "at": "2026-11-30T10:00:00.000Z",
        "opened": {"headline": "Rates held"},
        "values": {"headline": headline},
    }


def send(client, article, payload, *, token=None):
    token = token or csrf_token(client, change_url(article))
    body = payload if isinstance(payload, bytes | str) else json.dumps(payload)
    return client.post(
        autosave_url(article), body, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )


def offered(client, article) -> dict | None:
    html = client.get(change_url(article)).content.decode()
    if 'id="server-draft"' not in html:
        return None
    start = html.index('<script id="server-draft" type="application/json">')
    data = html[start:].split(">", 1)[1].split("</script>", 1)[0]
    return json.loads(data)


def test_a_writers_autosave_is_kept_for_them_alone_and_never_changes_the_draft(
    make_article, writer, make_user
):
    article = make_article(headline="Rates held")
    client = signed_in(writer)

    response = send(client, article, typed("Rates held at 4.25%"))

    assert response.status_code == 204
    article.refresh_from_db()
    assert (article.headline, article.version) == ("Rates held", 1)
    draft = offered(client, article)
    assert draft["values"] == {"headline": "Rates held at 4.25%"}
    assert draft["opened"] == {"headline": "Rates held"}
    assert draft["version"] == 1
    other_writer = signed_in(make_user("other_writer", "Writer"))
    assert offered(other_writer, article) is None, "one person's autosave is theirs alone"

    send(client, article, typed("Rates held at 4.25% again"))
    assert Autosave.objects.count() == 1, "one autosave a person, replaced as they type"


def test_saving_the_form_clears_the_savers_autosave_only(make_article, writer, make_user):
    article = make_article(headline="Rates held")
    colleague = make_user("colleague", "Writer")
    send(signed_in(writer), article, typed("Rates held at 4.25%"))
    send(signed_in(colleague), article, typed("Rates held for now"))

    response = post_change(signed_in(writer), article, headline="Rates held at 4.25%")

    assert response.status_code == 302
    assert list(Autosave.objects.values_list("user__username", flat=True)) == ["colleague"]


@pytest.mark.parametrize("move", ["edited", "published"])
def test_only_drafts_are_autosaved(move, make_article, writer, editor, publisher):
    article = make_article(headline="Rates held")
    transition(obj=article, move="mark_edited", user=editor)
    if move == "published":
        transition(obj=article, move="publish", user=publisher)
    article.refresh_from_db()
    client = signed_in(editor if move == "edited" else publisher)

    response = send(client, article, typed("Rates held at 4.25%", version=article.version))

    assert response.status_code == 409
    assert "Only drafts are autosaved" in response.content.decode()
    assert not Autosave.objects.exists()
    article.refresh_from_db()
    assert article.headline == "Rates held"


def test_an_earlier_autosave_is_not_offered_once_the_item_has_left_draft(
    make_article, writer, editor
):
    article = make_article(headline="Rates held")
    client = signed_in(writer)
    send(client, article, typed("Rates held at 4.25%"))
    assert offered(client, article) is not None

    transition(obj=article, move="mark_edited", user=editor)

    assert offered(client, article) is None


def test_the_autosave_needs_the_csrf_token_and_the_right_to_change(
    make_article, writer, commercial
):
    article = make_article(headline="Rates held")
    client = signed_in(writer)
    client.get(change_url(article))

    assert send(client, article, typed("x"), token="forged").status_code == 403
    outsider = signed_in(commercial)  # sponsors' desk: may not change articles
    token = csrf_token(outsider, reverse("admin:index"))
    assert send(outsider, article, typed("x"), token=token).status_code == 403
    assert client.get(autosave_url(article)).status_code == 405
    assert not Autosave.objects.exists()


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        (b"not json", 400),
        ([], 400),
        ({"values": "headline"}, 400),
        ({"values": {}, "opened": {}, "version": "new"}, 400),
        ({"values": {}, "opened": {}, "version": "-1"}, 400),
        ({"values": {}, "opened": {}, "version": str(2**40)}, 400),
        ({"values": {"body": "x" * AUTOSAVE_MAX_BYTES}, "opened": {}, "version": "1"}, 413),
    ],
)
def test_a_malformed_autosave_is_refused_and_keeps_nothing(payload, status, make_article, writer):
    article = make_article()

    assert send(signed_in(writer), article, payload).status_code == status
    assert not Autosave.objects.exists()


def test_discarding_forgets_the_autosave(make_article, writer):
    article = make_article(headline="Rates held")
    client = signed_in(writer)
    send(client, article, typed("Rates held at 4.25%"))

    assert send(client, article, {"discard": True}).status_code == 204
    assert not Autosave.objects.exists()


def test_an_unknown_item_is_a_404(writer, db):
    client = signed_in(writer)
    token = csrf_token(client, reverse("admin:articles_article_changelist"))
    url = reverse("admin:articles_article_autosave", args=[999999])

    response = client.post(url, "{}", content_type="application/json", HTTP_X_CSRFTOKEN=token)

    assert response.status_code == 404
