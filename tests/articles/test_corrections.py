"""Published corrections: an editor or publisher adds a dated note to a live article from its
change form; readers see it at the foot of the article (and search engines in the JSON-LD), the
history says who published it, and nobody else can add one."""

import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles.corrections import NOTE_MAX_LENGTH, correction_publish
from articles.models import Article
from finextra.services import history_for
from finextra.workflow import TransitionRefused

from .helpers import change_url, post_change, signed_in

pytestmark = pytest.mark.django_db

NOTE = "An earlier version said the fine was £2m. It was £2.5m."


def page_html(client, article) -> str:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def foot(html: str) -> str:
    """The page from the end of the article body on."""
    return html[html.index('<div class="article-body">') :]


@pytest.mark.parametrize("role", ["editor", "publisher"])
def test_an_editor_or_publisher_adds_a_correction_readers_see_at_the_foot(
    request, role, client, live_article
):
    user = request.getfixturevalue(role)
    assert "corrections-title" not in page_html(client, live_article)  # its part is now cached

    response = post_change(
        signed_in(user), live_article, correction=f"  {NOTE}  ", correction_confirm="on"
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    html = page_html(client, live_article)
    today = timezone.localdate()
    assert re.search(
        r'<section class="corrections" aria-labelledby="corrections-title">\s*'
        r'<h2 id="corrections-title">Correction</h2>',
        html,
    )
    assert f"{today:%Y-%m-%d}T" in foot(html)
    assert f"{today.day} {today:%B %Y}</time>: {NOTE}" in foot(html).replace("&#x27;", "'")
    assert foot(html).index("Correction") > foot(html).index("article-body")
    assert 'href="/corrections/">How we correct our reporting</a>' in html
    assert "· Updated <time" in html  # the byline says the article changed

    entry = history_for(live_article).first()
    assert (entry.move_label, entry.actor, entry.note) == ("Correction published", user, NOTE)
    desk = signed_in(user).get(change_url(live_article)).content.decode()
    assert "Correction published" in desk
    assert NOTE.replace("'", "&#x27;") in desk  # listed under "Corrections" on the form


def test_corrections_accumulate_oldest_first_and_the_copy_change_is_kept(
    client, editor, live_article
):
    desk = signed_in(editor)
    post_change(desk, live_article, correction="First note.", correction_confirm="on")
    response = post_change(
        desk,
        live_article,
        standfirst="A corrected standfirst.",
        correction="Second note.",
        correction_confirm="on",
    )
    assert response.status_code == 302

    html = foot(page_html(client, live_article))
    assert '<h2 id="corrections-title">Corrections</h2>' in html
    assert html.index("First note.") < html.index("Second note.")
    live_article.refresh_from_db()
    assert live_article.standfirst == "A corrected standfirst."
    assert [c.note for c in live_article.correction_list] == ["First note.", "Second note."]
    moves = [entry.move for entry in history_for(live_article)[:3]]
    assert moves == ["correction", "live_change", "correction"]


def test_a_writer_cannot_add_a_correction(client, writer, live_article):
    response = post_change(signed_in(writer), live_article, correction=NOTE)

    assert response.status_code == 403
    live_article.refresh_from_db()
    assert live_article.corrections == []
    assert "corrections-title" not in page_html(client, live_article)


def test_unpublished_articles_offer_no_correction_and_ignore_one_posted(
    make_article, editor, publisher
):
    draft = make_article(headline="A draft", slug="a-draft")
    desk = signed_in(editor)
    assert 'name="correction"' not in desk.get(change_url(draft)).content.decode()

    response = post_change(desk, draft, correction=NOTE)

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.corrections == []
    assert "correction" not in [entry.move for entry in history_for(draft)]
    with pytest.raises(TransitionRefused, match="live articles only"):
        correction_publish(article=draft, note=NOTE, user=publisher)


def test_the_correction_field_is_offered_on_a_live_article(editor, live_article):
    html = signed_in(editor).get(change_url(live_article)).content.decode()

    assert '<label for="id_correction">Add a correction:</label>' in html
    assert "None yet." in html


def test_a_too_long_correction_is_refused_and_everything_typed_is_kept(editor, live_article):
    too_long = "x" * (NOTE_MAX_LENGTH + 1)
    response = post_change(
        signed_in(editor), live_article, headline="A new headline", correction=too_long
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert f"at most {NOTE_MAX_LENGTH} characters" in html
    assert too_long in html and 'value="A new headline"' in html
    live_article.refresh_from_db()
    assert live_article.headline == "Markets rally on rate cut"
    assert live_article.corrections == []


def test_a_blank_correction_adds_nothing(editor, live_article):
    assert post_change(signed_in(editor), live_article, correction="   ").status_code == 302
    live_article.refresh_from_db()
    assert live_article.corrections == []
    with pytest.raises(TransitionRefused, match="needs a note"):
        correction_publish(article=live_article, note=" ", user=editor)


def test_the_note_is_shown_as_text_never_as_markup(client, editor, live_article):
    correction_publish(article=live_article, note='<script>alert("x")</script> & <b>', user=editor)

    html = foot(page_html(client, live_article))
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;" in html


def test_a_save_from_a_form_opened_before_the_correction_keeps_it(editor, live_article):
    stale = Article.objects.get(pk=live_article.pk)
    correction_publish(article=live_article, note=NOTE, user=editor)

    stale.standfirst = "Changed by someone else."
    stale.save()

    assert [c.note for c in Article.objects.get(pk=live_article.pk).correction_list] == [NOTE]


def test_corrections_are_in_the_json_ld(client, editor, live_article):
    correction_publish(article=live_article, note=NOTE, user=editor)

    html = page_html(client, live_article)
    data = json.loads(re.search(r'"application/ld\+json">(.*?)</script>', html).group(1))
    [correction] = data["correction"]
    assert (correction["@type"], correction["text"]) == ("CorrectionComment", NOTE)
    published = parse_datetime(correction["datePublished"])
    assert abs(published - live_article.correction_list[0].at) < timedelta(milliseconds=1)


def test_corrections_cost_the_article_page_no_query(client, editor, live_article):
    page_html(client, live_article)  # the channel menu and the placements are cached now
    Article.objects.filter(pk=live_article.pk).update(updated_at=timezone.now())  # not the part
    with CaptureQueriesContext(connection) as plain:
        page_html(client, live_article)

    correction_publish(article=live_article, note=NOTE, user=editor)  # a new cached part
    with CaptureQueriesContext(connection) as corrected:
        assert NOTE in page_html(client, live_article).replace("&#x27;", "'")

    assert len(corrected) == len(plain)


def test_a_correction_is_published_only_once_its_box_is_ticked(client, editor, live_article):
    response = post_change(
        signed_in(editor), live_article, headline="A new headline", correction=NOTE
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Tick this box to publish the correction" in html
    assert "can never be changed or removed" in html
    assert 'value="A new headline"' in html  # what was typed is kept
    live_article.refresh_from_db()
    assert live_article.headline == "Markets rally on rate cut"
    assert live_article.corrections == []
    assert "correction" not in [entry.move for entry in history_for(live_article)]
