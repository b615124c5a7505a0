"""Accessibility, checked by axe-core in a real Chromium against the WCAG 2.2 AA rules: every
public page template and the desk's main pages, on the demo content (`seed_demo`).

The public pages must have no violation at all. On the desk, what this project renders must have
none either; the few rules Django's own admin breaks and our templates cannot fix are listed in
ADMIN_KNOWN with the reason, and only those nodes are let through (README, "Accessibility").
"""

import re

from django.core import mail
from django.template.loader import render_to_string

from articles.models import Article, Author, Tag
from comments.models import Comment
from finextra.workflow import State
from sponsors.models import Placement
from tests.conftest import DEMO_PASSWORD, SEED_SLUG

try:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails) with the reason
    Axe = expect = None

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]}
COMMENTED_SLUG = "t-plus-one-settlement-europe-timeline"

# Violations on the desk that come from Django's admin itself and that our templates and CSS
# cannot reach: (rule id, a CSS selector fragment of the node). Keep this list short and say why.
ADMIN_KNOWN: list[tuple[str, str]] = []  # none left: see static/admin-a11y.*


def axe_violations(page, *, known=()) -> list[str]:
    """One line per violating node, "rule: target (message)", after dropping known ones."""
    page.wait_for_load_state("load")  # the stylesheet too: sizes and colours are checked
    results = Axe().run(page, options=AXE_OPTIONS).response
    found = []
    for violation in results["violations"]:
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            if any(violation["id"] == rule and fragment in target for rule, fragment in known):
                continue
            messages = "; ".join(
                check["message"] for check in node["any"] + node["all"] + node["none"]
            )
            found.append(f"{violation['id']}: {target} ({messages})")
    return found


def check(page, path, report, *, known=(), status=200, ready=None, label=""):
    response = page.goto(path)
    assert response.status == status, f"{path} answered {response.status}"
    if ready:
        expect(page.locator(ready).first).to_be_visible()
    for line in axe_violations(page, known=known):
        report.append(f"{label}{path}: {line}")


def serve(html, status):
    def handler(route):
        route.fulfill(status=status, body=html, content_type="text/html; charset=utf-8")

    return handler


def sign_in(page, username, *, admin=False):
    page.goto("/admin/login/" if admin else "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password:" if admin else "Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in" if admin else "Sign in").click()


def test_every_public_page_template_has_no_wcag_violation(new_page, live_demo, settings):
    settings.COMMENTS_FORM_MIN_SECONDS = 0
    seed = Article.objects.get(slug=SEED_SLUG)
    commented = Article.objects.get(slug=COMMENTED_SLUG)
    withdrawn = Article.objects.exclude(withdrawn_at=None).first()
    tag = Tag.objects.filter(articles__in=Article.objects.live()).first()
    author = Author.objects.filter(articles__in=Article.objects.live()).first()
    placement = Placement.objects.live().first()
    report: list[str] = []

    guest = new_page()
    check(guest, "/", report)
    check(guest, seed.channel.get_absolute_url(), report)
    check(guest, seed.get_absolute_url(), report)  # both placements, no comments yet
    check(guest, commented.get_absolute_url(), report)  # a thread with replies and a guest form
    check(guest, tag.get_absolute_url(), report)
    check(guest, author.get_absolute_url(), report)
    check(guest, "/search/?q=settlement", report)
    check(guest, "/search/?q=nothing+matches+this", report)
    check(guest, "/sponsored/", report)
    check(guest, f"/sponsored/{placement.pk}/", report)
    check(guest, "/comments/house-rules/", report)
    check(guest, f"/comments/post/{commented.pk}/", report)  # a guest's comment form
    check(guest, "/about/", report)
    check(guest, "/accounts/signup/", report)
    check(guest, "/accounts/login/", report)
    check(guest, "/accounts/password-reset/", report)
    check(guest, "/news/999999/", report, status=404)
    check(guest, withdrawn.get_absolute_url(), report, status=410)

    # A form sent back with errors shows them under their fields, still without violations.
    guest.goto("/accounts/signup/")
    guest.get_by_label("Username").fill("nova")
    guest.get_by_label("Email address").fill("not-an-email")
    guest.get_by_label("Password", exact=True).fill("short")
    guest.get_by_label("Password confirmation").fill("short")
    guest.get_by_role("button", name="Create account").click()
    expect(guest.locator(".field-invalid").first).to_be_visible()
    report += [f"sign-up with errors: {line}" for line in axe_violations(guest)]

    # Pages Django renders without a request to this server (server error, overload, a bad
    # request), served as the handlers serve them, with the site's stylesheet.
    for template, status in [
        ("500.html", 500),
        ("503.html", 503),
        ("400.html", 400),
        ("403.html", 403),
    ]:
        guest.route(f"**/error-page/{status}/", serve(render_to_string(template), status))
        check(guest, f"/error-page/{status}/", report, status=status)

    # The password reset's emailed link and the form it opens.
    guest.goto("/accounts/password-reset/")
    guest.get_by_label("Email").fill("reader@example.com")
    guest.get_by_role("button", name="Send").click()
    expect(guest.get_by_role("heading", name="Check your email")).to_be_visible()
    report += [f"reset sent: {line}" for line in axe_violations(guest)]
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", mail.outbox[-1].body).group(1)
    check(guest, link, report)
    expect(guest.get_by_label("New password", exact=True)).to_be_visible()

    # A form sent without its cookie (blocked, or expired): the "form expired" page.
    guest.goto("/accounts/login/")
    guest.context.clear_cookies()
    guest.get_by_label("Username").fill("reader")
    guest.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    guest.get_by_role("button", name="Sign in").click()
    expect(guest.get_by_role("heading", name="This form has expired")).to_be_visible()
    report += [f"form expired: {line}" for line in axe_violations(guest)]

    reader = new_page()
    sign_in(reader, "reader")
    comment = Comment.objects.filter(article=commented).exclude(author__username="reader").first()
    check(reader, commented.get_absolute_url(), report)  # the signed-in form, Reply and Report
    # The compose page (the forms live there, off the cached article page).
    check(reader, f"/comments/post/{commented.pk}/", report)
    check(reader, f"/comments/post/{commented.pk}/?reply={comment.pk}", report)
    check(reader, "/accounts/", report)
    check(reader, "/accounts/delete/", report)
    check(reader, f"/comments/{comment.pk}/report/", report)
    reader.get_by_role("button", name="Send report").click()
    expect(reader.locator(".field-invalid")).to_be_visible()
    report += [f"report with errors: {line}" for line in axe_violations(reader)]

    assert not report, "axe found WCAG 2.2 AA violations:\n" + "\n".join(report)


def test_the_desks_main_pages_have_no_wcag_violation_of_ours(new_page, live_demo):
    seed = Article.objects.get(slug=SEED_SLUG)
    placement = Placement.objects.first()
    comment = Comment.objects.first()
    report: list[str] = []
    known = ADMIN_KNOWN

    desk = new_page(viewport={"width": 1280, "height": 900})
    sign_in(desk, "publisher", admin=True)
    check(desk, "/admin/", report, known=known)
    check(desk, "/admin/articles/article/", report, known=known)
    check(desk, f"/admin/articles/article/{seed.pk}/change/", report, known=known, ready=".tiptap")
    # An autocomplete field open, its choices listed.
    desk.goto(f"/admin/articles/article/{seed.pk}/change/")
    desk.locator(".field-tags .select2-selection").click()
    expect(desk.locator(".select2-results__option").first).to_be_visible()
    report += [f"tags open: {line}" for line in axe_violations(desk, known=known)]
    desk.keyboard.press("Escape")
    check(desk, "/admin/calendar/", report, known=known)

    # The admin follows the system's dark theme: our panels and notices must hold there too.
    desk = new_page(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    sign_in(desk, "publisher", admin=True)
    for path in ["/admin/", "/admin/articles/article/"]:
        check(desk, path, report, known=known, label="dark ")
    change = f"/admin/articles/article/{seed.pk}/change/"
    check(desk, change, report, known=known, ready=".tiptap", label="dark ")

    desk = new_page(viewport={"width": 1280, "height": 900})
    sign_in(desk, "writer", admin=True)
    check(desk, "/admin/", report, known=known)
    check(desk, "/admin/articles/article/add/", report, known=known, ready=".tiptap")
    draft = Article.objects.filter(state=State.DRAFT, withdrawn_at=None).first()
    change = f"/admin/articles/article/{draft.pk}/change/"
    check(desk, change, report, known=known, ready=".tiptap")  # its panels closed

    desk = new_page(viewport={"width": 1280, "height": 900})
    sign_in(desk, "editor", admin=True)
    check(desk, f"/admin/sponsors/placement/{placement.pk}/change/", report, known=known)
    check(desk, "/admin/sponsors/placement/", report, known=known)

    desk = new_page(viewport={"width": 1280, "height": 900})
    sign_in(desk, "moderator", admin=True)
    check(desk, "/admin/", report, known=known)
    check(desk, "/admin/comments/comment/", report, known=known)
    check(desk, f"/admin/comments/comment/{comment.pk}/change/", report, known=known)

    assert not report, "axe found WCAG 2.2 AA violations:\n" + "\n".join(report)
