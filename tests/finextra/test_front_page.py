"""The admin's front page: every queue that waits for the signed-in person, across articles,
placements and comments, each with a capped count and a link to the list filtered to it."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Author
from comments.models import Comment
from comments.services import comment_post, comment_report
from finextra.services import transition
from tests.articles.helpers import post_change, signed_in
from tests.factories import PlacementFactory, publish


def queue_counts(html: str) -> dict[str, str]:
    found = re.findall(
        r'<h2 id="queue-[a-z_-]+">([^<]+) <span class="desk-count">([0-9+]+)</span>', html
    )
    return dict(found)


def front_page(user) -> str:
    return signed_in(user).get(reverse("admin:index")).content.decode()


def make_placement(title):
    now = timezone.now()
    return PlacementFactory(
        title=title, starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=8)
    )


@pytest.fixture(autouse=True)
def _guests_may_comment(settings):
    settings.COMMENTS_ALLOW_GUESTS = True


@pytest.fixture
def desk(make_article, writer, editor, publisher, commercial, reader):
    """Something in every queue: articles being written, ready, edited and scheduled;
    placements being booked, ready and checked; held and reported comments."""
    Author.objects.create(name="Wendy Writer", slug="wendy", user=writer)
    writing = make_article(headline="Fintech mergers draft")
    writing.authors.add(Author.objects.get(user=writer))
    someone_elses = make_article(headline="Another writer's draft")
    ready = make_article(headline="Ready for the subs")
    transition(obj=ready, move="ready_for_edit", user=writer)
    edited = make_article(headline="Edited and waiting")
    transition(obj=edited, move="mark_edited", user=editor)
    scheduled = make_article(headline="Goes live tomorrow")
    publish(scheduled, editor=editor, publisher=publisher, at=timezone.now() + timedelta(1))
    live = make_article(headline="Live with comments", comment_mode="open")
    publish(live, editor=editor, publisher=publisher)

    booking = make_placement("Booking in progress")
    ready_placement = make_placement("Webinar ready for check")
    transition(obj=ready_placement, move="ready_for_edit", user=commercial)
    checked = make_placement("Checked study")
    transition(obj=checked, move="mark_edited", user=editor)

    held = comment_post(
        article=live,
        body="Words from a guest",
        author=None,
        guest_name="Gail",
        guest_email="g@x.io",
    )
    rude = comment_post(article=live, body="Something rude", author=reader)
    comment_report(comment=rude, reporter=editor, reason="abuse")
    return {
        "writing": writing,
        "someone_elses": someone_elses,
        "ready": ready,
        "edited": edited,
        "scheduled": scheduled,
        "booking": booking,
        "ready_placement": ready_placement,
        "checked": checked,
        "held": held,
        "rude": rude,
    }


@pytest.mark.parametrize(
    ("role", "queues"),
    [
        ("writer", {"Your drafts": "1"}),
        (
            "editor",
            {
                "Awaiting edit": "1",
                "Reported comments": "1",
                "Comments awaiting moderation": "1",
                "Placements awaiting check": "1",
            },
        ),
        (
            "publisher",
            {"Ready to publish": "1", "Scheduled": "1", "Placements awaiting publication": "1"},
        ),
        ("commercial", {"Placement drafts": "1"}),
        ("moderator", {"Reported comments": "1", "Comments awaiting moderation": "1"}),
    ],
)
def test_each_role_sees_the_queues_that_wait_for_it_with_their_counts(request, desk, role, queues):
    html = front_page(request.getfixturevalue(role))

    assert queue_counts(html) == queues


def test_the_editors_queue_holds_ready_drafts_and_the_writer_keeps_the_rest(desk, writer, editor):
    editors = front_page(editor)
    writers = front_page(writer)

    assert "Ready for the subs" in editors
    assert "Fintech mergers draft" not in editors
    assert "Fintech mergers draft" in writers
    assert "Another writer's draft" not in writers


def test_a_writers_saved_draft_joins_their_own_list(desk, writer):
    post_change(signed_in(writer), desk["someone_elses"], standfirst="Rewritten by Wendy.")

    assert queue_counts(front_page(writer)) == {"Your drafts": "2"}


@pytest.mark.parametrize(
    ("role", "link", "shown", "not_shown"),
    [
        (
            "editor",
            "/admin/articles/article/?queue=awaiting_edit",
            "Ready for the subs",
            "Edited and waiting",
        ),
        ("publisher", "/admin/articles/article/?queue=ready_to_publish", "Edited and", "Ready f"),
        (
            "publisher",
            "/admin/articles/article/?queue=scheduled",
            "Goes live tomorrow",
            "Edited and waiting",
        ),
        ("writer", "/admin/articles/article/?queue=mine", "Fintech mergers draft", "Ready for"),
        (
            "editor",
            "/admin/sponsors/placement/?queue=awaiting_check",
            "Webinar ready for check",
            "Booking in progress",
        ),
        (
            "publisher",
            "/admin/sponsors/placement/?queue=awaiting_publication",
            "Checked study",
            "Webinar ready",
        ),
        ("moderator", "/admin/comments/comment/?queue=reported", "Something rude", "Words from"),
        (
            "moderator",
            "/admin/comments/comment/?queue=awaiting",
            "Words from a guest",
            "Something r",
        ),
    ],
)
def test_each_queues_link_opens_its_list_filtered_to_it(
    request, desk, role, link, shown, not_shown
):
    client = signed_in(request.getfixturevalue(role))
    assert f'href="{link}"' in client.get(reverse("admin:index")).content.decode()

    html = client.get(link).content.decode()

    assert shown in html
    assert not_shown not in html


def test_counts_stop_at_99_plus(desk, make_article, writer, editor):
    for n in range(101):
        article = make_article(headline=f"Batch story {n}")
        transition(obj=article, move="ready_for_edit", user=writer)

    assert queue_counts(front_page(editor))["Awaiting edit"] == "99+"


def test_the_front_page_costs_a_fixed_number_of_queries_however_full_the_queues(
    desk, make_article, writer, editor
):
    client = signed_in(editor)
    live = desk["rude"].article

    def fill(n):
        for i in range(n):
            transition(obj=make_article(headline=f"More {i}"), move="ready_for_edit", user=writer)
            comment_post(article=live, body=f"Held {i}", guest_name="G", guest_email="g@x.io")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("admin:index")).status_code == 200
        return len(captured)

    fill(6)
    client.get(reverse("admin:index"))
    before = queries()
    fill(30)

    assert Comment.objects.awaiting_moderation().count() == 37
    assert queries() == before
    # Session and user, the editor's permissions, the admin's app list, and per queue its
    # first items and (when there are more than those) one capped count.
    assert before <= 5 + 2 * 5


def test_staff_with_no_desk_role_see_no_queues(desk, make_user):
    staffer = make_user("staffer")
    staffer.is_staff = True
    staffer.save()

    html = front_page(staffer)

    assert queue_counts(html) == {}
    assert "Ready for the subs" not in html


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")
def test_every_queues_count_is_served_by_an_index(desk, editor, writer, publisher, commercial):
    """Each count reads an index, never the whole table (sequential scans priced out, as they
    would be on a big table)."""
    from finextra.queues import queues_for

    people = (editor, writer, publisher, commercial)
    waiting = {queue: user for user in people for queue in queues_for(user)}
    assert len(waiting) == 9, [queue.title for queue in waiting]
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            counts = [q.items(u).order_by()[:100].query for q, u in waiting.items()]
            # The comment queue as it opens counts everything waiting for a moderator.
            counts.append(Comment.objects.waiting().order_by().query)
            for query in counts:
                sql, params = query.sql_with_params()
                cursor.execute(f"EXPLAIN SELECT COUNT(*) FROM ({sql}) AS capped", params)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                assert "Seq Scan" not in plan, plan
        finally:
            cursor.execute("SET enable_seqscan = on")
