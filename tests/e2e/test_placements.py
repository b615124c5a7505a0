"""The seed article in a real browser: both placements labelled where the seed shows them, and a
click on the promoted one goes through our redirect to its destination and is counted."""

from sponsors.models import Placement, PlacementDay

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails) with the reason
    expect = None

# Headless Chromium says "HeadlessChrome", which the crawler list rightly catches; a reader's
# browser does not.
READER_BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36"
)


def test_the_seed_article_shows_both_placements_and_a_click_goes_through_the_redirect(
    new_page, live_server, live_demo
):
    article = live_demo
    promoted = Placement.objects.get(provenance="promoted")
    # A destination on the live server itself: no traffic leaves the machine.
    Placement.objects.filter(pk=promoted.pk).update(target_url=f"{live_server.url}/sponsored/")
    page = new_page(user_agent=READER_BROWSER)

    page.goto(article.get_absolute_url())

    inline = page.get_by_role(
        "complementary",
        name="Sponsored NextGen:AI - Intelligent Banking, Intelligent Future - Save the date! "
        "- 26 November 2024 - London",
    )
    foot = page.get_by_role(
        "complementary",
        name="Finextra Promoted [Impact Study] Fraud and AML Case Management: How to Operate "
        "at the Speed of Risk",
    )
    expect(inline).to_be_visible()
    expect(inline.locator(".label")).to_have_text("Sponsored")
    expect(inline).to_contain_text("by Northwind Cloud")
    expect(foot.locator(".label")).to_have_text("Finextra Promoted")
    expect(foot).to_contain_text("by Verity Risk Systems")
    # Where the seed shows them: the event after the story, the card after the comments.
    comments = page.locator("#comments")
    assert page.locator(".article-body").bounding_box()["y"] < inline.bounding_box()["y"]
    assert inline.bounding_box()["y"] < comments.bounding_box()["y"]
    assert comments.bounding_box()["y"] < foot.bounding_box()["y"]

    link = foot.get_by_role("link", name="[Impact Study] Fraud and AML Case Management")
    assert link.get_attribute("rel") == "sponsored noopener"
    assert link.get_attribute("href").startswith("/sponsored/go/")
    with page.expect_response(lambda r: "/sponsored/go/" in r.url) as redirect:
        link.click()

    assert redirect.value.status == 302
    page.wait_for_url(f"{live_server.url}/sponsored/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sponsored and promoted content")
    day = PlacementDay.objects.get(placement=promoted)
    assert day.clicks == 1
    assert day.impressions == 1, "the beacon counted the page view"
