"""Under the Content-Security-Policy, in a real Chromium: every public page template loads under
the public policy, and the desk's main pages under the admin's, with no violation reported
(the console's and the page's own `securitypolicyviolation` events), and the rich-text editor
still starts."""

import time

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from articles.models import Article
from comments.models import Comment
from comments.services import unsubscribe_token
from finextra.services import preview_link_create, transition
from finextra.workflow import State
from sponsors.models import Placement
from tests.accounts import PASSWORD

from .staff import sign_in

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails) with the reason
    expect = None

WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


@pytest.fixture
def watched(new_page):
    """A page (a fresh visitor) whose CSP violations are collected, from the console and from
    the document's own events."""

    def open_page():
        page = new_page()
        page.add_init_script(WATCH_VIOLATIONS)
        console = []
        page.on(
            "console",
            lambda message: (
                console.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        page.csp_console = console
        # The page's requests in flight: see `settle`.
        page.in_flight = set()
        page.on("request", lambda request: page.in_flight.add(request))
        page.on("requestfinished", lambda request: page.in_flight.discard(request))
        page.on("requestfailed", lambda request: page.in_flight.discard(request))
        return page

    return open_page


# Resolves once the browser has painted a frame and run the tasks queued before it (violation
# events are queued tasks).
AFTER_QUEUED_TASKS = "() => new Promise(done => requestAnimationFrame(() => setTimeout(done)))"


def settle(page, *, deadline=10.0):
    """Wait until no request of the page's is in flight and what was queued has run: then every
    violation the page caused has been reported. (Playwright's "networkidle" waits a fixed half
    second of quiet instead.)"""
    started = time.monotonic()
    page.evaluate(AFTER_QUEUED_TASKS)
    while page.in_flight:
        assert time.monotonic() - started < deadline, f"still loading: {page.in_flight}"
        page.evaluate(AFTER_QUEUED_TASKS)  # Playwright delivers request events meanwhile


def visit(page, url, *, admin=False) -> list[str]:
    """Load `url`, check which policy it came under, and return what it reported."""
    response = page.goto(url, wait_until="load")
    assert response is not None, url
    header = response.headers.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in header, url
    inline_styles = "'unsafe-inline'" in header
    assert inline_styles == admin, (url, header)
    settle(page)
    reported = page.evaluate("window.__cspViolations || []")
    found = [*reported, *page.csp_console]
    page.csp_console.clear()
    return [f"{url}: {violation}" for violation in found]


def test_every_public_page_template_loads_under_the_public_policy(watched, live_demo):
    User = get_user_model()
    publisher = User.objects.get(username="publisher")
    live = list(Article.objects.live().exclude(pk=live_demo.pk).order_by("-published_at"))
    withdrawn = live[-1]
    transition(obj=withdrawn, move="withdraw", user=publisher, note="Legal takedown")
    unpublished = Article.objects.exclude(state=State.PUBLISHED)
    draft = unpublished.filter(withdrawn_at__isnull=True).first() or live[-2]
    if draft.state == State.PUBLISHED:
        transition(obj=draft, move="unpublish", user=publisher)
    _, token = preview_link_create(obj=draft, user=User.objects.get(username="editor"))
    placement = Placement.objects.live().first()
    tag, author = live_demo.tags.first(), live_demo.authors.first()
    urls = [
        "/",
        live_demo.get_absolute_url(),
        live_demo.channel.get_absolute_url(),
        tag.get_absolute_url(),
        author.get_absolute_url(),
        "/search/?q=bank",
        "/about/",
        "/sponsored/",
        placement.get_absolute_url(),
        "/comments/house-rules/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/signup/sent/",
        "/accounts/password-reset/",
        "/accounts/password-reset/sent/",
        "/accounts/reset/done/",
        f"/preview/{token}/",
        withdrawn.get_absolute_url(),  # 410
        "/no-such-page/",  # 404
    ]
    page = watched()
    violations = [v for url in urls for v in visit(page, url)]

    assert violations == []


def test_a_signed_in_readers_pages_load_under_the_public_policy(watched, live_demo):
    page = watched()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("reader")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    others = Comment.objects.exclude(author__username="reader").filter(state=State.PUBLISHED)
    theirs = others.first()
    urls = [
        live_demo.get_absolute_url(),
        reverse("comments:post", args=[live_demo.pk]),  # the signed-in reader's comment form
        theirs.article.get_absolute_url(),
        reverse("comments:report", args=[theirs.pk]),
        "/accounts/",
        "/accounts/delete/",
    ]
    mine = Comment.objects.filter(author__username="reader").first()
    if mine is not None:
        urls += [
            reverse("comments:edit", args=[mine.pk]),
            reverse("comments:delete", args=[mine.pk]),
        ]

    violations = [v for url in urls for v in visit(page, url)]

    # A refused comment: the refusal page (the browser's own check lifted, as a script would).
    page.goto(reverse("comments:post", args=[live_demo.pk]))
    page.locator(".comment-compose textarea[name=body]").evaluate("box => box.required = false")
    page.locator(".comment-compose").get_by_role("button", name="Post comment").click()
    expect(page.locator("h1")).to_have_text("Your comment was not posted")
    settle(page)
    violations += page.evaluate("window.__cspViolations") + page.csp_console

    assert violations == []


def test_error_pages_load_under_the_public_policy(watched, live_demo, settings):
    # The site plus views that fail on purpose (a bug: 500; a refusal: 403).
    settings.ROOT_URLCONF = "tests.finextra.test_site"
    reader = Comment.objects.filter(notify_replies=True).first() or Comment.objects.first()
    page = watched()
    urls = [
        "/test-only/boom/",  # 500
        "/test-only/forbidden/",  # 403
        reverse("comments:unsubscribe", args=[unsubscribe_token(reader)]),
        "/accounts/reset/MQ/not-a-token/",  # the password-reset link that no longer works
        "/accounts/signup/confirm/MQ/not-a-token/",  # 404 with its own page
    ]
    violations = [v for url in urls for v in visit(page, url)]
    page.goto("/test-only/boom/")
    expect(page.locator("h1")).to_have_text("Something went wrong")

    # The CSRF failure page: a form posted after its cookie went.
    page.goto("/accounts/login/")
    page.context.clear_cookies()
    page.get_by_label("Username").fill("reader")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_have_text("This form has expired")
    violations += page.evaluate("window.__cspViolations") + page.csp_console
    page.csp_console.clear()

    # The lockout page, after six wrong passwords.
    for _ in range(7):
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill("reader")
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state("load")
    assert "locked" in page.content().lower()
    violations += page.evaluate("window.__cspViolations") + page.csp_console

    assert violations == []


def test_the_desks_main_pages_load_under_the_admin_policy_and_the_editor_starts(watched, live_demo):
    User = get_user_model()
    editor, commercial, moderator = (
        User.objects.get(username=name) for name in ("editor", "commercial", "moderator")
    )
    placement = Placement.objects.first()
    comment = Comment.objects.first()

    page = watched()
    sign_in(page, editor)
    violations = visit(page, "/admin/articles/article/add/", admin=True)
    # The editor's modules came in through the import map the policy allows by its hash.
    expect(page.get_by_role("textbox", name="Body:")).to_be_visible()
    for url in [
        "/admin/",
        "/admin/articles/article/",
        reverse("admin:articles_article_change", args=[live_demo.pk]),
        reverse("admin:articles_article_preview", args=[live_demo.pk]),
        "/admin/calendar/",
        "/admin/articles/tag/",
        "/admin/flatpages/flatpage/",
    ]:
        violations += visit(page, url, admin=True)

    desk = watched()
    sign_in(desk, commercial)
    for url in [
        "/admin/sponsors/placement/",
        "/admin/sponsors/placement/add/",
        reverse("admin:sponsors_placement_change", args=[placement.pk]),
        reverse("admin:sponsors_placement_stats", args=[placement.pk]),
    ]:
        violations += visit(desk, url, admin=True)

    moderation = watched()
    sign_in(moderation, moderator)
    for url in [
        "/admin/comments/comment/",
        reverse("admin:comments_comment_change", args=[comment.pk]),
    ]:
        violations += visit(moderation, url, admin=True)

    assert violations == []
