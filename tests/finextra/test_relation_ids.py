"""A value posted for a relation field that cannot be an id (the autocomplete fields, the plain
selects) is a message under that field, the rest of the form kept; never a 500."""

import pytest
from django.urls import reverse

from articles.models import Article, Author
from finextra import roles
from sponsors.models import Placement, Sponsor
from tests.articles.helpers import article_form, csrf_token, signed_in
from tests.sponsors.test_admin import form_data as placement_form

MALFORMED = [
    "abc",
    "1.5",
    "1e3",
    "0x1",
    "None",
    "[1]",
    "1\x00",
    "-1",
    "99999999999999999999999",  # past any integer column
    "٣",  # an Arabic-Indic digit: Python reads it as 3, there is no row 3
]


def _post(client, url, data):
    client.raise_request_exception = False
    token = csrf_token(client, url)
    return client.post(url, {**data, "csrfmiddlewaretoken": token})


def _field_errors(response, field) -> str:
    assert response.status_code == 200, response.status_code
    errors = response.context["adminform"].form.errors
    assert field in errors, errors
    return " ".join(errors[field])


@pytest.mark.parametrize("value", MALFORMED)
@pytest.mark.parametrize("field", ["sponsor", "authors", "tags", "channel"])
def test_an_article_with_a_malformed_relation_id_is_a_form_error(editor, channel, field, value):
    client = signed_in(editor)
    data = {**article_form(channel, headline="Typed with care"), field: value}
    if field == "sponsor":
        data["provenance"] = "sponsored"

    response = _post(client, reverse("admin:articles_article_add"), data)

    assert _field_errors(response, field)
    assert 'value="Typed with care"' in response.content.decode()
    assert not Article.objects.exists()


@pytest.mark.parametrize("value", MALFORMED)
@pytest.mark.parametrize("field", ["sponsor", "shown_for", "paid_by", "channels"])
def test_a_placement_with_a_malformed_relation_id_is_a_form_error(make_user, db, field, value):
    client = signed_in(make_user("sales", roles.COMMERCIAL))
    sponsor = Sponsor.objects.create(name="Northwind Cloud", slug="northwind-cloud")
    data = {**placement_form(sponsor, title="Typed with care"), field: value}

    response = _post(client, reverse("admin:sponsors_placement_add"), data)

    assert _field_errors(response, field)
    assert 'value="Typed with care"' in response.content.decode()
    assert not Placement.objects.exists()


@pytest.mark.parametrize("value", MALFORMED)
def test_an_author_with_a_malformed_user_id_is_a_form_error(editor, value):
    client = signed_in(editor)
    data = {"name": "Alice Morgan", "slug": "alice-morgan", "bio": "", "user": value}

    response = _post(client, reverse("admin:articles_author_add"), data)

    assert _field_errors(response, "user")
    assert not Author.objects.exists()


def test_a_malformed_id_on_a_change_form_keeps_the_saved_row(editor, make_article):
    article = make_article(headline="Saved headline")
    client = signed_in(editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = {
        **article_form(article.channel, headline="Changed headline", slug=article.slug),
        "seen_version": article.version,
        "tags": ["abc", "99999999999999999999999"],
    }

    response = _post(client, url, data)

    assert _field_errors(response, "tags")
    article.refresh_from_db()
    assert article.headline == "Saved headline"
