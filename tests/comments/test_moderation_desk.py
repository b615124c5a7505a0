"""The moderation desk in the admin: the queue, bulk Publish and Remove through the workflow,
reports on top, filters, search, commenter history, picks, and who may use it."""

import re
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.models import Comment
from comments.services import comment_remove, comment_report
from finextra import roles
from finextra.workflow import State

QUEUE = "/admin/comments/comment/"


def queue_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'name="_selected_action" value="(\d+)"', html)]


def action(client, name, comments):
    page = client.get(QUEUE)
    token = page.cookies.get("csrftoken") or client.cookies["csrftoken"]
    return client.post(
        QUEUE,
        {
            "action": name,
            "_selected_action": [c.pk for c in comments],
            "csrfmiddlewaretoken": token.value,
        },
        follow=True,
    )


@pytest.fixture
def desk(moderator):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)
    return client


def test_the_queue_lists_newest_first_with_reported_comments_on_top(
    desk, live_article, reader, other_reader, post_comment
):
    older = post_comment(live_article, "Older", author=reader)
    reported = post_comment(live_article, "Reported", author=reader)
    newer = post_comment(live_article, "Newer", guest=True)
    comment_report(comment=older, reporter=other_reader, reason="abuse")

    page = desk.get(QUEUE + "?queue=all").content.decode()

    assert queue_ids(page) == [older.pk, newer.pk, reported.pk]
    assert "1 reported" in page
    # Article, author and full text on the row.
    assert live_article.headline in page
    assert "Gail Guest" in page and "(guest)" in page


def test_the_queue_shows_the_full_text(desk, live_article, reader, post_comment):
    long_body = "Long argument. " * 200
    post_comment(live_article, long_body.strip(), author=reader)

    assert long_body.strip() in desk.get(QUEUE + "?queue=all").content.decode()


def test_bulk_publish_goes_through_the_workflow(desk, live_article, moderator, post_comment):
    guests = [post_comment(live_article, f"Guest {n}", guest=True) for n in range(3)]

    response = action(desk, "publish", guests)

    assert "3 comment(s) published." in response.content.decode()
    assert set(Comment.objects.values_list("state", flat=True)) == {State.PUBLISHED}
    assert live_article.__class__.objects.get(pk=live_article.pk).comment_count == 3
    from finextra.services import history_for

    assert history_for(guests[0])[0].actor == moderator


def test_bulk_publish_reports_what_it_refused_and_publishes_the_rest(
    desk, live_article, reader, post_comment
):
    live = post_comment(live_article, "Already live", author=reader)
    waiting = post_comment(live_article, "Waiting", guest=True)

    response = action(desk, "publish", [live, waiting])

    content = response.content.decode()
    assert "1 comment(s) published." in content
    assert f"#{live.pk}:" in content
    assert Comment.objects.get(pk=waiting.pk).state == State.PUBLISHED


def test_bulk_remove_keeps_the_rows_and_records_why(desk, live_article, reader, post_comment):
    comments = [post_comment(live_article, f"Spam {n}", author=reader) for n in range(2)]

    response = action(desk, "remove", comments)

    assert "2 comment(s) removed." in response.content.decode()
    assert Comment.objects.filter(removed_at__isnull=False).count() == 2
    assert live_article.__class__.objects.get(pk=live_article.pk).comment_count == 0


def test_acting_on_a_reported_comment_settles_its_reports(
    desk, live_article, reader, other_reader, post_comment
):
    comment = post_comment(live_article, "Rude", author=reader)
    comment_report(comment=comment, reporter=other_reader, reason="abuse")

    action(desk, "remove", [comment])

    assert Comment.objects.get(pk=comment.pk).open_reports == 0


def test_filters_by_state_article_and_reports(
    desk, live_article, reader, other_reader, post_comment
):
    live = post_comment(live_article, "Live", author=reader)
    waiting = post_comment(live_article, "Waiting", guest=True)
    comment_report(comment=live, reporter=other_reader, reason="spam")

    assert queue_ids(desk.get(QUEUE, {"state__exact": "draft"}).content.decode()) == [waiting.pk]
    assert queue_ids(desk.get(QUEUE, {"queue": "reported"}).content.decode()) == [live.pk]
    by_article = desk.get(QUEUE, {"article__id__exact": live_article.pk}).content.decode()
    assert sorted(queue_ids(by_article)) == sorted([live.pk, waiting.pk])
    assert queue_ids(desk.get(QUEUE, {"commenter": "guest"}).content.decode()) == [waiting.pk]


def test_search_finds_text_and_commenters(desk, live_article, reader, post_comment):
    wanted = post_comment(live_article, "Mentions settlement fails", author=reader)
    post_comment(live_article, "Something else", guest=True)

    assert queue_ids(desk.get(QUEUE, {"q": "settlement"}).content.decode()) == [wanted.pk]
    assert queue_ids(desk.get(QUEUE, {"q": "Riley"}).content.decode()) == [wanted.pk]


def test_each_commenters_history_is_on_their_rows(
    desk, live_article, reader, moderator, post_comment
):
    for n in range(3):
        post_comment(live_article, f"Fine {n}", author=reader)
    bad = post_comment(live_article, "Bad", author=reader)
    comment_remove(comment=bad, user=moderator)

    page = desk.get(QUEUE, {"queue": "all"}).content.decode()

    assert "3 published, 1 removed" in page
    assert f"?author__id__exact={reader.pk}" in page
    assert len(queue_ids(desk.get(QUEUE, {"author__id__exact": reader.pk}).content.decode())) == 4


def test_an_editor_pins_an_editors_pick_and_a_moderator_cannot(
    live_article, reader, editor, moderator, post_comment
):
    from django.test import Client

    comment = post_comment(live_article, "Insightful", author=reader)
    moderator_client = Client()
    moderator_client.force_login(moderator)
    moderator_page = moderator_client.get(QUEUE).content.decode()
    assert 'value="pick"' not in moderator_page

    editor_client = Client()
    editor_client.force_login(editor)
    response = action(editor_client, "pick", [comment])

    assert "pinned as Editor’s pick" in response.content.decode()
    assert Comment.objects.get(pk=comment.pk).editors_pick is True


@pytest.mark.parametrize("role", [roles.WRITER, roles.PUBLISHER, roles.COMMERCIAL])
def test_writers_and_others_cannot_open_the_desk(client, make_user, role, live_article):
    client.force_login(make_user("someone", role))

    assert client.get(QUEUE).status_code == 403


def test_nobody_deletes_comment_rows_from_the_admin(desk, live_article, reader, post_comment):
    comment = post_comment(live_article, "Keep me", author=reader)

    page = desk.get(QUEUE).content.decode()

    assert 'value="delete_selected"' not in page
    assert desk.get(f"{QUEUE}{comment.pk}/delete/").status_code == 403


def test_the_workflow_panel_publishes_a_guest_comment(desk, live_article, post_comment):
    comment = post_comment(live_article, "Guest words", guest=True)
    page = desk.get(f"{QUEUE}{comment.pk}/change/")
    assert "Publish" in page.content.decode()

    response = desk.post(
        f"{QUEUE}{comment.pk}/transition/",
        {
            "move": "publish",
            "version": comment.version,
            "csrfmiddlewaretoken": desk.cookies["csrftoken"].value,
        },
    )

    assert response.status_code == 302
    assert Comment.objects.get(pk=comment.pk).state == State.PUBLISHED
    assert live_article.__class__.objects.get(pk=live_article.pk).comment_count == 1


def test_the_queue_is_one_page_load_with_10000_comments(desk, live_article, reader):
    now = timezone.now()
    Comment.objects.bulk_create(
        Comment(
            article=live_article,
            author=reader if n % 3 else None,
            guest_name="" if n % 3 else f"Guest {n}",
            guest_email="" if n % 3 else "g@example.com",
            body=f"Comment number {n}",
            body_html=f"<p>Comment number {n}</p>",
            state=State.PUBLISHED if n % 2 else State.DRAFT,
            published_at=now if n % 2 else None,
            open_reports=1 if n % 1000 == 0 else 0,
        )
        for n in range(10_000)
    )
    desk.get(QUEUE)
    with CaptureQueriesContext(connection) as few:
        desk.get(QUEUE, {"p": "1"})

    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        response = desk.get(QUEUE)
    elapsed = time.perf_counter() - start

    assert response.status_code == 200
    assert len(queue_ids(response.content.decode())) == 50
    assert len(queries) == len(few.captured_queries)
    assert len(queries) <= 12, [q["sql"][:120] for q in queries.captured_queries]
    assert elapsed < 3, f"the queue took {elapsed:.2f}s"


def test_the_workflow_panel_moderates_once_reports_settled_and_one_reply_email(
    desk,
    live_article,
    reader,
    other_reader,
    post_comment,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """The panel goes through the moderation service: the move, the reports settled and the
    reply's email happen once, in one transaction (nothing repeated outside it)."""
    parent = post_comment(live_article, "Ask me anything", author=reader, notify_replies=True)
    live_article.__class__.objects.filter(pk=live_article.pk).update(comment_mode="premoderated")
    reply = post_comment(live_article, "A reply", author=other_reader, parent=parent)
    comment_report(comment=parent, reporter=other_reader, reason="spam")
    Comment.objects.filter(pk=reply.pk).update(open_reports=2)
    desk.get(f"{QUEUE}{reply.pk}/change/")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        desk.post(
            f"{QUEUE}{reply.pk}/transition/",
            {
                "move": "publish",
                "version": reply.version,
                "csrfmiddlewaretoken": desk.cookies["csrftoken"].value,
            },
        )

    reply.refresh_from_db()
    assert reply.state == State.PUBLISHED and reply.open_reports == 0
    assert len(callbacks) == 1
    assert [m.to for m in mailoutbox] == [["riley@example.com"]]


def test_a_comment_names_no_article_in_the_desk(desk, live_article, reader, post_comment):
    comment = post_comment(live_article, "Hello", author=reader)
    assert str(comment) == f"Riley Reader’s comment #{comment.pk}"
    live_article.__class__.objects.filter(pk=live_article.pk).update(
        state=State.DRAFT, headline="Embargoed rewrite"
    )

    queue = desk.get(QUEUE, {"queue": "all"}).content.decode()
    page = desk.get(f"{QUEUE}{comment.pk}/change/").content.decode()

    for html in (queue, page):
        assert "Embargoed rewrite" not in html
        assert "an article no longer available" in html
