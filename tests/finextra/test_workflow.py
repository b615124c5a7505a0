"""The shared workflow, through its one function: every role × move × state."""

from datetime import timedelta

import pytest
from django.utils import timezone

from finextra import roles
from finextra.models import TransitionLog
from finextra.services import history_for, transition
from finextra.workflow import State, TransitionRefused

# Who may make each move of the article table (docs/design.md, "The editorial workflow"):
# everyone else is refused.
ALLOWED = {
    "mark_edited": {roles.EDITOR},
    "send_back": {roles.EDITOR},
    "publish": {roles.PUBLISHER},
    "unpublish": {roles.PUBLISHER},
    "withdraw": {roles.PUBLISHER},
}
SOURCE = {
    "mark_edited": State.DRAFT,
    "send_back": State.EDITED,
    "publish": State.EDITED,
    "unpublish": State.PUBLISHED,
    "withdraw": State.PUBLISHED,
}
TARGET = {
    "mark_edited": State.EDITED,
    "send_back": State.DRAFT,
    "publish": State.PUBLISHED,
    "unpublish": State.DRAFT,
    "withdraw": State.DRAFT,
}


def article_in(state, make_article):
    """An article put in `state` by the workflow itself, as a superuser would."""
    from django.contrib.auth import get_user_model

    boss = get_user_model().objects.filter(username="boss").first()
    if boss is None:
        boss = get_user_model().objects.create_superuser("boss", password="pw-for-tests-123")
    article = make_article()
    if state in (State.EDITED, State.PUBLISHED):
        transition(obj=article, move="mark_edited", user=boss)
    if state == State.PUBLISHED:
        transition(obj=article, move="publish", user=boss)
    return article


@pytest.mark.parametrize("role", [*roles.ROLES, None])
@pytest.mark.parametrize("move", sorted(ALLOWED))
@pytest.mark.parametrize("state", list(State))
def test_each_role_may_make_only_its_moves_from_the_right_state(
    role, move, state, make_user, make_article
):
    user = make_user(f"user-{role or 'reader'}", role)
    article = article_in(state, make_article)
    before = (article.state, article.version, article.published_at)
    expected_ok = role in ALLOWED[move] and state == SOURCE[move]

    if expected_ok:
        transition(obj=article, move=move, user=user, note="A reason.")
        article.refresh_from_db()
        assert article.state == TARGET[move]
        entry = history_for(article).first()
        assert (entry.move, entry.actor, entry.from_state) == (move, user, state)
    else:
        with pytest.raises(TransitionRefused, match="Nothing was changed"):
            transition(obj=article, move=move, user=user, note="A reason.")
        article.refresh_from_db()
        assert (article.state, article.version, article.published_at) == before


def test_a_writer_cannot_publish_an_edited_article(writer, editor, make_article):
    article = make_article()
    transition(obj=article, move="mark_edited", user=editor)
    with pytest.raises(TransitionRefused, match="not allowed"):
        transition(obj=article, move="publish", user=writer)
    article.refresh_from_db()
    assert article.state == State.EDITED


def test_a_draft_cannot_go_straight_to_published(publisher, make_article):
    article = make_article()
    with pytest.raises(TransitionRefused, match="applies to edited items"):
        transition(obj=article, move="publish", user=publisher)
    article.refresh_from_db()
    assert article.state == State.DRAFT
    assert not TransitionLog.objects.exists()


def test_sending_back_to_draft_needs_a_note(editor, make_article):
    article = make_article()
    transition(obj=article, move="mark_edited", user=editor)
    with pytest.raises(TransitionRefused, match="needs a note"):
        transition(obj=article, move="send_back", user=editor, note="   ")
    transition(obj=article, move="send_back", user=editor, note="Check the figures.")
    assert history_for(article).first().note == "Check the figures."


def test_a_move_from_a_stale_page_is_refused(editor, writer, make_article):
    article = make_article()
    stale_version = article.version
    article.headline = "Changed by someone else"
    article.version += 1
    article.save()
    with pytest.raises(TransitionRefused, match="Someone else changed"):
        transition(obj=article, move="mark_edited", user=editor, version=stale_version)
    article.refresh_from_db()
    assert article.state == State.DRAFT


def test_publishing_sets_first_published_once_and_published_may_move(
    editor, publisher, make_article
):
    article = make_article()
    transition(obj=article, move="mark_edited", user=editor)
    transition(obj=article, move="publish", user=publisher)
    first = article.first_published_at
    assert article.published_at == first
    transition(obj=article, move="unpublish", user=publisher)
    transition(obj=article, move="mark_edited", user=editor)
    transition(obj=article, move="publish", user=publisher)
    article.refresh_from_db()
    assert article.first_published_at == first
    assert article.published_at > first


def test_a_scheduled_article_is_not_live_until_its_time(editor, publisher, make_article):
    from articles.models import Article

    article = make_article()
    transition(obj=article, move="mark_edited", user=editor)
    at = timezone.now() + timedelta(hours=3)
    transition(obj=article, move="publish", user=publisher, at=at)
    assert article.is_scheduled
    assert not Article.objects.live().filter(pk=article.pk).exists()
    assert "Scheduled for" in history_for(article).first().note

    import time_machine

    with time_machine.travel(at + timedelta(minutes=1)):
        assert Article.objects.live().filter(pk=article.pk).exists()


def test_scheduling_in_the_past_is_refused(editor, publisher, make_article):
    article = make_article()
    transition(obj=article, move="mark_edited", user=editor)
    with pytest.raises(TransitionRefused, match="future"):
        transition(
            obj=article, move="publish", user=publisher, at=timezone.now() - timedelta(days=1)
        )
    article.refresh_from_db()
    assert article.state == State.EDITED


def test_withdrawing_marks_the_article_and_republishing_clears_it(editor, publisher, live_article):
    transition(obj=live_article, move="withdraw", user=publisher, note="Legal.")
    live_article.refresh_from_db()
    assert live_article.state == State.DRAFT
    assert live_article.withdrawn_at is not None
    transition(obj=live_article, move="mark_edited", user=editor)
    transition(obj=live_article, move="publish", user=publisher)
    live_article.refresh_from_db()
    assert live_article.withdrawn_at is None


def test_an_unknown_move_is_refused(editor, make_article):
    with pytest.raises(TransitionRefused, match="no move"):
        transition(obj=make_article(), move="teleport", user=editor)


def test_an_inactive_account_can_make_no_move(editor, make_article):
    editor.is_active = False
    editor.save()
    with pytest.raises(TransitionRefused):
        transition(obj=make_article(), move="mark_edited", user=editor)


def test_history_keeps_the_entry_when_the_account_is_deleted(editor, make_article):
    article = make_article()
    transition(obj=article, move="mark_edited", user=editor)
    editor.delete()
    entry = history_for(article).get()
    assert entry.actor is None
    assert entry.to_state == State.EDITED
