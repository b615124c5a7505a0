"""Comments as people use them, in a real Chromium: a new reader signs up, comments and replies;
a guest posts and waits; a moderator publishes from the queue; hostile bodies run nothing."""

import re
from pathlib import Path

import pytest
from django.core import mail

from comments.models import Comment
from comments.services import comment_post
from tests.accounts import PASSWORD

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails) with the reason
    expect = None

PAYLOADS = Path(__file__).resolve().parents[1] / "data" / "xss" / "payloads-allthethings.txt"


@pytest.fixture(autouse=True)
def _comment_settings(settings):
    settings.COMMENTS_FORM_MIN_SECONDS = 0
    settings.COMMENTS_ALLOW_GUESTS = True


def comments_section(page):
    return page.locator("#comments")


def test_a_new_reader_signs_up_comments_and_replies(page, live_article):
    page.goto(live_article.get_absolute_url())
    expect(page.locator(".comment-link")).to_have_text("Be the first to comment")
    comments_section(page).get_by_role("link", name="create an account").click()

    page.get_by_label("Username").fill("nova")
    page.get_by_label("Display name").fill("Nova Reader")
    page.get_by_label("Email address").fill("nova@example.com")
    page.get_by_label("Password", exact=True).fill("a-long-Passphrase-42")
    page.get_by_label("Password confirmation").fill("a-long-Passphrase-42")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("h1")).to_have_text("Check your email")
    # The link in the email confirms the address; the button signs the reader in.
    link = re.search(r"https?://[^/\s]+(/accounts/signup/confirm/\S+)", mail.outbox[-1].body)
    page.goto(link.group(1))
    page.get_by_role("button", name="Confirm my account").click()

    expect(page.locator("h1")).to_have_text(live_article.headline)
    page.get_by_label("Your comment").fill("Rate cuts will not save the small caps.")
    page.get_by_role("button", name="Post comment").click()

    first = Comment.objects.get()
    expect(page).to_have_url(f"{page.url.split('#')[0]}#comment-{first.pk}")
    card = page.locator(f"#comment-{first.pk}")
    expect(card).to_contain_text("Rate cuts will not save the small caps.")
    expect(card).to_contain_text("Nova Reader")

    card.get_by_role("link", name="Reply").click()
    reply_box = page.locator(f"#reply-{first.pk}")
    reply_box.get_by_label("Your comment").fill("Replying to myself: nor the large ones.")
    reply_box.get_by_role("button", name="Post reply").click()

    reply = Comment.objects.exclude(pk=first.pk).get()
    nested = page.locator(f"#comment-{first.pk} .comment-replies #comment-{reply.pk}")
    expect(nested).to_contain_text("Replying to myself: nor the large ones.")
    expect(card.locator("> .comment-card")).to_contain_text("Rate cuts")
    expect(page.locator(".comment-link")).to_have_text("2 comments")
    expect(page.get_by_role("heading", name="Comments: (2)")).to_be_visible()


def test_a_guest_waits_and_a_moderator_publishes_from_the_queue(new_page, live_article, moderator):
    guest = new_page()
    guest.goto(live_article.get_absolute_url())
    guest.get_by_label("Your comment").fill("A guest's view on the rate cut.")
    guest.get_by_label("Your name").fill("Gail Guest")
    guest.get_by_label("Your email").fill("gail@example.com")
    guest.get_by_role("button", name="Post comment").click()

    expect(guest.get_by_text("awaiting moderation")).to_be_visible()
    expect(comments_section(guest)).not_to_contain_text("A guest's view")
    waiting = Comment.objects.get()

    desk = new_page()
    desk.goto("/admin/login/")
    desk.get_by_label("Username").fill(moderator.username)
    desk.get_by_label("Password").fill(PASSWORD)
    desk.get_by_role("button", name="Log in").click()
    desk.goto("/admin/comments/comment/")
    row = desk.locator("#result_list tbody tr").filter(has_text="A guest's view")
    expect(row).to_contain_text("Awaiting moderation")
    expect(row).to_contain_text(live_article.headline)
    row.locator('input[name="_selected_action"]').check()
    desk.locator('select[name="action"]').select_option("publish")
    desk.get_by_role("button", name="Go").click()
    expect(desk.locator(".messagelist")).to_contain_text("1 comment(s) published.")

    guest.goto(live_article.get_absolute_url())
    expect(guest.locator(f"#comment-{waiting.pk}")).to_contain_text("A guest's view")
    expect(guest.locator(f"#comment-{waiting.pk}")).to_contain_text("Gail Guest")
    expect(guest.locator(".comment-link")).to_have_text("1 comment")


def _sample_payloads() -> list[str]:
    lines = [line for line in PAYLOADS.read_text(encoding="utf-8").splitlines() if line.strip()]
    hostile = [line for line in lines if "<" in line or "javascript" in line.lower()]
    return hostile[:: max(1, len(hostile) // 40)][:40]


HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    'javascript:alert(1) and <a href="javascript:alert(1)">click me</a>',
    'https://example.com/"onmouseover=alert(1)//',
    "W" * 4000,
    "\u202eevil.exe\u202c then normal text",
    "Rates 📉📈 🏦💷 👩🏽‍💻 🇬🇧 ✅",
]


def test_hostile_bodies_show_as_text_run_nothing_and_break_no_layout(
    new_page, live_article, reader
):
    bodies = HOSTILE + _sample_payloads()
    for body in bodies:
        comment_post(article=live_article, author=reader, body=body[:4000])
    page = new_page(viewport={"width": 390, "height": 844})  # a phone
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script("window.__ran = 0;")

    page.goto(live_article.get_absolute_url())
    # Every page of the thread, hovering and focusing each comment as a reader might.
    seen = 0
    while True:
        cards = page.locator(".comment-body")
        for index in range(cards.count()):
            cards.nth(index).hover()
        seen += cards.count()
        later = page.get_by_role("link", name="Later comments →")
        if not later.count():
            break
        later.click()
        page.wait_for_load_state()

    assert seen == len(bodies)
    assert dialogs == [], f"a payload ran: {dialogs}"
    assert page.evaluate("window.__ran") == 0
    # No markup from a body: only <p>, <br> and our own links inside comment bodies.
    tags = page.evaluate(
        "[...document.querySelectorAll('.comment-body *')].map(e => e.tagName.toLowerCase())"
    )
    assert set(tags) <= {"p", "br", "a"}
    hrefs = page.evaluate(
        "[...document.querySelectorAll('.comment-body a')].map(a => a.getAttribute('href'))"
    )
    assert all(href.startswith(("http://", "https://")) for href in hrefs)
    # Nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_hostile_body_typed_into_the_form_shows_as_text(page, live_article, reader):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(reader.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_article.get_absolute_url())

    body = '<img src=x onerror="alert(document.domain)"><script>alert(2)</script>'
    page.get_by_label("Your comment").fill(body)
    page.get_by_role("button", name="Post comment").click()

    comment = Comment.objects.get()
    expect(page.locator(f"#comment-{comment.pk} .comment-body")).to_have_text(body)
    assert dialogs == []
