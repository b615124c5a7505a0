"""Articles in each state a reader must or must not see, made through the workflow (feeds,
sitemaps, structured data)."""

from datetime import timedelta

from django.utils import timezone

from articles.models import Article, Author, Tag
from articles.provenance import Provenance
from finextra.services import transition
from sponsors.models import Sponsor


def publish(article, *, editor, publisher, at=None):
    transition(obj=article, move="mark_edited", user=editor)
    transition(obj=article, move="publish", user=publisher, at=at)
    article.refresh_from_db()
    return article


def newsroom(*, make_article, editor, publisher, channel) -> dict[str, Article]:
    """One article of each kind: live editorial (with authors and tags), live sponsored, live
    advertisement feature, live but three days old, draft, scheduled and withdrawn."""
    sponsor = Sponsor.objects.create(
        name="Northwind Cloud", slug="northwind-cloud", website="https://northwind.example"
    )
    alice = Author.objects.create(name="Alice Morgan", slug="alice-morgan")
    bob = Author.objects.create(name="Bob Lee", slug="bob-lee")
    rates = Tag.objects.create(name="Rates", slug="rates")
    kinds = {
        "editorial": make_article(
            headline="Markets rally on rate cut", standfirst="Shares rose across Europe."
        ),
        "sponsored": make_article(
            headline="Cloud banking explained",
            provenance=Provenance.SPONSORED,
            sponsor=sponsor,
        ),
        "advertiser": make_article(
            headline="Why our cloud wins",
            provenance=Provenance.ADVERTISER_CONTENT,
            sponsor=sponsor,
        ),
        "old": make_article(headline="Last week's payments round-up"),
        "draft": make_article(headline="Embargoed merger of two banks"),
        "scheduled": make_article(headline="Tomorrow's results preview"),
        "withdrawn": make_article(headline="Legally withdrawn story"),
    }
    kinds["editorial"].authors.add(alice, bob)
    kinds["editorial"].tags.add(rates)
    kinds["draft"].tags.add(Tag.objects.create(name="Secret deal", slug="secret-deal"))
    for name in ("editorial", "sponsored", "advertiser", "old", "withdrawn"):
        publish(kinds[name], editor=editor, publisher=publisher)
    publish(
        kinds["scheduled"],
        editor=editor,
        publisher=publisher,
        at=timezone.now() + timedelta(days=1),
    )
    transition(obj=kinds["withdrawn"], move="withdraw", user=publisher, note="Legal takedown.")
    three_days_ago = timezone.now() - timedelta(days=3)
    Article.objects.filter(pk=kinds["old"].pk).update(
        published_at=three_days_ago, first_published_at=three_days_ago
    )
    for article in kinds.values():
        article.refresh_from_db()
    return kinds


HIDDEN = ("draft", "scheduled", "withdrawn")
