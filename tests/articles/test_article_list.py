"""The article list: bulk moves through the workflow, who saved last, and a search that reads
the body (the full-text document on PostgreSQL, never a LIKE over every body)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from finextra.services import history_for, transition
from finextra.workflow import State

from .helpers import csrf_token, messages_of, post_change, signed_in

LIST = "/admin/articles/article/"


def run_action(client, action, articles, **extra):
    token = csrf_token(client, LIST)
    data = {
        "csrfmiddlewaretoken": token,
        "action": action,
        "_selected_action": [article.pk for article in articles],
        **extra,
    }
    return client.post(LIST, data, follow=True)


def action_names(html: str) -> set[str]:
    return set(re.findall(r'<option value="([a-z_]+)">', html))


@pytest.mark.parametrize(
    ("role", "offered"),
    [
        ("writer", set()),
        ("editor", {"mark_edited_selected"}),
        ("publisher", {"publish_selected", "unpublish_selected"}),
    ],
)
def test_each_role_is_offered_the_bulk_moves_it_may_make(request, make_article, role, offered):
    make_article()
    html = signed_in(request.getfixturevalue(role)).get(LIST).content.decode()

    bulk = action_names(html) & {"mark_edited_selected", "publish_selected", "unpublish_selected"}
    assert bulk == offered
    assert "delete_selected" not in action_names(html) or role == "publisher"


def test_an_editor_marks_several_drafts_edited_with_a_result_for_each(
    make_article, editor, publisher
):
    drafts = [make_article(headline=f"Draft {n}") for n in (1, 2)]
    live = make_article(headline="Already live")
    transition(obj=live, move="mark_edited", user=editor)
    transition(obj=live, move="publish", user=publisher)

    response = run_action(signed_in(editor), "mark_edited_selected", [*drafts, live])

    assert messages_of(response) == [
        "“Draft 1” is now edited.",
        "“Draft 2” is now edited.",
        "“Already live”: “Mark as edited” applies to draft items, and this article is "
        "published. Nothing was changed.",
    ]
    assert {a.state for a in Article.objects.filter(pk__in=[d.pk for d in drafts])} == {
        State.EDITED
    }
    assert history_for(drafts[0]).first().actor == editor


def test_a_publisher_publishes_several_edited_articles_and_a_draft_is_refused(
    make_article, editor, publisher, client
):
    edited = [make_article(headline=f"Edited {n}") for n in (1, 2, 3)]
    for article in edited:
        transition(obj=article, move="mark_edited", user=editor)
    draft = make_article(headline="Not yet edited")

    response = run_action(signed_in(publisher), "publish_selected", [*edited, draft])

    assert messages_of(response)[:3] == [f"“Edited {n}” is now published." for n in (1, 2, 3)]
    assert "“Not yet edited”: “Publish” applies to edited items" in messages_of(response)[3]
    for article in edited:
        article.refresh_from_db()
        assert client.get(article.get_absolute_url()).status_code == 200
    draft.refresh_from_db()
    assert (draft.state, draft.version) == (State.DRAFT, 1)


def test_bulk_unpublish_asks_first_then_takes_each_down(live_article, make_article, publisher):
    draft = make_article(headline="Just a draft")
    client = signed_in(publisher)

    asked = run_action(client, "unpublish_selected", [live_article, draft])

    html = asked.content.decode()
    assert "Unpublish these articles?" in html
    assert "Markets rally on rate cut" in html and "Just a draft" in html
    assert ">Yes, unpublish them</button>" in html
    live_article.refresh_from_db()
    assert live_article.is_live

    done = run_action(client, "unpublish_selected", [live_article, draft], confirm="yes")

    assert messages_of(done)[0] == (
        "“Markets rally on rate cut” is unpublished: back in draft, and its address now "
        "answers 404 Not Found."
    )
    assert "“Just a draft”: “Unpublish” applies to published items" in messages_of(done)[1]
    live_article.refresh_from_db()
    assert live_article.state == State.DRAFT


def test_the_list_shows_when_and_by_whom_each_article_was_last_saved(make_article, writer):
    article = make_article(headline="Saved by the writer")
    post_change(signed_in(writer), article, standfirst="Changed.")

    html = signed_in(writer).get(LIST).content.decode()

    assert '<th scope="col" class="sortable column-updated">' in html
    assert "<small>by writer</small>" in html


def test_the_list_costs_the_same_queries_for_many_articles(make_article, writer):
    client = signed_in(writer)
    post_change(client, make_article(), standfirst="Saved.")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST).status_code == 200
        return len(captured)

    one = queries()
    for _ in range(15):
        post_change(client, make_article(), standfirst="Saved.")

    assert queries() == one


def test_search_finds_words_in_the_body(make_article, editor):
    wanted = make_article(
        headline="Quarterly results", body="<p>The bank cited stablecoin settlement.</p>"
    )
    make_article(headline="Something else", body="<p>Nothing to see.</p>")
    client = signed_in(editor)

    with CaptureQueriesContext(connection) as captured:
        html = client.get(LIST, {"q": "stablecoin"}).content.decode()

    assert "Quarterly results" in html and "Something else" not in html
    assert wanted.headline in html
    searched = [q["sql"] for q in captured if "stablecoin" in q["sql"]]
    assert searched
    if connection.vendor == "postgresql":
        # The body is read through the indexed document, never a LIKE over every body.
        assert all("search_document" in sql for sql in searched)
        assert not any(re.search(r'"body(_text)?"\)? ?(I?LIKE|::text)', sql) for sql in searched)
    else:
        assert any("body_text" in sql for sql in searched)


def test_search_still_finds_headlines_and_slugs(make_article, editor):
    make_article(headline="Payments outage at a big bank", slug="payments-outage")
    make_article(headline="Other news", slug="other-news")

    html = signed_in(editor).get(LIST, {"q": "outage"}).content.decode()

    assert "Payments outage at a big bank" in html and "Other news" not in html


def test_search_with_only_symbols_lists_everything_and_never_fails(make_article, editor):
    make_article(headline="Anything")

    response = signed_in(editor).get(LIST, {"q": "\"'<>&|!"})

    assert response.status_code == 200
    assert "Anything" in response.content.decode()


def test_the_changelist_link_for_a_queue_is_what_the_front_page_uses(editor):
    response = signed_in(editor).get(reverse("admin:articles_article_changelist"), {"queue": "x"})

    assert response.status_code == 200
