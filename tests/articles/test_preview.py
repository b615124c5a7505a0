"""Preview: an unpublished article, as it stands, in the site's own template, for the newsroom
who may view it in the admin, and for no one else."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from finextra.services import transition

from .helpers import picture, signed_in, upload


def preview_url(article) -> str:
    return reverse("admin:articles_article_preview", args=[article.pk])


@pytest.fixture
def draft(make_article):
    return make_article(
        headline="Bank of England to consult on a digital pound",
        slug="digital-pound-consultation",
        standfirst="The consultation opens next month.",
        body="<p>The <strong>Bank of England</strong> will consult on the design.</p>",
    )


@pytest.mark.parametrize("role", ["writer", "editor", "publisher"])
def test_the_newsroom_sees_a_draft_in_the_sites_own_template(request, draft, role):
    client = signed_in(request.getfixturevalue(role))

    response = client.get(preview_url(draft))

    assert response.status_code == 200
    assert response.templates[0].name == "articles/article_detail.html"
    html = response.content.decode()
    assert '<h1 id="headline">Bank of England to consult on a digital pound</h1>' in html
    assert "<strong>Bank of England</strong>" in html
    assert "Preview" in html and "readers cannot see it" in html
    assert "Be the first to comment" in html  # the comment tags run on an unpublished article
    assert "Comments are not available on this article." in html


def test_a_preview_is_never_indexed_or_stored_by_a_cache(writer, draft):
    response = signed_in(writer).get(preview_url(draft))

    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    html = response.content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert 'rel="canonical"' not in html


@pytest.mark.parametrize("role", ["commercial", "moderator"])
def test_staff_outside_the_newsroom_get_a_404(request, draft, role):
    response = signed_in(request.getfixturevalue(role)).get(preview_url(draft))

    assert response.status_code == 404
    assert draft.headline not in response.content.decode()


def test_a_reader_without_staff_status_is_sent_to_sign_in(make_user, draft):
    reader = make_user("riley")

    response = signed_in(reader).get(preview_url(draft))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert draft.headline not in response.content.decode()


def test_an_anonymous_visitor_is_sent_to_sign_in(draft):
    response = Client().get(preview_url(draft))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={preview_url(draft)}"


@pytest.mark.parametrize("object_id", ["999999", "abc", "1.5", "-1"])
def test_an_unknown_or_malformed_id_is_a_404(writer, draft, object_id):
    url = reverse("admin:articles_article_changelist") + f"{object_id}/preview/"

    assert signed_in(writer).get(url).status_code == 404


def test_the_preview_shows_the_lead_image_scheduled_state_and_live_links(
    writer, editor, publisher, make_article
):
    article = make_article(lead_image=upload(picture()), lead_image_alt="A trading floor")
    transition(obj=article, move="mark_edited", user=editor)
    when = timezone.now() + timedelta(days=2)
    transition(obj=article, move="publish", user=publisher, at=when)

    html = signed_in(writer).get(preview_url(article)).content.decode()

    assert "scheduled for" in html
    assert 'alt="A trading floor"' in html
    assert "srcset=" in html
    assert Client().get(article.get_absolute_url()).status_code == 404


def test_the_change_form_links_to_the_preview(writer, draft):
    html = (
        signed_in(writer)
        .get(reverse("admin:articles_article_change", args=[draft.pk]))
        .content.decode()
    )

    assert f'<a href="{preview_url(draft)}" class="previewlink">Preview</a>' in html


def test_view_on_site_is_offered_only_for_a_live_article(editor, publisher, draft):
    change_url = reverse("admin:articles_article_change", args=[draft.pk])
    client = signed_in(publisher)
    assert "View on site" not in client.get(change_url).content.decode()

    transition(obj=draft, move="mark_edited", user=editor)
    transition(obj=draft, move="publish", user=publisher)

    assert "View on site" in client.get(change_url).content.decode()


def test_preview_changes_nothing(writer, draft):
    before = Article.objects.values().get(pk=draft.pk)

    signed_in(writer).get(preview_url(draft))

    assert Article.objects.values().get(pk=draft.pk) == before
