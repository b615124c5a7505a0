"""The desk's daily work in a real browser: bringing a scheduled story forward or moving it,
each role's front page, a bulk publish, and lists that fit a 1280-pixel screen."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from comments.services import comment_post, comment_report
from finextra import roles
from finextra.services import transition
from sponsors.models import Kind, Placement, Slot, Sponsor

from .staff import sign_in

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails) with the reason
    expect = None

DESKTOP = {"viewport": {"width": 1280, "height": 800}}


def success_messages(page):
    return page.locator(".messagelist .success")


def scheduled_article(make_article, editor, publisher, *, days=2):
    article = make_article(headline="Results season preview", slug="results-preview")
    transition(obj=article, move="mark_edited", user=editor)
    when = (timezone.localtime() + timedelta(days=days)).replace(
        hour=9, minute=30, second=0, microsecond=0
    )
    transition(obj=article, move="publish", user=publisher, at=when)
    article.refresh_from_db()
    return article


def test_a_publisher_brings_a_scheduled_story_forward_with_publish_now(
    new_page, make_user, make_article
):
    editor = make_user("sub_editor", roles.EDITOR)
    publisher = make_user("duty_publisher", roles.PUBLISHER)
    article = scheduled_article(make_article, editor, publisher)
    reader = new_page()
    assert reader.goto(article.get_absolute_url()).status == 404

    desk = new_page(**DESKTOP)
    sign_in(desk, publisher)
    desk.goto(f"/admin/articles/article/{article.pk}/change/")
    expect(desk.locator(".workflow-state")).to_contain_text("scheduled for")
    desk.get_by_role("button", name="Publish now").click()

    expect(success_messages(desk)).to_have_text(f"“{article.headline}” is live now.")
    expect(desk.locator(".workflow-state")).to_contain_text("live since")
    expect(desk.get_by_role("button", name="Publish now")).to_have_count(0)
    assert reader.goto(article.get_absolute_url()).status == 200
    # The history (closed until opened) says who did it and what it replaced.
    history = desk.locator("details.workflow-history")
    expect(history).not_to_have_attribute("open", "")
    history.locator("summary").click()
    expect(history.locator("tbody tr").first).to_contain_text("Publish now")
    expect(history.locator("tbody tr").first).to_contain_text("Published now instead of at")


def test_a_publisher_reschedules_a_story_and_a_past_time_is_refused(
    new_page, make_user, make_article
):
    editor = make_user("sub_editor", roles.EDITOR)
    publisher = make_user("duty_publisher", roles.PUBLISHER)
    article = scheduled_article(make_article, editor, publisher)
    later = (timezone.localtime(article.published_at) + timedelta(days=1)).replace(hour=7)

    desk = new_page(**DESKTOP)
    sign_in(desk, publisher)
    desk.goto(f"/admin/articles/article/{article.pk}/change/")
    field = desk.get_by_label("New date and time (London)")
    expect(field).to_have_value(timezone.localtime(article.published_at).strftime("%Y-%m-%dT%H:%M"))
    field.fill(later.strftime("%Y-%m-%dT%H:%M"))
    desk.get_by_role("button", name="Reschedule").click()

    expect(success_messages(desk)).to_have_text(
        f"“{article.headline}” is scheduled for {later:%d %b %Y at %H:%M}."
    )
    article.refresh_from_db()
    assert article.published_at == later
    assert article.state == "published"

    # A time in the past: the browser's own check is bypassed, the server refuses it.
    field = desk.get_by_label("New date and time (London)")
    field.evaluate("input => input.removeAttribute('min')")
    field.fill("2020-01-01T09:00")
    desk.get_by_role("button", name="Reschedule").click()
    expect(desk.locator(".messagelist .error")).to_contain_text("must be in the future")
    article.refresh_from_db()
    assert article.published_at == later


@pytest.fixture
def newsroom(make_user, make_article, settings):
    """One of each role, and something in each of their queues."""
    settings.COMMENTS_ALLOW_GUESTS = True
    people = {
        role: make_user(role.lower(), role)
        for role in (roles.WRITER, roles.EDITOR, roles.PUBLISHER, roles.COMMERCIAL, roles.MODERATOR)
    }
    writer, editor, publisher = people[roles.WRITER], people[roles.EDITOR], people[roles.PUBLISHER]
    own = make_article(headline="A draft in progress")
    own.updated_by = writer
    own.save()
    ready = make_article(headline="A draft ready for the subs")
    transition(obj=ready, move="ready_for_edit", user=writer)
    edited = make_article(headline="An edited story")
    transition(obj=edited, move="mark_edited", user=editor)
    live = make_article(headline="A live story")
    transition(obj=live, move="mark_edited", user=editor)
    transition(obj=live, move="publish", user=publisher)
    now = timezone.now()
    sponsor = Sponsor.objects.create(name="Northwind", slug="northwind")
    Placement.objects.create(
        sponsor=sponsor,
        title="A booking in progress",
        kind=Kind.CONTENT,
        slot=Slot.HOME,
        target_url="https://example.com/",
        starts_at=now,
        ends_at=now + timedelta(days=5),
    )
    comment_post(article=live, body="Held for a moderator", guest_name="Gail", guest_email="g@x.io")
    reader = make_user("riley")
    rude = comment_post(article=live, body="A rude remark", author=reader)
    comment_report(comment=rude, reporter=editor, reason="abuse")
    return people


@pytest.mark.parametrize(
    ("role", "queues", "item", "link"),
    [
        (roles.WRITER, ["Your drafts"], "A draft in progress", "?queue=mine"),
        (
            roles.EDITOR,
            [
                "Awaiting edit",
                "Reported comments",
                "Comments awaiting moderation",
                "Placements awaiting check",
            ],
            "A draft ready for the subs",
            "?queue=awaiting_edit",
        ),
        (
            roles.PUBLISHER,
            ["Ready to publish", "Scheduled", "Placements awaiting publication"],
            "An edited story",
            "?queue=ready_to_publish",
        ),
        (roles.COMMERCIAL, ["Placement drafts"], "A booking in progress", "?queue=being_booked"),
        (
            roles.MODERATOR,
            ["Reported comments", "Comments awaiting moderation"],
            "Gail: Held for a moderator",
            "?queue=awaiting",
        ),
    ],
)
def test_each_role_finds_what_waits_for_it_on_the_front_page(
    new_page, newsroom, role, queues, item, link
):
    desk = new_page(**DESKTOP)
    sign_in(desk, newsroom[role])
    desk.goto("/admin/")

    headings = desk.locator(".desk-queue h2")
    expect(headings).to_have_count(len(queues))
    for heading, title in zip(headings.all(), queues, strict=True):
        expect(heading).to_contain_text(title)
    section = desk.locator(".desk-queue").filter(has=desk.get_by_role("link", name=item))
    expect(section.locator(".desk-count")).to_have_text("1")
    section.locator(f'a[href$="{link}"]').click()
    expect(desk.locator("#result_list")).to_contain_text(item.split(": ")[-1])
    expect(desk.locator("#result_list tbody tr")).to_have_count(1)


def test_a_publisher_publishes_several_stories_at_once(new_page, make_user, make_article):
    editor = make_user("sub_editor", roles.EDITOR)
    publisher = make_user("duty_publisher", roles.PUBLISHER)
    stories = [make_article(headline=f"Edited story {n}") for n in (1, 2)]
    for story in stories:
        transition(obj=story, move="mark_edited", user=editor)
    draft = make_article(headline="Still a draft")

    desk = new_page(**DESKTOP)
    sign_in(desk, publisher)
    desk.goto("/admin/articles/article/")
    for headline in ("Edited story 1", "Edited story 2", "Still a draft"):
        row = desk.locator("#result_list tbody tr").filter(has_text=headline)
        row.locator('input[name="_selected_action"]').check()
    desk.locator('select[name="action"]').select_option("publish_selected")
    desk.get_by_role("button", name="Go").click()

    expect(success_messages(desk)).to_have_count(2)
    expect(success_messages(desk).first).to_have_text("“Edited story 1” is now published.")
    expect(desk.locator(".messagelist .error")).to_contain_text(
        "“Still a draft”: “Publish” applies to edited items"
    )
    reader = new_page()
    for story in stories:
        story.refresh_from_db()
        assert reader.goto(story.get_absolute_url()).status == 200
    draft.refresh_from_db()
    assert draft.state == "draft"


def _overflows(page, selector: str) -> bool:
    """Whether the element ends beyond what the page or the list's own box shows (a column
    clipped, or scrolled out of sight)."""
    return page.locator(selector).evaluate(
        """el => {
            const box = el.closest(".results") || document.documentElement;
            const right = Math.min(box.getBoundingClientRect().right,
                                   document.documentElement.clientWidth);
            return el.getBoundingClientRect().right > right + 0.5;
        }"""
    )


def test_the_article_list_and_the_comment_queue_fit_a_1280_pixel_screen(
    new_page, newsroom, make_article
):
    long = "An unusually long headline about cross-border instant payments regulation " * 2
    article = make_article(headline=long[:150])
    article.updated_by = newsroom[roles.WRITER]
    article.save()

    desk = new_page(**DESKTOP)
    sign_in(desk, newsroom[roles.EDITOR])
    desk.goto("/admin/articles/article/")
    for column in ("headline", "state_badge", "filed", "updated", "comments"):
        expect(desk.locator(f"th.column-{column}")).to_be_visible()
        assert not _overflows(desk, f"th.column-{column}"), column
    assert not _overflows(desk, "#result_list")
    assert desk.locator(".results").evaluate("el => el.scrollWidth <= el.clientWidth")

    live = Article.objects.get(headline="A live story")
    words = "A long and considered argument about settlement finality and its discontents. "
    comment_post(article=live, body=words * 8, guest_name="Lengthy", guest_email="l@x.io")
    desk.goto("/admin/comments/comment/")
    expect(desk.locator("#result_list tbody tr")).to_have_count(3)  # what waits, not all
    state = desk.locator("th.column-state_shown")
    expect(state).to_be_visible()
    assert not _overflows(desk, "th.column-state_shown")
    assert not _overflows(desk, "#result_list")
    assert desk.locator(".results").evaluate("el => el.scrollWidth <= el.clientWidth")


def test_withdraw_asks_for_its_box_to_be_ticked_without_javascript(
    new_page, make_user, live_article
):
    publisher = make_user("duty_publisher", roles.PUBLISHER)
    desk = new_page(java_script_enabled=False, **DESKTOP)
    sign_in(desk, publisher)
    desk.goto(f"/admin/articles/article/{live_article.pk}/change/")
    withdraw = desk.locator("form.workflow-move").filter(
        has=desk.get_by_role("button", name="Withdraw")
    )
    withdraw.get_by_label("Note (required)").fill("A legal letter from the bank.")
    withdraw.get_by_role("button", name="Withdraw").click()
    # The browser's own check holds the form back until the box is ticked.
    expect(desk.locator(".messagelist")).to_have_count(0)
    live_article.refresh_from_db()
    assert live_article.is_live

    withdraw.get_by_label("Yes, withdraw it: a legal takedown").check()
    withdraw.get_by_role("button", name="Withdraw").click()

    expect(success_messages(desk)).to_have_text(
        f"“{live_article.headline}” is withdrawn: its address now answers 410 Gone."
    )
    assert new_page().goto(live_article.get_absolute_url()).status == 410
