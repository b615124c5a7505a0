"""The newsroom's main journey in a real browser: a draft is edited, published and read."""

from datetime import timedelta

from django.utils import timezone

from finextra import roles
from finextra.services import transition

from .staff import sign_in, sign_out

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails) with the reason
    expect = None


def open_desk(page, article):
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    expect(page.get_by_role("heading", name="Workflow")).to_be_visible()


def state_of(page):
    return page.locator(".workflow-state strong")


def success_message(page):
    return page.locator(".messagelist .success")


def test_an_editor_and_a_publisher_take_a_draft_live(new_page, make_user, make_article):
    editor = make_user("sub_editor", roles.EDITOR)
    publisher = make_user("duty_publisher", roles.PUBLISHER)
    article = make_article(headline="Regulator clears instant payments scheme", slug="regulator")
    public_url = f"/news/{article.pk}/{article.slug}/"

    desk = new_page()
    sign_in(desk, editor)
    open_desk(desk, article)
    expect(state_of(desk)).to_have_text("Draft")
    expect(desk.get_by_role("button", name="Mark as edited")).to_be_visible()
    expect(desk.get_by_role("button", name="Publish", exact=True)).to_have_count(0)
    expect(desk.get_by_role("button", name="Schedule", exact=True)).to_have_count(0)
    desk.get_by_role("button", name="Mark as edited").click()
    expect(success_message(desk)).to_have_text(f"“{article.headline}” is now edited.")
    expect(state_of(desk)).to_have_text("Edited")
    expect(desk.get_by_role("button", name="Mark as edited")).to_have_count(0)
    sign_out(desk)

    reader = new_page()  # its own context: no session, an anonymous reader
    assert reader.goto(public_url).status == 404, "an edited article is not public yet"

    sign_in(desk, publisher)
    open_desk(desk, article)
    expect(state_of(desk)).to_have_text("Edited")
    desk.get_by_role("button", name="Publish", exact=True).click()
    expect(success_message(desk)).to_have_text(f"“{article.headline}” is now published.")
    expect(state_of(desk)).to_have_text("Published")

    assert reader.goto(public_url).status == 200
    expect(reader.locator("h1")).to_have_text(article.headline)
    expect(reader.get_by_role("heading", name="Comments: (0)")).to_be_visible()
    expect(reader.locator("#comments").get_by_text("Be the first to comment")).to_be_visible()


def test_a_publisher_schedules_an_edited_article_and_it_stays_hidden_until_then(
    new_page, make_user, make_article
):
    editor = make_user("sub_editor", roles.EDITOR)
    publisher = make_user("duty_publisher", roles.PUBLISHER)
    article = make_article(headline="Bank to launch a digital wallet", slug="digital-wallet")
    transition(obj=article, move="mark_edited", user=editor)
    public_url = f"/news/{article.pk}/{article.slug}/"
    when = (timezone.localtime() + timedelta(days=3)).replace(hour=9, minute=30, second=0)

    desk = new_page()
    sign_in(desk, publisher)
    open_desk(desk, article)
    desk.get_by_label("Date and time (London)").fill(when.strftime("%Y-%m-%dT%H:%M"))
    desk.get_by_role("button", name="Schedule", exact=True).click()
    expect(success_message(desk)).to_have_text(
        f"“{article.headline}” is scheduled for {when:%d %b %Y at %H:%M}."
    )
    expect(state_of(desk)).to_have_text("Published")
    expect(desk.locator(".workflow-state")).to_contain_text("scheduled for")

    reader = new_page()
    assert reader.goto(public_url).status == 404
    reader.goto("/")
    expect(reader.get_by_role("link", name=article.headline)).to_have_count(0)


def test_the_home_page_leads_to_a_live_article_without_javascript(
    new_page, live_server, live_article
):
    reader = new_page(java_script_enabled=False)
    reader.goto("/")
    link = reader.get_by_role("link", name=live_article.headline)
    expect(link).to_have_attribute("href", live_article.get_absolute_url())
    link.click()
    expect(reader).to_have_url(live_server.url + live_article.get_absolute_url())
    expect(reader.locator("h1")).to_have_text(live_article.headline)
    expect(reader.locator(".standfirst")).to_have_text(live_article.standfirst)
