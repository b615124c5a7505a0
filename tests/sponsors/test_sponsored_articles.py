"""Articles with a paid provenance: they name their sponsor, wear their label at the top of the
page and wherever they are listed, get their provenance's note (never the editorial one), and
their links say rel="sponsored"."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from articles.models import Article
from articles.provenance import Provenance
from finextra.services import transition
from sponsors.models import Placement, Sponsor
from tests.conftest import demo_seed
from tests.factories import ArticleFactory

EDITORIAL_NOTE = "This content has been selected, created and edited by the Finextra editorial"
BODY_WITH_LINKS = (
    '<p>See <a href="https://example.com/report" rel="dofollow">the report</a> and '
    '<a href="mailto:press@example.com">the press office</a>.</p>'
)


@pytest.fixture
def sponsored_article(make_article, sponsor, editor, publisher):
    def make(provenance=Provenance.SPONSORED, **fields):
        article = make_article(
            headline=fields.pop("headline", "Who pays when instant payments go wrong"),
            provenance=provenance,
            sponsor=sponsor,
            body=fields.pop("body", BODY_WITH_LINKS),
            **fields,
        )
        transition(obj=article, move="mark_edited", user=editor)
        transition(obj=article, move="publish", user=publisher)
        return article

    return make


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.mark.parametrize(
    ("provenance", "label", "note"),
    [
        (
            Provenance.SPONSORED,
            "Sponsored by Northwind Cloud",
            "Sponsored by Northwind Cloud. The sponsor had no say over this content.",
        ),
        (
            Provenance.ADVERTISER_CONTENT,
            "Advertisement feature by Northwind Cloud",
            "Paid for and approved by Northwind Cloud.",
        ),
    ],
)
def test_a_paid_article_wears_its_label_and_note_and_never_the_editorial_note(
    client, sponsored_article, provenance, label, note
):
    article = sponsored_article(provenance)

    text = text_of(client.get(article.get_absolute_url()))
    page = text[text.index("Skip to content") :]

    assert label in page
    assert page.index(label) < page.index(article.headline), "the label is above the headline"
    assert note in text
    assert EDITORIAL_NOTE not in text


@pytest.mark.parametrize("provenance", [Provenance.SPONSORED, Provenance.ADVERTISER_CONTENT])
def test_no_paid_provenance_has_the_editorial_note(make_article, sponsor, provenance):
    article = make_article(provenance=provenance, sponsor=sponsor)

    assert article.provenance_note
    assert EDITORIAL_NOTE not in article.provenance_note


def test_a_paid_article_is_labelled_wherever_it_is_listed(client, sponsored_article, channel):
    article = sponsored_article(headline="Instant payments fraud report")

    for url in ("/", channel.get_absolute_url()):
        text = text_of(client.get(url))
        card = text[text.index("Sponsored by Northwind Cloud") :]
        assert card.index(article.headline) < 200, url


def test_the_links_in_a_paid_article_carry_rel_sponsored(client, sponsored_article):
    article = sponsored_article()

    html = client.get(article.get_absolute_url()).content.decode()
    body = html[html.index('class="article-body"') :]
    links = re.findall(r"<a [^>]*>", body[: body.index("</div>")])

    assert len(links) == 2
    for link in links:
        assert 'rel="sponsored noopener noreferrer"' in link, link


def test_links_in_an_editorial_article_are_not_marked_sponsored(make_article):
    article = make_article(body=BODY_WITH_LINKS)

    assert 'rel="noopener noreferrer"' in article.body
    assert "sponsored" not in article.body


def test_turning_an_article_paid_or_unpaid_marks_or_unmarks_its_links(make_article, sponsor):
    article = make_article(body=BODY_WITH_LINKS)

    article.provenance, article.sponsor = Provenance.SPONSORED, sponsor
    article.save()
    assert article.body.count('rel="sponsored noopener noreferrer"') == 2

    article.provenance, article.sponsor = Provenance.EDITORIAL, None
    article.save()
    assert "sponsored" not in article.body


def test_saving_a_paid_article_without_a_sponsor_is_refused(make_article, channel):
    article = ArticleFactory.build(channel=channel, provenance=Provenance.SPONSORED)
    with pytest.raises(ValidationError) as refusal:
        article.full_clean()
    assert "sponsor" in refusal.value.message_dict

    with pytest.raises(IntegrityError), transaction.atomic():
        article.save()


def test_an_article_can_never_be_promoted(make_article, sponsor):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(provenance=Provenance.PROMOTED, sponsor=sponsor)


class TestTheDemo:
    """Seeded once for the class (tests/conftest.py's `demo`)."""

    def test_the_demo_adds_sponsored_articles_with_their_labels(self, client, demo):
        paid = Article.objects.live().filter(sponsor__isnull=False)

        assert {a.provenance for a in paid} == {Provenance.SPONSORED, Provenance.ADVERTISER_CONTENT}
        for article in paid:
            text = text_of(client.get(article.get_absolute_url()))
            assert f"by {article.sponsor.name}" in text
            assert EDITORIAL_NOTE not in text
            assert 'rel="sponsored' in client.get(article.get_absolute_url()).content.decode()

    def test_the_demo_is_safe_to_run_again(self, demo):
        counts = (Placement.objects.count(), Sponsor.objects.count(), Article.objects.count())
        demo_seed()

        assert (Placement.objects.count(), Sponsor.objects.count(), Article.objects.count()) == (
            counts
        )
        assert Placement.objects.live().count() == 4
