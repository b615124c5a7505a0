"""Two people saving the same item at the same moment, over HTTP, each in a thread with its own
database connection: nobody is told "saved" while their work is lost, a move made meanwhile
stands, and what other services wrote (corrections) survives a save.

These run on whichever database the run uses: on PostgreSQL (READ COMMITTED) they are what
catches a version check made outside the row's lock; on SQLite (IMMEDIATE transactions) they
hold the same promises."""

import contextlib
import threading
import time

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from articles.corrections import correction_publish
from comments.models import Comment
from comments.services import comment_moderate, comment_post
from finextra import roles
from finextra.admin import EditorialForm
from finextra.models import Revision
from finextra.services import history_for, transition
from finextra.workflow import State, TransitionRefused
from tests.browser_forms import change_form
from tests.factories import PlacementFactory

STALE = "Someone else saved this"
pytestmark = pytest.mark.django_db(transaction=True)


def change_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def open_form(user, obj) -> tuple[Client, dict]:
    """Sign in as `user` and open `obj`'s change form: the client and what the form would post."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    page = client.get(change_url(obj))
    assert page.status_code == 200, page.status_code
    return client, change_form(page.content.decode(), obj._meta.model_name)


def in_threads(*jobs):
    """Run each job in its own thread (own connection), all released at once; their results."""
    start = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(index, job):
        start.wait()
        try:
            results[index] = job()
        except Exception as error:  # reported by the test, not lost in the thread
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a save never finished"
    return results


@pytest.fixture
def checks_meet(monkeypatch):
    """Each save pauses (up to a second) just after its version check, until the other save
    reaches the same point: the window in which a check made outside the row's lock lets both
    saves through. Under the lock the second cannot get there, so the first goes on alone."""
    meeting = threading.Barrier(2)
    checked = EditorialForm.clean

    def clean_then_meet(form):
        cleaned = checked(form)
        with contextlib.suppress(threading.BrokenBarrierError):
            meeting.wait(timeout=1)
        return cleaned

    monkeypatch.setattr(EditorialForm, "clean", clean_then_meet)


@pytest.fixture
def save_pauses_after_its_check(monkeypatch):
    """The save stops just after its version check until `release` is set (or 2 s pass)."""
    checked_event, release = threading.Event(), threading.Event()
    checked = EditorialForm.clean

    def clean_then_wait(form):
        cleaned = checked(form)
        checked_event.set()
        release.wait(timeout=2)
        return cleaned

    monkeypatch.setattr(EditorialForm, "clean", clean_then_wait)
    return checked_event, release


def _article(make_article, editor, publisher, *, live):
    article = make_article(headline="The opening headline")
    transition(obj=article, move="mark_edited", user=editor)
    if live:
        transition(obj=article, move="publish", user=publisher)
    article.refresh_from_db()
    return article


def _placement(editor):
    placement = PlacementFactory(title="The opening title")
    transition(obj=placement, move="mark_edited", user=editor)
    placement.refresh_from_db()
    return placement


def _comment(article, author):
    return comment_post(article=article, body="The opening comment.", author=author)


@pytest.mark.parametrize("kind", ["article", "placement", "comment"])
def test_two_people_saving_at_once_one_wins_and_the_other_is_refused_with_their_text_kept(
    kind, checks_meet, make_article, make_user, editor, publisher, reader
):
    if kind == "article":
        obj, field = _article(make_article, editor, publisher, live=False), "headline"
        people = [editor, make_user("editor2", roles.EDITOR)]
    elif kind == "placement":
        obj, field = _placement(editor), "title"
        people = [editor, make_user("editor2", roles.EDITOR)]
    else:
        live = _article(make_article, editor, publisher, live=True)
        obj, field = _comment(live, reader), "body"
        people = [make_user("mod1", roles.MODERATOR), make_user("mod2", roles.MODERATOR)]
    seen = obj.version
    revisions = Revision.objects.count()
    opened = [open_form(person, obj) for person in people]
    texts = [f"Text typed by person {n}" for n in (1, 2)]

    def save(n):
        client, data = opened[n]
        return client.post(change_url(obj), {**data, field: [texts[n]]})

    responses = in_threads(lambda: save(0), lambda: save(1))

    assert sorted(r.status_code for r in responses) == [200, 302], responses
    winner = next(n for n, r in enumerate(responses) if r.status_code == 302)
    loser = 1 - winner
    refused = responses[loser].content.decode()
    assert STALE in refused
    assert texts[loser] in refused  # what they typed is still in the form
    obj.refresh_from_db()
    assert getattr(obj, field) == texts[winner]
    assert obj.version == seen + 1
    assert Revision.objects.count() == revisions + 1


def test_a_publish_made_while_a_save_is_on_its_way_stands(make_article, editor, publisher):
    article = _article(make_article, editor, publisher, live=False)
    seen = article.version
    client, data = open_form(editor, article)
    publishing = threading.Event()

    def publish():
        with transaction.atomic():
            transition(obj=article, move="publish", user=publisher, version=seen)
            publishing.set()
            # The save arrives while the publish is not yet committed.
            time.sleep(0.5)
        return "published"

    def save():
        publishing.wait(timeout=10)
        return client.post(change_url(article), {**data, "headline": ["The editor's headline"]})

    published, saved = in_threads(publish, save)

    assert published == "published"
    assert saved.status_code == 200
    assert STALE in saved.content.decode()
    assert "The editor&#x27;s headline" in saved.content.decode()
    article.refresh_from_db()
    assert article.state == State.PUBLISHED and article.is_live
    assert article.headline == "The opening headline"
    assert [entry.move for entry in history_for(article)][:1] == ["publish"]


def test_a_publish_asked_for_while_a_save_holds_the_row_is_refused_and_the_save_stands(
    make_article, editor, publisher, save_pauses_after_its_check
):
    checked, release = save_pauses_after_its_check
    article = _article(make_article, editor, publisher, live=False)
    seen = article.version
    client, data = open_form(editor, article)

    def save():
        return client.post(change_url(article), {**data, "headline": ["The editor's headline"]})

    def publish():
        checked.wait(timeout=10)
        threading.Timer(0.5, release.set).start()
        try:
            transition(obj=article, move="publish", user=publisher, version=seen)
        except TransitionRefused as refusal:
            return str(refusal)
        return "published"

    saved, published = in_threads(save, publish)

    article.refresh_from_db()
    # Whatever the order, what each person was told is what happened.
    if published == "published":
        assert saved.status_code == 200 and STALE in saved.content.decode()
        assert article.state == State.PUBLISHED and article.headline == "The opening headline"
    else:
        assert "Someone else changed" in published
        assert saved.status_code == 302
        assert (article.state, article.headline) == (State.EDITED, "The editor's headline")
        assert "publish" not in [entry.move for entry in history_for(article)]


def test_a_correction_published_while_the_copy_is_edited_keeps_both(
    make_article, editor, publisher
):
    article = _article(make_article, editor, publisher, live=True)
    client, data = open_form(editor, article)
    correcting = threading.Event()

    def correct():
        with transaction.atomic():
            correction_publish(article=article, note="The rate was 4.5%, not 5%.", user=publisher)
            correcting.set()
            time.sleep(0.5)
        return "corrected"

    def save():
        correcting.wait(timeout=10)
        return client.post(change_url(article), {**data, "standfirst": ["A sharper standfirst."]})

    corrected, saved = in_threads(correct, save)

    assert corrected == "corrected"
    assert saved.status_code == 302, saved.content.decode()[:2000]
    article.refresh_from_db()
    assert article.standfirst == "A sharper standfirst."
    assert [c.note for c in article.correction_list] == ["The rate was 4.5%, not 5%."]
    assert article.state == State.PUBLISHED


def test_a_copy_edit_saved_while_a_correction_is_published_keeps_both(
    make_article, editor, publisher, save_pauses_after_its_check
):
    checked, release = save_pauses_after_its_check
    article = _article(make_article, editor, publisher, live=True)
    client, data = open_form(editor, article)

    def save():
        return client.post(change_url(article), {**data, "standfirst": ["A sharper standfirst."]})

    def correct():
        checked.wait(timeout=10)
        threading.Timer(0.5, release.set).start()
        correction_publish(article=article, note="The rate was 4.5%, not 5%.", user=publisher)
        return "corrected"

    saved, corrected = in_threads(save, correct)

    assert corrected == "corrected"
    assert saved.status_code == 302
    article.refresh_from_db()
    assert article.standfirst == "A sharper standfirst."
    assert [c.note for c in article.correction_list] == ["The rate was 4.5%, not 5%."]


def test_a_comment_taken_back_while_a_moderator_saves_it_stays_taken_back(
    make_article, make_user, editor, publisher, reader
):
    live = _article(make_article, editor, publisher, live=True)
    comment = _comment(live, reader)
    first, second = make_user("mod1", roles.MODERATOR), make_user("mod2", roles.MODERATOR)
    client, data = open_form(first, comment)

    comment_moderate(comment=Comment.objects.get(pk=comment.pk), move="unpublish", user=second)

    refused = client.post(change_url(comment), {**data, "body": ["Tidied text."]})

    assert refused.status_code == 200 and STALE in refused.content.decode()
    comment.refresh_from_db()
    assert (comment.state, comment.body) == (State.DRAFT, "The opening comment.")
