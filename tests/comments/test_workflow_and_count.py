"""Comments through the shared workflow: who may make which move, the article's count kept in
the same transaction as every change, and 20 readers posting at once."""

import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone

from articles.models import Article
from comments.models import Comment
from comments.services import (
    CommentRefused,
    comment_edit,
    comment_moderate,
    comment_publish,
    comment_remove,
)
from finextra import roles, workflow
from finextra.services import history_for, transition
from finextra.workflow import State, TransitionRefused

from .conftest import form_fields, post_url


def count_of(article) -> int:
    return Article.objects.values_list("comment_count", flat=True).get(pk=article.pk)


def version_of(article) -> int:
    return Article.objects.values_list("version", flat=True).get(pk=article.pk)


def test_comment_is_a_registered_editorial_model():
    assert Comment in workflow.registered_models()


def test_a_moderator_publishes_a_guests_comment(live_article, moderator, post_comment):
    comment = post_comment(live_article, guest=True)

    comment_publish(comment=comment, user=moderator)

    comment.refresh_from_db()
    assert comment.state == State.PUBLISHED
    assert [entry.move for entry in history_for(comment)] == ["publish"]
    assert history_for(comment)[0].actor == moderator


def test_an_editor_may_moderate(live_article, editor, post_comment):
    comment = post_comment(live_article, guest=True)

    comment_publish(comment=comment, user=editor)

    assert Comment.objects.get(pk=comment.pk).state == State.PUBLISHED


@pytest.mark.parametrize("role", [roles.WRITER, roles.PUBLISHER, roles.COMMERCIAL, None])
def test_others_cannot_moderate_and_nothing_changes(live_article, make_user, post_comment, role):
    user = make_user("someone", role)
    comment = post_comment(live_article, guest=True)

    with pytest.raises(TransitionRefused):
        comment_publish(comment=comment, user=user)

    assert Comment.objects.get(pk=comment.pk).state == State.DRAFT
    assert count_of(live_article) == 0


def test_a_commenter_cannot_publish_their_comment_again_once_taken_back(
    live_article, reader, moderator, post_comment
):
    Article.objects.filter(pk=live_article.pk).update(comment_mode="premoderated")
    comment = post_comment(live_article, author=reader)
    Article.objects.filter(pk=live_article.pk).update(comment_mode="open")

    comment = Comment.objects.get(pk=comment.pk)
    transition(obj=comment, move="publish_on_posting", user=reader, automatic=True)
    # A moderator's take-back is final for the author: the rule holds only before publication.
    comment_moderate(comment=comment, move="unpublish", user=moderator)

    with pytest.raises(TransitionRefused):
        transition(
            obj=Comment.objects.get(pk=comment.pk),
            move="publish_on_posting",
            user=reader,
            automatic=True,
        )


def test_a_moderator_edits_then_marks_edited_then_publishes(live_article, moderator, post_comment):
    comment = post_comment(live_article, guest=True)

    comment_moderate(comment=comment, move="mark_edited", user=moderator)
    assert count_of(live_article) == 0
    comment_publish(comment=comment, user=moderator)

    assert Comment.objects.get(pk=comment.pk).state == State.PUBLISHED
    assert count_of(live_article) == 1


def test_a_stale_move_changes_nothing(live_article, moderator, post_comment):
    comment = post_comment(live_article, guest=True)
    seen = comment.version
    comment_publish(comment=Comment.objects.get(pk=comment.pk), user=moderator)

    with pytest.raises(TransitionRefused, match="Someone else changed"):
        comment_moderate(comment=comment, move="unpublish", user=moderator, version=seen)


# The article's count.


def test_the_count_follows_publish_take_back_remove_and_leaves_the_version(
    live_article, reader, moderator, post_comment
):
    version = version_of(live_article)

    comment = post_comment(live_article, author=reader)
    assert count_of(live_article) == 1
    reply = post_comment(live_article, author=reader, parent=comment)
    assert count_of(live_article) == 2
    comment_moderate(comment=reply, move="unpublish", user=moderator)
    assert count_of(live_article) == 1
    comment_publish(comment=Comment.objects.get(pk=reply.pk), user=moderator)
    assert count_of(live_article) == 2
    comment_remove(comment=comment, user=moderator)
    assert count_of(live_article) == 1  # a tombstone is not counted
    guest = post_comment(live_article, guest=True)
    assert count_of(live_article) == 1
    comment_remove(comment=guest, user=moderator)
    assert count_of(live_article) == 1

    assert version_of(live_article) == version


def test_an_author_deleting_their_comment_takes_it_off_the_count(
    live_article, reader, post_comment
):
    comment = post_comment(live_article, author=reader)

    comment_remove(comment=comment, user=reader, by_author=True)

    assert count_of(live_article) == 0
    assert [entry.move for entry in history_for(comment)] == [
        "deleted_by_author",
        "publish_on_posting",
    ]


def test_a_reader_cannot_delete_someone_elses_comment(
    live_article, reader, other_reader, post_comment
):
    comment = post_comment(live_article, author=other_reader)

    with pytest.raises(CommentRefused):
        comment_remove(comment=comment, user=reader, by_author=True)

    assert Comment.objects.get(pk=comment.pk).removed_at is None


# Editing.


def test_an_author_edit_within_the_window_is_marked_and_stays_live(
    live_article, reader, post_comment
):
    comment = post_comment(live_article, "Frist!", author=reader)

    comment_edit(comment=comment, user=reader, body="First!")

    comment.refresh_from_db()
    assert (comment.body, comment.state) == ("First!", State.PUBLISHED)
    assert comment.edited_at is not None
    assert comment.body_html == "<p>First!</p>"
    assert count_of(live_article) == 1


def test_an_author_edit_on_a_premoderated_article_goes_back_to_moderation(
    live_article, reader, moderator, post_comment
):
    Article.objects.filter(pk=live_article.pk).update(comment_mode="premoderated")
    comment = post_comment(live_article, "Original", author=reader)
    comment_publish(comment=comment, user=moderator)
    assert count_of(live_article) == 1

    comment_edit(comment=Comment.objects.get(pk=comment.pk), user=reader, body="Sneaky edit")

    comment.refresh_from_db()
    assert comment.state == State.DRAFT
    assert count_of(live_article) == 0
    assert history_for(comment)[0].move == "author_changed"


def test_editing_after_the_window_is_refused(live_article, reader, post_comment, time_machine):
    comment = post_comment(live_article, "Original", author=reader)
    time_machine.move_to(timezone.now() + timedelta(minutes=16))

    with pytest.raises(CommentRefused):
        comment_edit(comment=comment, user=reader, body="Too late")

    assert Comment.objects.get(pk=comment.pk).body == "Original"


def test_the_edit_page_edits_within_the_window(live_article, reader, post_comment, submit):
    comment = post_comment(live_article, "Typo hree", author=reader)
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)

    response = submit(client, f"/comments/{comment.pk}/edit/", "", {"body": "Typo here"})

    assert response.status_code == 302
    page = client.get(live_article.get_absolute_url()).content.decode()
    assert "Typo here" in page
    assert '<span class="comment-edited">edited</span>' in page


def test_nobody_else_can_open_the_edit_page(
    client, live_article, other_reader, post_comment, reader
):
    comment = post_comment(live_article, "Mine", author=reader)
    client.force_login(other_reader)

    assert client.get(f"/comments/{comment.pk}/edit/").status_code == 404
    assert client.post(f"/comments/{comment.pk}/delete/").status_code == 404


# Twenty readers at once.


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_posts_from_twenty_accounts_all_land_once(
    live_article, make_user, settings
):
    clients = []
    for n in range(20):
        client = Client(enforce_csrf_checks=True)
        client.force_login(make_user(f"concurrent{n}"))
        page = client.get(live_article.get_absolute_url()).content.decode()
        clients.append((client, form_fields(page, post_url(live_article))))
    barrier = threading.Barrier(20)
    statuses: list[int] = []
    lock = threading.Lock()

    def post(n):
        client, fields = clients[n]
        try:
            barrier.wait()
            response = client.post(post_url(live_article), {**fields, "body": f"Post {n}"})
            with lock:
                statuses.append(response.status_code)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=post, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(statuses) == [302] * 20
    bodies = sorted(Comment.objects.values_list("body", flat=True))
    assert bodies == sorted(f"Post {n}" for n in range(20))
    assert count_of(live_article) == 20
