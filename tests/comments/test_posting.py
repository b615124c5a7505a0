"""Posting comments and replies through the article page's own forms, as a browser would:
what lands where, what is refused, and that a refused post keeps the reader's text."""

import hashlib
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from articles.models import Article
from comments.models import Comment
from finextra.workflow import State

from .conftest import form_fields, forms_on, post_url

BODY = "Settlement at T+1 will squeeze the securities lending desks."
GUEST_COMMENT = {"body": BODY, "name": "Gail Guest", "email": "gail@example.com"}


@pytest.fixture
def article(live_article):
    return live_article


def test_a_signed_in_reader_comments_and_lands_on_their_comment(signed_in, submit, article):
    response = submit(signed_in, post_url(article), post_url(article), {"body": BODY})

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{comment.pk}"
    assert comment.state == State.PUBLISHED
    page = signed_in.get(article.get_absolute_url()).content.decode()
    assert BODY in page
    assert "Riley Reader" in page
    assert "1 comment" in page
    assert "Comments: (1)" in page


def test_a_guest_comment_waits_for_moderation_and_the_guest_is_told(
    browser_client, submit, article
):
    response = submit(browser_client, post_url(article), post_url(article), GUEST_COMMENT)

    assert response.status_code == 302
    assert response["Location"] == f"{post_url(article)}?sent=1"
    comment = Comment.objects.get()
    assert comment.state == State.DRAFT
    assert comment.guest_email == "gail@example.com"
    landing = browser_client.get(response["Location"])
    confirmation = landing.content.decode()
    # The confirmation is the page's heading, on a page never cached, with the way back.
    assert "no-store" in landing["Cache-Control"]
    assert "awaiting moderation" in confirmation.split("</h1>")[1].split("</p>")[1]
    assert f'href="{article.get_absolute_url()}#comments">Back to the article' in confirmation
    page = browser_client.get(article.get_absolute_url()).content.decode()
    assert BODY not in page
    assert "Comments: (0)" in page


def test_guests_are_asked_to_sign_in_when_the_setting_is_off(client, article, settings):
    settings.COMMENTS_ALLOW_GUESTS = False

    page = client.get(article.get_absolute_url()).content.decode()
    response = client.post(post_url(article), {"body": BODY, "name": "G", "email": "g@e.com"})

    assert "Sign in</a> or <a" in page
    assert 'name="body"' not in page
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_with_guests_off_the_compose_page_asks_a_guest_to_sign_in(client, article, settings):
    settings.COMMENTS_ALLOW_GUESTS = False

    page = client.get(post_url(article))

    assert page.status_code == 200
    assert "Sign in</a> or <a" in page.content.decode()
    assert 'name="body"' not in page.content.decode()
    assert "no-store" in page["Cache-Control"]


def test_with_guests_on_a_guest_comments_from_the_compose_page_without_javascript(
    browser_client, submit, article
):
    """The article page links to the compose page; its plain form posts (no script at all)."""
    page = browser_client.get(article.get_absolute_url()).content.decode()
    # A plain link (a script may open the form in place; nothing depends on it).
    assert f'href="{post_url(article)}" data-compose>Join the discussion' in page

    response = submit(browser_client, post_url(article), post_url(article), GUEST_COMMENT)

    assert response.status_code == 302
    assert Comment.objects.get().guest_name == "Gail Guest"


@pytest.mark.parametrize("reply", ["abc", "99999999", "-1"])
def test_a_reply_to_a_malformed_or_unknown_comment_is_not_found(client, article, reply):
    assert client.get(post_url(article), {"reply": reply}).status_code == 404


def test_a_guest_must_give_a_name_and_an_email_and_keeps_the_text(browser_client, submit, article):
    response = submit(browser_client, post_url(article), post_url(article), {"body": BODY})

    assert response.status_code == 400
    assert BODY in response.content.decode()
    assert "This field is required." in response.content.decode()
    assert not Comment.objects.exists()


def test_on_a_premoderated_article_a_readers_comment_waits_and_only_they_see_it(
    signed_in, submit, article, other_reader, client
):
    Article.objects.filter(pk=article.pk).update(comment_mode=Article.CommentMode.PREMODERATED)

    response = submit(signed_in, post_url(article), post_url(article), {"body": BODY})

    comment = Comment.objects.get()
    assert comment.state == State.DRAFT
    own_view = signed_in.get(response["Location"]).content.decode()
    assert BODY in own_view
    assert "Awaiting moderation" in own_view
    client.force_login(other_reader)
    assert BODY not in client.get(article.get_absolute_url()).content.decode()


def after_comments_turn(client, article, mode):
    """The reader opens the comment form, then the desk turns the article's comments to `mode`:
    the article page as it now reads, and the answer to the form posted as it was opened."""
    fields = form_fields(client.get(post_url(article)).content.decode(), post_url(article))
    Article.objects.filter(pk=article.pk).update(comment_mode=mode)
    page = client.get(article.get_absolute_url()).content.decode()
    return page, client.post(post_url(article), {**fields, "body": BODY})


def test_closed_comments_show_the_thread_and_refuse_new_posts(
    signed_in, article, post_comment, reader
):
    post_comment(article, "Said before closing.", author=reader)

    page, response = after_comments_turn(signed_in, article, Article.CommentMode.CLOSED)

    assert "Said before closing." in page
    assert "Comments are closed." in page
    assert 'name="body"' not in page
    assert response.status_code == 400
    assert "Comments are closed." in response.content.decode()
    assert BODY in response.content.decode()
    assert Comment.objects.count() == 1


def test_hidden_comments_show_nothing_and_refuse_posts(signed_in, article, post_comment, reader):
    post_comment(article, "Hidden away.", author=reader)

    page, response = after_comments_turn(signed_in, article, Article.CommentMode.HIDDEN)

    assert "Hidden away." not in page
    assert 'id="comments"' not in page
    assert "comment" not in page.split('class="article-body"')[0].lower().split("byline")[-1]
    assert response.status_code == 400
    assert Comment.objects.count() == 1


def test_a_body_over_4000_characters_is_refused_with_the_text_kept(signed_in, submit, article):
    body = "x" * 4001

    response = submit(signed_in, post_url(article), post_url(article), {"body": body})

    content = response.content.decode()
    assert response.status_code == 400
    assert "Ensure this value has at most 4000 characters (it has 4001)." in content
    assert body in content
    assert not Comment.objects.exists()


def test_exactly_4000_characters_with_browser_line_breaks_is_accepted(signed_in, submit, article):
    # Browsers send a line break as CRLF; it counts as one character, as the textarea shows.
    body = ("y" * 99 + "\r\n") * 40

    submit(signed_in, post_url(article), post_url(article), {"body": body})

    assert len(Comment.objects.get().body) == 3999


def test_the_limit_is_shown_beside_the_field(client, article):
    page = client.get(post_url(article)).content.decode()

    assert "Plain text, up to 4,000 characters." in page
    assert 'maxlength="4000"' in page
    assert 'href="/comments/house-rules/"' in page


def test_an_empty_body_is_refused_with_a_clear_message(signed_in, submit, article):
    response = submit(signed_in, post_url(article), post_url(article), {"body": "   "})

    assert response.status_code == 400
    assert "Write your comment before sending it." in response.content.decode()


def test_a_nul_byte_is_refused_with_a_clear_message_and_the_rest_kept(signed_in, submit, article):
    response = submit(signed_in, post_url(article), post_url(article), {"body": "before\x00after"})

    content = response.content.decode()
    assert response.status_code == 400
    assert "contains a NUL character" in content
    assert "before" in content and "after" in content
    assert not Comment.objects.exists()


def test_the_honeypot_field_filled_in_is_refused(signed_in, submit, article):
    response = submit(
        signed_in,
        post_url(article),
        post_url(article),
        {"body": BODY, "website": "http://spam.example"},
    )

    assert response.status_code == 400
    assert BODY in response.content.decode()
    assert not Comment.objects.exists()


def test_a_post_sooner_than_a_person_types_is_refused(signed_in, submit, article, settings):
    settings.COMMENTS_FORM_MIN_SECONDS = 3

    response = submit(signed_in, post_url(article), post_url(article), {"body": BODY})

    assert response.status_code == 400
    assert "faster than a person types" in response.content.decode()
    assert BODY in response.content.decode()
    assert not Comment.objects.exists()


def test_a_form_open_too_long_is_refused_with_the_text_kept(signed_in, article, time_machine):
    page = signed_in.get(post_url(article)).content.decode()
    fields = form_fields(page, post_url(article))
    time_machine.move_to(timezone.now() + timedelta(hours=13))

    response = signed_in.post(post_url(article), {**fields, "body": BODY})

    assert response.status_code == 400
    assert "open too long" in response.content.decode()
    assert BODY in response.content.decode()


@pytest.mark.parametrize("stamp", ["", "forged:value:here", "article-1:1abc:xyz"])
def test_a_missing_or_forged_timestamp_is_refused(signed_in, article, stamp):
    page = signed_in.get(post_url(article)).content.decode()
    fields = form_fields(page, post_url(article))

    response = signed_in.post(post_url(article), {**fields, "body": BODY, "stamp": stamp})

    assert response.status_code == 400
    assert "could not be checked" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_timestamp_from_another_articles_form_is_refused(
    signed_in, article, make_article, editor, publisher
):
    from finextra.services import transition

    other = make_article()
    transition(obj=other, move="mark_edited", user=editor)
    transition(obj=other, move="publish", user=publisher)
    other_fields = form_fields(signed_in.get(post_url(other)).content.decode(), post_url(other))

    response = signed_in.post(post_url(article), {**other_fields, "body": BODY})

    assert response.status_code == 400
    assert "belongs to another page" in response.content.decode()


def test_the_post_needs_the_csrf_token(browser_client, article, reader):
    browser_client.force_login(reader)
    page = browser_client.get(post_url(article)).content.decode()
    fields = form_fields(page, post_url(article))
    del fields["csrfmiddlewaretoken"]

    response = browser_client.post(post_url(article), {**fields, "body": BODY})

    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_a_get_on_the_post_address_shows_the_form_and_changes_nothing(signed_in, article):
    response = signed_in.get(post_url(article), {"body": BODY})

    assert response.status_code == 200
    assert 'name="body"' in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert not Comment.objects.exists()


@pytest.mark.parametrize("url", ["/comments/post/abc/", "/comments/post/99999999/"])
def test_posting_to_a_malformed_or_unknown_article_is_not_found(client, reader, url, article):
    client.force_login(reader)

    assert client.post(url, {"body": BODY}).status_code == 404


def test_posting_on_a_draft_article_is_not_found(client, reader, make_article):
    client.force_login(reader)
    draft = make_article()

    assert client.post(post_url(draft), {"body": BODY}).status_code == 404


def test_posting_faster_than_the_account_limit_is_refused_with_the_text_kept(
    signed_in, submit, article, settings
):
    settings.COMMENTS_RATE_PER_ACCOUNT = (2, 600)
    for n in range(2):
        submit(signed_in, post_url(article), post_url(article), {"body": f"Post {n}"})

    response = submit(signed_in, post_url(article), post_url(article), {"body": "One too many"})

    assert response.status_code == 429
    assert "faster than we allow" in response.content.decode()
    assert "One too many" in response.content.decode()
    assert Comment.objects.count() == 2


def test_posting_faster_than_the_address_limit_is_refused_across_accounts(
    submit, article, make_user, settings
):
    settings.COMMENTS_RATE_PER_IP = (3, 600)
    statuses = []
    for n in range(4):
        client = Client(enforce_csrf_checks=True)
        client.force_login(make_user(f"reader{n}"))
        response = submit(client, post_url(article), post_url(article), {"body": f"From {n}"})
        statuses.append(response.status_code)

    assert statuses == [302, 302, 302, 429]
    assert Comment.objects.count() == 3


def test_the_address_is_stored_only_as_a_keyed_hash(signed_in, submit, article):
    submit(
        signed_in,
        post_url(article),
        post_url(article),
        {"body": BODY},
        REMOTE_ADDR="203.0.113.9",
    )

    stored = Comment.objects.get().ip_hash
    assert len(stored) == 64
    assert "203.0.113.9" not in stored
    assert stored != hashlib.sha256(b"203.0.113.9").hexdigest()


# Replies.


def test_a_reply_form_opens_on_its_own_page_without_javascript_and_the_reply_nests(
    signed_in, article, post_comment, other_reader
):
    parent = post_comment(article, "The first word.", author=other_reader)

    page = signed_in.get(article.get_absolute_url()).content.decode()
    reply_link = f"{post_url(article)}?reply={parent.pk}"
    assert f'href="{reply_link}"' in page
    page = signed_in.get(reply_link).content.decode()
    assert "The first word." in page  # what is being answered, quoted above the form
    reply_fields = next(
        form["fields"] for form in forms_on(page) if form["fields"].get("parent") == str(parent.pk)
    )
    response = signed_in.post(post_url(article), {**reply_fields, "body": "A reply."})

    reply = Comment.objects.get(body="A reply.")
    assert response["Location"].endswith(f"#comment-{reply.pk}")
    assert (reply.parent, reply.root, reply.depth) == (parent, parent, 1)
    page = signed_in.get(article.get_absolute_url()).content.decode()
    assert page.index("The first word.") < page.index('class="comment-replies"')
    assert page.index('class="comment-replies"') < page.index("A reply.")
    assert "2 comments" in page


def test_a_reply_to_a_comment_on_another_article_is_refused(
    signed_in, article, post_comment, other_reader, make_article, editor, publisher
):
    from finextra.services import transition

    other = make_article()
    transition(obj=other, move="mark_edited", user=editor)
    transition(obj=other, move="publish", user=publisher)
    elsewhere = post_comment(other, "On another article.", author=other_reader)
    fields = form_fields(signed_in.get(post_url(article)).content.decode(), post_url(article))

    response = signed_in.post(
        post_url(article), {**fields, "body": "Misdirected.", "parent": elsewhere.pk}
    )

    assert response.status_code == 400
    assert "not shown on this article" in response.content.decode()
    assert "Misdirected." in response.content.decode()
    assert not Comment.objects.filter(body="Misdirected.").exists()


def test_a_reply_to_a_removed_comment_is_refused(
    signed_in, article, post_comment, other_reader, moderator
):
    from comments.services import comment_remove

    parent = post_comment(article, "Soon removed.", author=other_reader)
    fields = form_fields(signed_in.get(post_url(article)).content.decode(), post_url(article))
    comment_remove(comment=parent, user=moderator)

    response = signed_in.post(
        post_url(article), {**fields, "body": "Too late.", "parent": parent.pk}
    )

    assert response.status_code == 400
    assert not Comment.objects.filter(body="Too late.").exists()


def test_a_reply_to_a_comment_awaiting_moderation_is_refused(signed_in, article, post_comment):
    pending = post_comment(article, "Guest, waiting.", guest=True)
    fields = form_fields(signed_in.get(post_url(article)).content.decode(), post_url(article))

    response = signed_in.post(post_url(article), {**fields, "body": "Hi.", "parent": pending.pk})

    assert response.status_code == 400
    assert not Comment.objects.filter(body="Hi.").exists()


# Reply notifications.


def test_a_reply_emails_the_parent_author_who_asked_after_the_commit(
    signed_in, article, post_comment, other_reader, django_capture_on_commit_callbacks
):
    parent = post_comment(article, "Tell me.", author=other_reader, notify_replies=True)
    fields = form_fields(signed_in.get(post_url(article)).content.decode(), post_url(article))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        signed_in.post(post_url(article), {**fields, "body": "Here you are.", "parent": parent.pk})
        assert len(mail.outbox) == 0, "nothing is sent before the reply commits"
    for callback in callbacks:
        callback()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sasha@example.com"]
    assert "Riley Reader replied" in message.body
    assert "Here you are." in message.body
    assert "/comments/unsubscribe/" in message.body


def test_a_guests_reply_emails_the_parent_author_when_a_moderator_publishes_it(
    article, post_comment, other_reader, moderator, django_capture_on_commit_callbacks
):
    from comments.services import comment_publish

    parent = post_comment(article, "Tell me.", author=other_reader, notify_replies=True)
    with django_capture_on_commit_callbacks(execute=True):
        reply = post_comment(article, "A guest answers.", guest=True, parent=parent)
    assert mail.outbox == []  # not while it waits

    with django_capture_on_commit_callbacks(execute=True):
        comment_publish(comment=reply, user=moderator)

    assert len(mail.outbox) == 1
    assert "Gail Guest replied" in mail.outbox[0].body


def test_no_email_when_the_parent_author_did_not_ask(
    signed_in, article, post_comment, other_reader, django_capture_on_commit_callbacks
):
    parent = post_comment(article, "Quiet please.", author=other_reader, notify_replies=False)
    fields = form_fields(signed_in.get(post_url(article)).content.decode(), post_url(article))

    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(post_url(article), {**fields, "body": "Reply.", "parent": parent.pk})

    assert mail.outbox == []


def test_unsubscribe_asks_on_get_and_acts_only_on_post(client, article, post_comment, other_reader):
    from comments.services import unsubscribe_token

    parent = post_comment(article, "Tell me.", author=other_reader, notify_replies=True)
    url = f"/comments/unsubscribe/{unsubscribe_token(parent)}/"

    page = client.get(url)
    parent.refresh_from_db()
    assert page.status_code == 200
    assert "Stop reply emails?" in page.content.decode()
    assert parent.notify_replies is True

    browser = Client(enforce_csrf_checks=True)
    fields = form_fields(browser.get(url).content.decode(), "")
    response = browser.post(url, fields)
    parent.refresh_from_db()
    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    assert parent.notify_replies is False


def test_a_tampered_unsubscribe_link_is_not_found(client, db):
    assert client.get("/comments/unsubscribe/not-a-token/").status_code == 404
