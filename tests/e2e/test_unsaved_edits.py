"""Never lose an edit, in a real Chromium: leaving a change form with unsaved changes asks first;
what was typed is kept in the browser and offered back after a refused stale save or a closed
tab; a save that goes through clears it (static/editorial-drafts.js)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Tag
from finextra import roles
from finextra.models import Autosave
from sponsors.models import Slot
from tests.factories import PlacementFactory

from .staff import sign_in
from .test_accessibility import axe_violations

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails) with the reason
    expect = None

KEPT_DRAFTS = "Object.keys(localStorage).filter(key => key.startsWith('finextra-draft:'))"


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def open_form(page, article):
    page.goto(change_url(article))
    # The body's editor loads as a module: wait for it, as a person waits for the toolbar.
    expect(page.get_by_role("textbox", name="Body")).to_be_visible()


def test_leaving_a_change_form_with_unsaved_changes_asks_first(page, make_article, make_user):
    article = make_article(headline="Bank of England holds rates")
    sign_in(page, make_user("warned_writer", roles.WRITER))
    dialogs = []

    def stay(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()  # "Stay on page"

    page.on("dialog", stay)
    open_form(page, article)
    page.get_by_role("link", name="Preview").click()  # nothing changed: no question
    expect(page.locator(".preview-banner")).to_be_visible()
    assert dialogs == []

    open_form(page, article)
    page.get_by_label("Headline").fill("Bank of England cuts rates")
    page.get_by_role("link", name="Preview").click()
    expect(page.get_by_label("Headline")).to_have_value("Bank of England cuts rates")
    assert dialogs == ["beforeunload"]
    expect(page).to_have_url(f"{page.url.split('/admin/')[0]}{change_url(article)}")

    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")
    assert dialogs == ["beforeunload"], "saving never asks"
    assert page.evaluate(KEPT_DRAFTS) == [], "a save that went through clears the kept text"
    page.get_by_role("link", name="Preview").click()
    expect(page.locator(".preview-banner")).to_be_visible()
    assert dialogs == ["beforeunload"]


def test_text_is_offered_back_after_a_refused_stale_save(new_page, make_article, make_user):
    article = make_article(headline="Regulator fines broker", body="<p>The fine is large.</p>")
    writer = new_page()
    sign_in(writer, make_user("slow_writer", roles.WRITER))
    open_form(writer, article)
    writer.get_by_label("Headline").fill("Regulator fines broker £4m over trade reporting")
    body = writer.get_by_role("textbox", name="Body")
    body.click()
    writer.keyboard.press("End")
    writer.keyboard.type(" It is the largest this year.")

    # Meanwhile an editor saves the same article.
    colleague = new_page()
    sign_in(colleague, make_user("quick_editor", roles.EDITOR))
    open_form(colleague, article)
    colleague.get_by_label("Standfirst").fill("The watchdog acted after a two-year inquiry.")
    colleague.get_by_role("button", name="Save and continue editing").click()
    expect(colleague.locator(".messagelist .success")).to_be_visible()

    writer.get_by_role("button", name="Save and continue editing").click()
    expect(writer.locator(".errornote")).to_be_visible()
    expect(writer.locator(".errorlist.nonfield")).to_contain_text("Someone else saved")
    article.refresh_from_db()
    assert article.headline == "Regulator fines broker", "the refused save changed nothing"

    # The writer opens the latest version: their text is offered back, and restored on asking.
    writer.get_by_role("link", name="Open the latest version").click()
    expect(writer.get_by_label("Standfirst")).to_have_value(
        "The watchdog acted after a two-year inquiry."
    )
    expect(writer.get_by_label("Headline")).to_have_value("Regulator fines broker")
    notice = writer.get_by_role("region", name="Unsaved changes found")
    expect(notice).to_contain_text("Someone has saved this since you typed it")
    notice.get_by_role("button", name="Restore").click()
    expect(notice).to_be_hidden()
    expect(writer.get_by_label("Headline")).to_have_value(
        "Regulator fines broker £4m over trade reporting"
    )
    expect(body).to_contain_text("The fine is large. It is the largest this year.")
    # Only what the writer changed comes back: the editor's standfirst stands.
    expect(writer.get_by_label("Standfirst")).to_have_value(
        "The watchdog acted after a two-year inquiry."
    )

    writer.get_by_role("button", name="Save and continue editing").click()
    expect(writer.locator(".messagelist .success")).to_contain_text("was changed successfully")
    article.refresh_from_db()
    assert article.headline == "Regulator fines broker £4m over trade reporting"
    assert article.body == "<p>The fine is large. It is the largest this year.</p>"
    assert article.standfirst == "The watchdog acted after a two-year inquiry."
    assert writer.evaluate(KEPT_DRAFTS) == []
    writer.reload()
    expect(writer.get_by_role("region", name="Unsaved changes found")).to_have_count(0)


def test_text_typed_before_the_tab_closed_is_offered_back_or_discarded(
    browser, live_server, make_article, make_user
):
    article = make_article(headline="Payments firm raises funds")
    Tag.objects.create(name="Fundraising", slug="fundraising")
    context = browser.new_context(base_url=live_server.url)
    try:
        page = context.new_page()
        sign_in(page, make_user("crashing_writer", roles.WRITER))
        open_form(page, article)
        page.get_by_label("Headline").fill("Payments firm raises $50m")
        page.locator(".field-tags .select2-selection").click()  # the autocomplete field
        page.keyboard.type("Fund")
        page.get_by_role("option", name="Fundraising").click()
        page.wait_for_function(f"() => {KEPT_DRAFTS}.length === 1")
        page.close()  # the tab is gone, no question asked

        page = context.new_page()
        open_form(page, article)
        notice = page.get_by_role("region", name="Unsaved changes found")
        expect(notice).not_to_contain_text("Someone has saved")
        assert axe_violations(page) == [], "the notice meets WCAG 2.2 AA like the rest"
        notice.get_by_role("button", name="Discard").click()
        expect(notice).to_be_hidden()
        expect(page.get_by_label("Headline")).to_have_value("Payments firm raises funds")
        assert page.evaluate(KEPT_DRAFTS) == []
        assert Article.objects.get(pk=article.pk).headline == "Payments firm raises funds"

        # Once more, and this time restored: the tag comes back into the autocomplete field.
        page.get_by_label("Headline").fill("Payments firm raises $50m")
        page.locator(".field-tags .select2-selection").click()
        page.keyboard.type("Fund")
        page.get_by_role("option", name="Fundraising").click()
        page.wait_for_function(f"() => {KEPT_DRAFTS}.length === 1")
        page.close()
        page = context.new_page()
        open_form(page, article)
        page.get_by_role("region", name="Unsaved changes found").get_by_role(
            "button", name="Restore"
        ).click()
        expect(page.get_by_label("Headline")).to_have_value("Payments firm raises $50m")
        expect(page.locator(".field-tags .select2-selection__choice")).to_contain_text(
            "Fundraising"
        )
        page.get_by_role("button", name="Save and continue editing").click()
        expect(page.locator(".messagelist .success")).to_be_visible()
        article.refresh_from_db()
        assert article.headline == "Payments firm raises $50m"
        assert list(article.tags.values_list("slug", flat=True)) == ["fundraising"]
    finally:
        context.close()


def test_leaving_a_placement_form_with_unsaved_changes_asks_first(page, make_user):
    now = timezone.now()
    placement = PlacementFactory(
        title="Webinar: instant payments",
        slot=Slot.HOME,
        starts_at=now + timedelta(days=1),
        ends_at=now + timedelta(days=8),
    )
    sign_in(page, make_user("booking_commercial", roles.COMMERCIAL))
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.goto(reverse("admin:sponsors_placement_change", args=[placement.pk]))

    page.get_by_label("Title").fill("Webinar: instant payments and fraud")
    page.get_by_role("link", name="Placements").first.click()

    assert dialogs == ["beforeunload"]
    expect(page.get_by_label("Title")).to_have_value("Webinar: instant payments and fraud")


def test_signing_out_forgets_the_text_kept_in_the_browser(page, make_article, make_user):
    article = make_article(headline="Embargoed: bank to buy rival")
    sign_in(page, make_user("leaving_writer", roles.WRITER))
    open_form(page, article)
    page.get_by_label("Headline").fill("Embargoed: bank to buy rival for £2bn")
    page.wait_for_function(f"() => {KEPT_DRAFTS}.length === 1")
    page.on("dialog", lambda dialog: dialog.accept())  # "Leave": the person means it

    page.get_by_role("button", name="Log out").click()

    expect(page.get_by_role("heading", name="Logged out")).to_be_visible()
    assert page.evaluate(KEPT_DRAFTS) == [], "the next person here cannot read the story"


def test_a_drafts_autosave_follows_its_writer_to_another_computer(
    new_page, make_article, make_user
):
    article = make_article(headline="Insurer fined")
    writer = make_user("travelling_writer", roles.WRITER)
    laptop = new_page()
    sign_in(laptop, writer)
    open_form(laptop, article)
    laptop.get_by_label("Headline").fill("Insurer fined £10m over claims handling")
    for _ in range(100):  # sent as soon as the typing pauses
        if Autosave.objects.exists():
            break
        laptop.wait_for_timeout(100)
    article.refresh_from_db()
    assert article.headline == "Insurer fined", "an autosave never changes the draft"

    desktop = new_page()  # another computer: nothing in its browser
    sign_in(desktop, writer)
    open_form(desktop, article)
    notice = desktop.get_by_role("region", name="Unsaved changes found")
    expect(notice).to_contain_text("autosaved for you alone")
    notice.get_by_role("button", name="Restore").click()
    expect(desktop.get_by_label("Headline")).to_have_value(
        "Insurer fined £10m over claims handling"
    )
    desktop.get_by_role("button", name="Save and continue editing").click()
    expect(desktop.locator(".messagelist .success")).to_be_visible()

    article.refresh_from_db()
    assert article.headline == "Insurer fined £10m over claims handling"
    assert not Autosave.objects.filter(user=writer).exists(), "the save clears it"
