"""The body editor as a writer uses it, in a real Chromium: a live word count, the browser's
spellcheck, typing after a link that does not join it, and the lead image shown in the form."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from finextra import roles

from .staff import sign_in
from .test_desk import (
    PlaywrightTimeoutError,
    image_loaded,
    photo_bytes,
    select_text_before_cursor,
    until_the_editor,
)

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails) with the reason
    expect = None

ALT = "Dealers on a bond trading floor"
STATEMENT = "https://www.example.com/statement"


def to_the_end_of_the_line(page, attempts=3):
    """End, right after the linked word (which ends the line). The link dialog gives the editor
    its selection back a moment after the focus: a key pressed before that is undone by it, so
    press again until the editor has the cursor there."""
    for attempt in range(attempts):
        page.keyboard.press("End")
        try:
            until_the_editor(page, "editor.state.selection.empty", timeout=5_000)
            return
        except PlaywrightTimeoutError:
            if attempt == attempts - 1:
                raise


def test_the_body_editor_counts_words_checks_spelling_and_ends_links(page, make_article, make_user):
    article = make_article(headline="Gilts rally", body="<p>Gilt yields fell on Tuesday.</p>")
    article.lead_image = SimpleUploadedFile("floor.jpg", photo_bytes(), "image/jpeg")
    article.lead_image_alt = ALT
    article.save()
    sign_in(page, make_user("spelling_writer", roles.WRITER))
    page.goto(reverse("admin:articles_article_change", args=[article.pk]))

    thumbnail = page.get_by_role("img", name=ALT)
    expect(thumbnail).to_be_visible()
    assert image_loaded(thumbnail)
    assert thumbnail.bounding_box()["width"] <= 240

    body = page.get_by_role("textbox", name="Body")
    words = page.locator("#id_body_words")
    expect(words).to_have_text("5 words")
    assert body.evaluate("editable => editable.spellcheck") is True
    expect(body).to_have_attribute("aria-describedby", "id_body_helptext id_body_words")

    body.click()
    page.keyboard.press("End")
    page.keyboard.type(" See the statement")
    expect(words).to_have_text("8 words")
    select_text_before_cursor(page, "statement")
    page.get_by_role("button", name="insert link").click()
    dialog = page.locator("dialog[open]")
    dialog.get_by_label("URL").fill(STATEMENT)
    dialog.get_by_role("button", name="Update").click()
    expect(body).to_be_focused()  # the dialog hands the focus back, the word still selected
    to_the_end_of_the_line(page)
    page.keyboard.type("s from the bank.")  # the letters right after it stay out of the link
    expect(body.get_by_role("link")).to_have_text("statement")
    expect(words).to_have_text("11 words")

    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    article.refresh_from_db()
    assert article.body == (
        f'<p>Gilt yields fell on Tuesday. See the <a href="{STATEMENT}" '
        'rel="noopener noreferrer">statement</a>s from the bank.</p>'
    )
