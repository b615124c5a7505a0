"""The newsroom desk: the article change form, its workflow buttons, and what it refuses."""

import pytest
from django.urls import reverse

from articles.models import Article
from finextra.services import history_for, transition
from finextra.workflow import State

from .helpers import (
    change_url,
    csrf_token,
    form_data,
    messages_of,
    post_change,
    press,
    signed_in,
    transition_url,
)

BUTTONS = ("Mark as edited", "Send back to draft", "Publish", "Schedule", "Unpublish", "Withdraw")


def buttons_on(client, article):
    html = client.get(change_url(article)).content.decode()
    return {label for label in BUTTONS if f">{label}</button>" in html}


@pytest.mark.parametrize(
    ("role_fixture", "state", "expected"),
    [
        ("writer", State.DRAFT, set()),
        ("writer", State.EDITED, set()),
        ("editor", State.DRAFT, {"Mark as edited"}),
        ("editor", State.EDITED, {"Send back to draft"}),
        ("editor", State.PUBLISHED, set()),
        ("publisher", State.DRAFT, set()),
        ("publisher", State.EDITED, {"Publish", "Schedule"}),
        ("publisher", State.PUBLISHED, {"Unpublish", "Withdraw"}),
    ],
)
def test_each_role_sees_only_the_buttons_it_may_press(
    request, role_fixture, state, expected, make_article, editor, publisher
):
    user = request.getfixturevalue(role_fixture)
    article = make_article()
    if state != State.DRAFT:
        transition(obj=article, move="mark_edited", user=editor)
    if state == State.PUBLISHED:
        transition(obj=article, move="publish", user=publisher)
    assert buttons_on(signed_in(user), article) == expected


def test_writer_editor_and_publisher_take_an_article_live_through_the_admin(
    writer, editor, publisher, channel, client
):
    writer_client = signed_in(writer)
    token = csrf_token(writer_client, reverse("admin:articles_article_add"))
    response = writer_client.post(
        reverse("admin:articles_article_add"),
        {
            "csrfmiddlewaretoken": token,
            "headline": "Bank of England holds rates",
            "slug": "boe-holds-rates",
            "standfirst": "The committee voted 6-3.",
            "body": "<p>The Bank of England held rates.</p>",
            "channel": channel.pk,
            "provenance": "editorial",
            "comment_mode": "open",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(slug="boe-holds-rates")
    assert article.state == State.DRAFT

    for user, move in ((editor, "mark_edited"), (publisher, "publish")):
        response = press(signed_in(user), article, move)
        assert response.status_code == 200
        assert "is now" in response.content.decode()

    article.refresh_from_db()
    assert article.state == State.PUBLISHED
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    assert [e.move for e in history_for(article)] == ["publish", "mark_edited"]


@pytest.mark.parametrize("move", ["publish", "mark_edited", "unpublish", "withdraw", "bogus"])
def test_a_crafted_post_for_a_move_the_writer_may_not_make_changes_nothing(
    writer, editor, make_article, move
):
    article = make_article()
    transition(obj=article, move="mark_edited", user=editor)
    response = press(signed_in(writer), article, move, note="x")
    assert response.status_code == 200
    messages = messages_of(response)
    assert any("Nothing was changed" in m for m in messages), messages
    refreshed = Article.objects.get(pk=article.pk)
    assert (refreshed.state, refreshed.version) == (State.EDITED, article.version)


def test_a_transition_without_the_csrf_token_is_refused(editor, make_article):
    article = make_article()
    client = signed_in(editor)
    response = client.post(
        transition_url(article), {"move": "mark_edited", "version": article.version}
    )
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.state == State.DRAFT


def test_a_transition_is_never_made_by_a_get(editor, make_article):
    article = make_article()
    response = signed_in(editor).get(
        transition_url(article) + f"?move=mark_edited&version={article.version}"
    )
    assert response.status_code == 405
    article.refresh_from_db()
    assert article.state == State.DRAFT


def test_a_transition_from_a_stale_page_is_refused(editor, writer, make_article):
    article = make_article()
    opened_version = article.version
    writer_client = signed_in(writer)
    post_change(writer_client, article, headline="Writer's new headline")
    response = press(signed_in(editor), article, "mark_edited", version=opened_version)
    assert "Someone else changed" in response.content.decode()
    article.refresh_from_db()
    assert article.state == State.DRAFT
    assert article.headline == "Writer's new headline"


def test_sending_back_without_a_note_is_refused_and_keeps_nothing_half_done(editor, make_article):
    article = make_article()
    transition(obj=article, move="mark_edited", user=editor)
    response = press(signed_in(editor), article, "send_back")
    assert "needs a note" in response.content.decode()
    article.refresh_from_db()
    assert article.state == State.EDITED


def test_a_stale_form_is_refused_and_the_other_persons_save_stands(writer, editor, make_article):
    article = make_article()
    first = signed_in(writer)
    second = signed_in(editor)
    first_token = csrf_token(first, change_url(article))
    second_token = csrf_token(second, change_url(article))
    opened = form_data(article)

    saved = second.post(
        change_url(article),
        {"csrfmiddlewaretoken": second_token, **opened, "headline": "The editor's headline"},
    )
    assert saved.status_code == 302

    refused = first.post(
        change_url(article),
        {"csrfmiddlewaretoken": first_token, **opened, "headline": "The writer's headline"},
    )
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Someone else saved this article" in html
    assert "The writer&#x27;s headline" in html  # what they typed is kept
    article.refresh_from_db()
    assert article.headline == "The editor's headline"


def test_a_writer_changing_edited_copy_sends_it_back_to_draft(writer, editor, make_article):
    article = make_article()
    transition(obj=article, move="mark_edited", user=editor)
    client = signed_in(writer)
    response = post_change(client, article, standfirst="A new standfirst.", follow=True)
    assert "back in draft" in response.content.decode()
    article.refresh_from_db()
    assert article.state == State.DRAFT
    assert history_for(article).first().move == "copy_changed"


def test_an_editor_changing_edited_copy_keeps_it_edited(editor, make_article):
    article = make_article()
    transition(obj=article, move="mark_edited", user=editor)
    client = signed_in(editor)
    post_change(client, article, standfirst="Tightened.")
    article.refresh_from_db()
    assert (article.state, article.standfirst) == (State.EDITED, "Tightened.")


def test_a_writer_cannot_change_published_copy(writer, live_article):
    client = signed_in(writer)
    response = post_change(client, live_article, headline="Rewritten")
    assert response.status_code == 403
    live_article.refresh_from_db()
    assert live_article.headline == "Markets rally on rate cut"


def test_an_editor_corrects_published_copy_live_and_it_is_kept_in_the_history(
    editor, live_article, client
):
    editor_client = signed_in(editor)
    post_change(editor_client, live_article, standfirst="Corrected.")
    live_article.refresh_from_db()
    assert live_article.state == State.PUBLISHED
    assert live_article.revised_at is not None
    assert history_for(live_article).first().move == "live_change"
    page = client.get(live_article.get_absolute_url()).content.decode()
    assert "Corrected." in page
    assert "Updated" in page


def test_a_publisher_withdraws_an_article_and_its_url_answers_410(publisher, live_article, client):
    press(signed_in(publisher), live_article, "withdraw", note="Legal takedown.", confirm="on")
    assert client.get(live_article.get_absolute_url()).status_code == 410


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"headline": "x" * 151}, "Ensure this value has at most 150 characters"),
        ({"slug": "taken-slug"}, "Article with this Slug already exists."),
        ({"headline": ""}, "This field is required."),
        ({"channel": "999999"}, "Select a valid choice."),
    ],
)
def test_bad_input_is_a_clear_error_and_nothing_is_saved(writer, make_article, changes, message):
    make_article(slug="taken-slug")
    article = make_article(headline="Original headline")
    client = signed_in(writer)
    response = post_change(client, article, standfirst="Typed text", **changes)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "Typed text" in html
    article.refresh_from_db()
    assert (article.headline, article.standfirst, article.version) == (
        "Original headline",
        "A standfirst.",
        1,
    )


def test_a_hostile_body_posted_through_the_admin_is_stored_clean(writer, make_article):
    article = make_article()
    client = signed_in(writer)
    hostile = (
        '<p onclick="steal()">Hi<script>alert(1)</script></p>'
        '<img src=x onerror="alert(1)"><a href="javascript:alert(1)">link</a>'
    )
    post_change(client, article, body=hostile)
    article.refresh_from_db()
    assert "<script" not in article.body
    assert "onerror" not in article.body
    assert "onclick" not in article.body
    assert "javascript:" not in article.body
    assert "Hi" in article.body


def test_the_article_list_shows_state_channel_authors_and_filters(editor, live_article):
    client = signed_in(editor)
    url = reverse("admin:articles_article_changelist")
    for query in (
        "",
        "?state__exact=published",
        f"?channel__id__exact={live_article.channel_id}",
        "?q=rally",
    ):
        response = client.get(url + query)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Markets rally on rate cut" in html
        assert "Alice Morgan" in html
        assert "Capital Markets" in html
    assert "Markets rally" not in client.get(url + "?state__exact=draft").content.decode()


def test_the_change_form_shows_the_history(editor, live_article):
    html = signed_in(editor).get(change_url(live_article)).content.decode()
    assert "History" in html
    assert "<td>Mark as edited</td>" in html
    assert "<td>Publish</td>" in html


def test_commercial_and_moderator_accounts_cannot_change_articles(
    commercial, moderator, make_article
):
    article = make_article()
    for user in (commercial, moderator):
        client = signed_in(user)
        token = csrf_token(client, reverse("admin:index"))
        response = client.post(
            change_url(article), {"csrfmiddlewaretoken": token, **form_data(article)}
        )
        assert response.status_code == 403


def test_the_article_list_counts_no_further_than_its_cap(
    client, make_article, make_user, monkeypatch
):
    from finextra.admin import CappedPaginator

    for _ in range(4):
        make_article()
    client.force_login(make_user("boss", "Editor", is_superuser=True))
    monkeypatch.setattr(CappedPaginator, "cap", 3)

    html = client.get("/admin/articles/article/").content.decode()

    assert "More than 3 articles: filter or search to reach older ones" in html


def test_the_article_list_searches_headlines(client, make_article, make_user):
    make_article(headline="Regulators fine the bank")
    make_article(headline="Payments start-up raises funds")
    client.force_login(make_user("boss", "Editor", is_superuser=True))

    html = client.get("/admin/articles/article/", {"q": "regulators"}).content.decode()

    assert "Regulators fine the bank" in html
    assert "Payments start-up raises funds" not in html
