"""The desk's daily moves: Publish now and Reschedule on a scheduled item, Ready for edit,
the confirmations Unpublish, Withdraw and corrections ask for, and a restore in the history."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from finextra.services import history_for, transition
from finextra.workflow import State, TransitionRefused
from sponsors.models import Slot
from tests.factories import PlacementFactory, publish

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


def local_input(moment) -> str:
    """A datetime-local field's value, in London time."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def scheduled(make_article, editor, publisher):
    article = make_article(headline="Results preview", slug="results-preview")
    when = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    return publish(article, editor=editor, publisher=publisher, at=when)


# Publish now and Reschedule.


def test_a_publisher_sees_publish_now_and_reschedule_on_a_scheduled_article(
    scheduled, publisher, editor
):
    html = signed_in(publisher).get(change_url(scheduled)).content.decode()

    assert ">Publish now</button>" in html
    assert ">Reschedule</button>" in html
    assert '<label for="at-reschedule">New date and time (London)</label>' in html
    # The field starts on the time it has now.
    assert f'value="{local_input(scheduled.published_at)}"' in html
    editors = signed_in(editor).get(change_url(scheduled)).content.decode()
    assert ">Publish now</button>" not in editors and ">Reschedule</button>" not in editors


def test_a_live_article_offers_neither(live_article, publisher):
    html = signed_in(publisher).get(change_url(live_article)).content.decode()

    assert ">Publish now</button>" not in html
    assert ">Reschedule</button>" not in html


def test_publish_now_puts_a_scheduled_article_live_without_going_back_through_draft(
    scheduled, publisher, client
):
    was = scheduled.published_at
    assert client.get(scheduled.get_absolute_url()).status_code == 404

    response = press(signed_in(publisher), scheduled, "publish_now")

    assert messages_of(response) == ["“Results preview” is live now."]
    scheduled.refresh_from_db()
    assert scheduled.state == State.PUBLISHED and scheduled.is_live
    assert scheduled.first_published_at == scheduled.published_at
    assert timezone.now() - scheduled.published_at < timedelta(minutes=1)
    entry = history_for(scheduled).first()
    assert (entry.move_label, entry.actor, entry.from_state, entry.to_state) == (
        "Publish now",
        publisher,
        State.PUBLISHED,
        State.PUBLISHED,
    )
    assert entry.note == f"Published now instead of at {timezone.localtime(was):%d %b %Y %H:%M}."
    assert client.get(scheduled.get_absolute_url()).status_code == 200


def test_reschedule_moves_the_time_only(scheduled, publisher, client):
    was = scheduled.published_at
    new = was + timedelta(days=1, hours=3)
    headline, body = scheduled.headline, scheduled.body

    response = press(signed_in(publisher), scheduled, "reschedule", at=local_input(new))

    assert messages_of(response) == [
        f"“Results preview” is scheduled for {timezone.localtime(new):%d %b %Y at %H:%M}."
    ]
    scheduled.refresh_from_db()
    assert (scheduled.state, scheduled.published_at) == (State.PUBLISHED, new)
    assert scheduled.first_published_at == new
    assert (scheduled.headline, scheduled.body) == (headline, body)
    assert history_for(scheduled).first().note == (
        f"Rescheduled from {timezone.localtime(was):%d %b %Y %H:%M} "
        f"to {timezone.localtime(new):%d %b %Y %H:%M}."
    )
    assert client.get(scheduled.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    ("fields", "refusal"),
    [
        ({"at": "2001-01-01T09:00"}, "A scheduled time must be in the future; use “Publish now”"),
        ({}, "“Reschedule” needs a date and time."),
        ({"at": "next tuesday"}, "That request was incomplete."),
    ],
)
def test_a_bad_reschedule_is_refused_and_changes_nothing(scheduled, publisher, fields, refusal):
    before = (scheduled.published_at, scheduled.version)

    response = press(signed_in(publisher), scheduled, "reschedule", **fields)

    assert refusal in messages_of(response)[0]
    assert "Nothing was changed." in messages_of(response)[0]
    scheduled.refresh_from_db()
    assert (scheduled.published_at, scheduled.version) == before


@pytest.mark.parametrize("move", ["publish_now", "reschedule"])
def test_publish_now_and_reschedule_apply_only_to_scheduled_items(live_article, publisher, move):
    at = local_input(timezone.now() + timedelta(days=1)) if move == "reschedule" else ""
    before = (live_article.published_at, live_article.version)

    response = press(signed_in(publisher), live_article, move, at=at)

    assert messages_of(response) == [
        f"“{'Publish now' if move == 'publish_now' else 'Reschedule'}” applies to scheduled "
        "items, and this article is live. Nothing was changed."
    ]
    live_article.refresh_from_db()
    assert (live_article.published_at, live_article.version) == before


def test_only_publishers_publish_now(scheduled, editor):
    with pytest.raises(TransitionRefused, match="not allowed"):
        transition(obj=scheduled, move="publish_now", user=editor)
    scheduled.refresh_from_db()
    assert scheduled.is_scheduled


def test_rescheduling_a_placement_leaves_its_booked_dates_alone(editor, publisher):
    now = timezone.now().replace(microsecond=0)
    placement = PlacementFactory(slot=Slot.HOME, starts_at=now, ends_at=now + timedelta(days=10))
    publish(placement, editor=editor, publisher=publisher, at=now + timedelta(days=1))
    assert placement.is_scheduled

    response = press(
        signed_in(publisher), placement, "reschedule", at=local_input(now + timedelta(days=3))
    )
    assert "is scheduled for" in messages_of(response)[0]
    placement.refresh_from_db()
    transition(obj=placement, move="publish_now", user=publisher)

    placement.refresh_from_db()
    assert placement.is_live
    assert (placement.starts_at, placement.ends_at) == (now, now + timedelta(days=10))
    assert [e.move for e in history_for(placement)[:2]] == ["publish_now", "reschedule"]


# Confirmations, and messages that say what happened.


def test_unpublish_asks_for_confirmation_first(live_article, publisher, client):
    desk = signed_in(publisher)
    html = desk.get(change_url(live_article)).content.decode()
    assert re.search(
        r'<input type="checkbox" name="confirm" value="on" required>\s*'
        r"Yes, take it off the site and back to draft",
        html,
    )

    refused = press(desk, live_article, "unpublish")

    assert messages_of(refused) == [
        "“Unpublish” asks you to confirm first: tick “Yes, take it off the site and back to "
        "draft”. Nothing was changed."
    ]
    live_article.refresh_from_db()
    assert live_article.is_live

    done = press(desk, live_article, "unpublish", confirm="on")

    assert messages_of(done) == [
        "“Markets rally on rate cut” is unpublished: back in draft, and its address now "
        "answers 404 Not Found."
    ]
    assert client.get(live_article.get_absolute_url()).status_code == 404


def test_withdraw_asks_for_confirmation_and_says_its_address_answers_410(
    live_article, publisher, client
):
    desk = signed_in(publisher)

    refused = press(desk, live_article, "withdraw", note="Legal letter.")
    assert "asks you to confirm first" in messages_of(refused)[0]
    assert client.get(live_article.get_absolute_url()).status_code == 200
    # The note typed is offered again.
    assert "Legal letter.</textarea>" in refused.content.decode()

    done = press(desk, live_article, "withdraw", note="Legal letter.", confirm="on")

    assert messages_of(done) == [
        "“Markets rally on rate cut” is withdrawn: its address now answers 410 Gone."
    ]
    assert client.get(live_article.get_absolute_url()).status_code == 410


# Ready for edit.


def test_a_writer_says_a_draft_is_ready_and_it_joins_the_editors_queue(
    make_article, writer, editor, publisher
):
    draft = make_article(headline="Open banking explained")
    for other in (editor, publisher):  # they sign off copy: "ready" is not theirs to say
        assert (
            ">Ready for edit</button>"
            not in signed_in(other).get(change_url(draft)).content.decode()
        )
    desk = signed_in(writer)
    assert ">Ready for edit</button>" in desk.get(change_url(draft)).content.decode()
    assert draft not in Article.objects.awaiting_edit()

    response = press(desk, draft, "ready_for_edit")

    assert messages_of(response) == [
        "“Open banking explained” is ready for edit: it is in the editors' queue."
    ]
    draft.refresh_from_db()
    assert draft.state == State.DRAFT and draft.ready_for_edit_at is not None
    assert list(Article.objects.awaiting_edit()) == [draft]
    entry = history_for(draft).first()
    assert (entry.move_label, entry.actor, entry.from_state, entry.to_state) == (
        "Ready for edit",
        writer,
        State.DRAFT,
        State.DRAFT,
    )
    html = desk.get(change_url(draft)).content.decode()
    assert ">Ready for edit</button>" not in html
    assert "ready for edit since" in html


def test_a_draft_already_ready_is_refused_a_second_time(make_article, writer):
    draft = make_article()
    transition(obj=draft, move="ready_for_edit", user=writer)
    draft.refresh_from_db()

    with pytest.raises(TransitionRefused, match="already ready for edit"):
        transition(obj=draft, move="ready_for_edit", user=writer)


def test_the_edit_and_a_send_back_clear_ready(make_article, writer, editor):
    draft = make_article()
    transition(obj=draft, move="ready_for_edit", user=writer)
    transition(obj=draft, move="mark_edited", user=editor)
    draft.refresh_from_db()
    assert draft.ready_for_edit_at is None

    transition(obj=draft, move="send_back", user=editor, note="Needs a second source.")

    draft.refresh_from_db()
    assert draft.ready_for_edit_at is None
    assert draft not in Article.objects.awaiting_edit()
    assert draft in Article.objects.being_written()


def test_a_writers_copy_change_after_the_edit_leaves_it_in_their_own_list(
    make_article, writer, editor
):
    article = make_article()
    transition(obj=article, move="ready_for_edit", user=writer)
    transition(obj=article, move="mark_edited", user=editor)

    post_change(signed_in(writer), article, standfirst="A changed standfirst.")

    article.refresh_from_db()
    assert (article.state, article.ready_for_edit_at) == (State.DRAFT, None)
    assert history_for(article).first().move == "copy_changed"
    assert article in Article.objects.being_written()


def test_ready_for_edit_cannot_be_set_through_the_form(make_article, writer):
    draft = make_article()
    client = signed_in(writer)
    token = csrf_token(client, change_url(draft))
    data = {"csrfmiddlewaretoken": token, **form_data(draft), "ready_for_edit_at": "2030-01-01"}

    client.post(change_url(draft), data)

    draft.refresh_from_db()
    assert draft.ready_for_edit_at is None


# The history: restores, and a panel that starts closed.


def test_saving_a_restored_copy_is_recorded_as_restored_from_n(make_article, writer):
    article = make_article(headline="First headline")
    client = signed_in(writer)
    post_change(client, article, headline="Second headline")
    post_change(client, article, headline="Third headline")
    from finextra.services import revisions_for

    first = revisions_for(article).order_by("at", "id").first()
    restore_url = reverse("admin:articles_article_revision_restore", args=[article.pk, first.pk])
    page = client.get(restore_url).content.decode()
    assert 'value="Second headline"' in page
    assert f'name="restored_from" value="{first.pk}"' in page

    post_change(client, article, headline="Second headline", restored_from=first.pk)

    entry = history_for(article).first()
    assert entry.move_label == "Restored an earlier copy"
    assert entry.note.startswith(f"Restored revision {first.version} (the copy saved ")
    assert "Restored revision" in client.get(change_url(article)).content.decode()


def test_a_restored_from_of_another_item_records_nothing(make_article, writer):
    article, other = make_article(), make_article()
    client = signed_in(writer)
    post_change(client, other, headline="Other")
    from finextra.services import revisions_for

    foreign = revisions_for(other).first()

    post_change(client, article, headline="Changed", restored_from=foreign.pk)

    assert "restore_revision" not in [entry.move for entry in history_for(article)]


def test_the_history_panel_starts_closed(make_article, writer):
    article = make_article()
    post_change(signed_in(writer), article, headline="Saved once")

    html = signed_in(writer).get(change_url(article)).content.decode()

    assert '<details class="workflow-history">' in html
    assert "<summary>History</summary>" in html


@pytest.mark.parametrize("malformed", ["abc", "1.5", "99999999999999999999999"])
def test_a_move_posted_to_a_malformed_address_is_a_404_and_changes_nothing(
    live_article, publisher, malformed
):
    client = signed_in(publisher)
    token = csrf_token(client, change_url(live_article))
    url = transition_url(live_article).replace(f"/{live_article.pk}/", f"/{malformed}/")
    data = {"csrfmiddlewaretoken": token, "move": "unpublish", "version": live_article.version}

    assert client.post(url, {**data, "confirm": "on"}).status_code == 404
    live_article.refresh_from_db()
    assert live_article.is_live
