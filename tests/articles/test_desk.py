"""The article desk: the rich-text body (and the server's cleaning of it), the counted headline
and standfirst, the admin's front page of queues, and the demo newsroom."""

import json
import re

from django.urls import reverse
from django_prose_editor.config import allowlist_from_extensions

from articles.forms import BODY_EDITOR_EXTENSIONS, BodyField
from articles.models import Article
from articles.sanitize import ALLOWED_TAGS, clean_body
from finextra.services import transition
from finextra.workflow import State

from .helpers import article_form, change_url, csrf_token, post_new_article, signed_in

WORD_PASTE = (
    '<p class="MsoNormal" style="mso-margin-top-alt:auto"><span style="font-family:Calibri">'
    "<b>Rates</b> held<o:p></o:p></span></p>"
    '<p class="MsoListParagraph" style="mso-list:l0 level1 lfo1">'
    "<span style='mso-list:Ignore'>·</span>Second point</p>"
    '<script>alert("x")</script><img src=x onerror=alert(1)>'
    '<a href="javascript:alert(1)" onclick="steal()">a trap</a>'
    '<h1 style="color:red">Shouted</h1>'
)


# Writing: the editor, and what the server keeps.


def test_the_body_is_edited_with_the_rich_text_editor_and_its_own_assets(writer):
    html = signed_in(writer).get(reverse("admin:articles_article_add")).content.decode()

    textarea = re.search(r"<textarea[^>]*name=\"body\"[^>]*>", html).group(0)
    config = json.loads(
        re.search(r"data-django-prose-editor-configurable=\"([^\"]*)\"", textarea)
        .group(1)
        .replace("&quot;", '"')
    )
    assert {"Bold", "Italic", "Link", "BulletList", "Heading"} <= set(config["extensions"])
    # The package's own files, from our static files: nothing from another host.
    assert "/static/django_prose_editor/editor.js" in html
    assert "/static/django_prose_editor/configurable.js" in html
    assert not re.search(r"(src|href)=\"https?://", html)


def test_the_editor_writes_only_tags_the_servers_allow_list_keeps():
    editor_tags = allowlist_from_extensions(BODY_EDITOR_EXTENSIONS)["tags"]

    assert editor_tags <= ALLOWED_TAGS
    assert {"strong", "em", "a", "ul", "ol", "li", "h2", "blockquote"} <= editor_tags


def test_whatever_the_browser_sends_the_stored_body_is_cleaned(writer, channel):
    response = post_new_article(signed_in(writer), article_form(channel, body=WORD_PASTE))

    assert response.status_code == 302
    body = Article.objects.get().body
    assert "<strong>Rates</strong> held" in body or "<b>Rates</b> held" in body
    assert "Second point" in body and "Shouted" in body
    for dirt in (
        "mso-",
        "style=",
        "class=",
        "<script",
        "onerror",
        "javascript:",
        "onclick",
        "<o:p",
    ):
        assert dirt not in body, dirt
    assert "<h1" not in body


def test_a_link_left_without_a_title_keeps_no_empty_title():
    html = (
        '<p><a href="https://example.com/" title="">a link</a> <a title="Rates" href="/r">r</a></p>'
    )

    assert clean_body(html) == (
        '<p><a href="https://example.com/" rel="noopener noreferrer">a link</a> '
        '<a title="Rates" href="/r" rel="noopener noreferrer">r</a></p>'
    )


def test_an_emptied_editor_is_no_body(writer, channel):
    response = post_new_article(signed_in(writer), article_form(channel, body="<p></p>"))

    assert response.status_code == 200
    assert "This field is required." in str(response.context["adminform"].form.errors["body"])
    assert Article.objects.count() == 0


def test_the_editor_respelling_a_body_is_not_a_change():
    stored = '<p>One &amp; two</p>\n<p>Three <a href="https://example.com">link</a></p>'
    from_the_editor = '<p>One &amp; two</p><p>Three <a href="https://example.com">link</a></p>'

    field = BodyField()

    assert not field.has_changed(stored, from_the_editor)
    assert field.has_changed(stored, from_the_editor.replace("two", "three"))
    assert field.has_changed(stored, from_the_editor.replace("link</a>", "link</a>!"))


def test_a_writer_saving_an_edited_article_unchanged_keeps_it_edited(
    writer, editor, make_article, channel
):
    article = make_article(body="<p>First.</p>\n<p>Second.</p>")
    transition(obj=article, move="mark_edited", user=editor)
    article.refresh_from_db()
    client = signed_in(writer)
    token = csrf_token(client, change_url(article))
    unchanged = article_form(
        channel,
        headline=article.headline,
        slug=article.slug,
        standfirst=article.standfirst,
        body="<p>First.</p><p>Second.</p>",  # as the editor writes it back
        seen_version=article.version,
    )

    client.post(change_url(article), {"csrfmiddlewaretoken": token, **unchanged})
    article.refresh_from_db()
    assert article.state == State.EDITED

    token = csrf_token(client, change_url(article))
    changed = {**unchanged, "body": "<p>First.</p><p>Second, rewritten.</p>"}
    changed["seen_version"] = article.version
    client.post(change_url(article), {"csrfmiddlewaretoken": token, **changed})
    article.refresh_from_db()
    assert article.state == State.DRAFT


def test_headline_and_standfirst_are_counted_against_their_limits(writer):
    html = signed_in(writer).get(reverse("admin:articles_article_add")).content.decode()

    headline = re.search(r"<input[^>]*name=\"headline\"[^>]*>", html).group(0)
    standfirst = re.search(r"<textarea[^>]*name=\"standfirst\"[^>]*>", html).group(0)
    assert 'maxlength="150"' in headline and 'data-count-advice="60"' in headline
    assert 'maxlength="320"' in standfirst and 'data-count-advice="160"' in standfirst
    assert '<script src="/static/admin-desk.js"></script>' in html


def test_the_server_refuses_a_headline_over_its_limit(writer, channel):
    response = post_new_article(signed_in(writer), article_form(channel, headline="x" * 151))

    assert response.status_code == 200
    assert "at most 150 characters" in str(response.context["adminform"].form.errors)
    assert Article.objects.count() == 0


# The demo newsroom.


class TestTheDemo:
    """Seeded once for the class (tests/conftest.py's `demo`)."""

    def test_it_has_some_thirty_articles_over_every_channel_with_authors_and_tags(self, demo):
        ours = Article.objects.filter(sponsor__isnull=True)
        assert 28 <= ours.count() <= 34
        live = ours.live()
        assert live.count() >= 20
        assert live.values("channel").distinct().count() == 4
        assert not ours.filter(authors=None).exists()
        assert not ours.filter(tags=None).exists()
        assert Article.objects.live().filter(lead_image="").count() < live.count()
