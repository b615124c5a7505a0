"""The editor's desk in a real browser: a writer writes with the rich-text editor, uploads a lead
image and previews the draft; an editor and a publisher take it live; a reader gets the
formatting and the responsive image."""

import io

from django.urls import reverse
from PIL import Image, ImageDraw

from articles.models import Article, Channel
from finextra import roles

from .staff import sign_in, sign_out

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails) with the reason
    expect = None
    PlaywrightTimeoutError = TimeoutError

HEADLINE = "Central bank holds rates as inflation cools"
SLUG = "central-bank-holds-rates-as-inflation-cools"
LINK = "https://www.example.com/rates-statement"
ALT = "Traders watch screens on a trading floor"
WORD_PASTE = (
    '<html xmlns:o="urn:schemas-microsoft-com:office:office"><body>'
    '<p class="MsoNormal" style="margin:0cm;font-family:Calibri"><span style="color:#1F3864">'
    "<b>Pasted</b> from Word<o:p></o:p></span></p>"
    '<p class="MsoNormal"><span style="mso-spacerun:yes"> </span>'
    '<font face="Arial">Second paragraph</font></p>'
    '<table class="MsoTableGrid"><tr><td>a cell</td></tr></table>'
    "<script>window.pwned = true</script></body></html>"
)


def photo_bytes() -> bytes:
    image = Image.new("RGB", (1600, 1000), (12, 40, 80))
    draw = ImageDraw.Draw(image)
    for x in range(0, 1600, 100):
        draw.rectangle([x + 10, 400, x + 90, 900], fill=(40, 90 + x // 20, 160))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def until_the_editor(page, condition: str, timeout: float = 30_000):
    """Wait until `condition` holds of the rich-text editor's own state (Tiptap's `editor`): it
    reads the browser's selection a moment after a key moves it, and a toolbar button acts on
    the editor's selection, not the browser's."""
    page.wait_for_function(
        f"() => {{ const editor = document.querySelector('.tiptap').editor; return {condition}; }}",
        timeout=timeout,
    )


def select_text_before_cursor(page, text, attempts=3):
    """Shift+Left over `text`, which ends the line. On a loaded machine the editor can miss a
    key while it is still taking the typing in: then start again from the end of the line."""
    selected = (
        "editor.state.doc.textBetween(editor.state.selection.from, editor.state.selection.to)"
        f" === {text!r}"
    )
    for attempt in range(attempts):
        page.keyboard.press("End")
        for _ in text:
            page.keyboard.press("Shift+ArrowLeft")
        try:
            until_the_editor(page, selected, timeout=5_000)
            return
        except PlaywrightTimeoutError:
            if attempt == attempts - 1:
                raise


def image_loaded(locator) -> bool:
    return locator.evaluate("img => img.complete && img.naturalWidth > 0")


def test_a_writer_writes_uploads_and_previews_and_the_desk_takes_it_live(new_page, make_user, db):
    Channel.objects.create(name="Capital Markets", slug="capital-markets")
    writer = make_user("desk_writer", roles.WRITER)
    editor = make_user("sub_editor", roles.EDITOR)
    publisher = make_user("duty_publisher", roles.PUBLISHER)

    desk = new_page()
    sign_in(desk, writer)
    desk.goto("/admin/articles/article/add/")
    desk.get_by_label("Headline").press_sequentially(HEADLINE)  # typed: the slug follows it
    expect(desk.get_by_label("Slug")).to_have_value(SLUG)
    expect(desk.locator("#id_headline_count")).to_have_text(
        f"{len(HEADLINE)} of 150 characters (search results show about 60)"
    )
    desk.get_by_label("Standfirst").fill("The bank kept its main rate at 4.25%.")

    body = desk.get_by_role("textbox", name="Body")
    body.click()
    desk.keyboard.type("Rates ")
    desk.get_by_role("button", name="bold", exact=True).click()
    desk.keyboard.type("held steady")
    desk.get_by_role("button", name="bold", exact=True).click()
    desk.keyboard.type(", said the central bank")
    select_text_before_cursor(desk, "central bank")
    desk.get_by_role("button", name="insert link").click()
    dialog = desk.locator("dialog[open]")
    dialog.get_by_label("URL").fill(LINK)
    dialog.get_by_role("button", name="Update").click()
    expect(body.get_by_role("link", name="central bank")).to_have_attribute("href", LINK)
    expect(body).to_be_focused()  # the dialog hands the focus back, the words still selected
    desk.keyboard.press("ArrowRight")  # the linked words end the paragraph
    until_the_editor(desk, "editor.state.selection.empty")
    desk.keyboard.press("Enter")
    desk.get_by_role("button", name="unordered list").click()
    desk.keyboard.type("Inflation fell to 2.1%")
    desk.keyboard.press("Enter")
    desk.keyboard.type("Wages grew more slowly")

    desk.get_by_label("Channel").select_option(label="Capital Markets")
    desk.get_by_label("Lead image:").set_input_files(
        files=[{"name": "trading-floor.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()}]
    )
    desk.get_by_label("Alt text").fill(ALT)
    desk.get_by_role("button", name="Save and continue editing").click()
    expect(desk.locator(".messagelist .success")).to_contain_text("was added successfully")

    article = Article.objects.get(slug=SLUG)
    assert "<strong>held steady</strong>" in article.body
    assert f'<a href="{LINK}" rel="noopener noreferrer">central bank</a>' in article.body
    assert "<ul><li><p>Inflation fell to 2.1%</p></li>" in article.body
    assert {r["width"] for r in article.lead_image_renditions} == {480, 960, 1440}

    desk.get_by_role("link", name="Preview").click()
    expect(desk).to_have_url(reverse("admin:articles_article_preview", args=[article.pk]))
    expect(desk.locator(".preview-banner")).to_contain_text("readers cannot see it")
    expect(desk.locator("h1")).to_have_text(HEADLINE)
    expect(desk.locator(".article-body strong")).to_have_text("held steady")
    preview_image = desk.get_by_role("img", name=ALT)
    expect(preview_image).to_be_visible()
    assert image_loaded(preview_image)
    desk.get_by_role("link", name="Back to the desk").click()
    sign_out(desk)

    reader = new_page()
    assert reader.goto(article.get_absolute_url()).status == 404, "a draft is not public"

    sign_in(desk, editor)
    desk.goto(reverse("admin:articles_article_change", args=[article.pk]))
    desk.get_by_role("button", name="Mark as edited").click()
    expect(desk.locator(".workflow-state strong")).to_have_text("Edited")
    sign_out(desk)
    sign_in(desk, publisher)
    desk.goto(reverse("admin:articles_article_change", args=[article.pk]))
    desk.get_by_role("button", name="Publish", exact=True).click()
    expect(desk.locator(".workflow-state strong")).to_have_text("Published")

    assert reader.goto(article.get_absolute_url()).status == 200
    article_body = reader.locator(".article-body")
    expect(article_body.locator("strong")).to_have_text("held steady")
    expect(article_body.get_by_role("link", name="central bank")).to_have_attribute("href", LINK)
    expect(article_body.get_by_role("listitem")).to_have_text(
        ["Inflation fell to 2.1%", "Wages grew more slowly"]
    )
    image = reader.get_by_role("img", name=ALT)
    expect(image).to_be_visible()
    assert image_loaded(image)
    assert "480w" in image.get_attribute("srcset")
    assert (image.get_attribute("width"), image.get_attribute("height")) == ("1440", "900")
    # The browser picked a WebP rendition of the right size for its viewport.
    assert image.evaluate("img => img.currentSrc").endswith("w.webp")


def test_text_pasted_from_word_keeps_its_words_and_loses_its_dirt(new_page, make_user, db):
    Channel.objects.create(name="Payments", slug="payments")
    writer = make_user("desk_writer", roles.WRITER)
    desk = new_page()
    sign_in(desk, writer)
    desk.goto("/admin/articles/article/add/")
    desk.get_by_label("Headline").press_sequentially("Pasted copy")
    desk.get_by_label("Standfirst").fill("From a Word document.")
    desk.get_by_label("Channel").select_option(label="Payments")
    body = desk.get_by_role("textbox", name="Body")
    body.click()

    body.evaluate(
        """(editor, html) => {
            const data = new DataTransfer();
            data.setData("text/html", html);
            data.setData("text/plain", "Pasted from Word");
            editor.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data,
                bubbles: true, cancelable: true}));
        }""",
        WORD_PASTE,
    )

    expect(body).to_contain_text("Pasted from Word")
    expect(body).to_contain_text("Second paragraph")
    desk.get_by_role("button", name="Save", exact=True).click()
    expect(desk.locator(".messagelist .success")).to_contain_text("was added successfully")
    stored = Article.objects.get(slug="pasted-copy").body
    assert "<strong>Pasted</strong> from Word" in stored
    assert "Second paragraph" in stored
    for dirt in ("Mso", "mso-", "style=", "class=", "<span", "<font", "<o:p", "<script"):
        assert dirt not in stored, dirt
    assert not desk.evaluate("window.pwned === true")
