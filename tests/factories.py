"""The rows tests build, each the way the newsroom makes it: factory_boy factories for the
content models, `publish` to take an item live through the workflow (never by setting its state),
and `newsroom`, one article in each state a reader must or must not see.

Factories give each row a unique name and slug; a test names what it asserts on."""

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import TestCase
from django.utils import timezone
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from articles.models import Article, Author, Channel, Tag
from articles.provenance import Provenance
from articles.services import article_labels_set, article_save
from finextra.services import transition
from sponsors.models import Kind, Placement, Slot, Sponsor
from sponsors.services import placement_save, placement_targeting_changed
from tests.accounts import PASSWORD


class _NamedFactory(DjangoModelFactory):
    """A row with a unique name and the slug made from it."""

    class Meta:
        abstract = True

    name = factory.Sequence(lambda n: f"Name {n}")
    slug = factory.LazyAttribute(lambda row: slugify(row.name))


class ChannelFactory(_NamedFactory):
    class Meta:
        model = Channel


class AuthorFactory(_NamedFactory):
    class Meta:
        model = Author


class TagFactory(_NamedFactory):
    class Meta:
        model = Tag


class SponsorFactory(_NamedFactory):
    class Meta:
        model = Sponsor


class ArticleFactory(DjangoModelFactory):
    """A draft article; `tags` and `authors` take lists of rows."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    headline = factory.Sequence(lambda n: f"Headline number {n}")
    slug = factory.Sequence(lambda n: f"headline-number-{n}")
    standfirst = "A standfirst."
    body = "<p>Body text.</p>"
    channel = factory.SubFactory(ChannelFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Saved as the desk saves, and as its save commits: a lead image's renditions are made
        # once the transaction commits.
        with TestCase.captureOnCommitCallbacks(execute=True):
            return article_save(article=model_class(*args, **kwargs))

    @factory.post_generation
    def tags(article, create, extracted, **kwargs):
        if create and extracted:
            article_labels_set(article=article, tags=extracted)

    @factory.post_generation
    def authors(article, create, extracted, **kwargs):
        if create and extracted:
            article_labels_set(article=article, authors=extracted)


class PlacementFactory(DjangoModelFactory):
    """A draft placement running from an hour ago for a week; `channels` takes a list."""

    class Meta:
        model = Placement
        skip_postgeneration_save = True

    sponsor = factory.SubFactory(SponsorFactory)
    title = factory.Sequence(lambda n: f"Placement number {n}")
    kind = Kind.CONTENT
    provenance = "sponsored"
    slot = Slot.ARTICLE_INLINE
    target_url = factory.Sequence(lambda n: f"https://example.com/offer/{n}/")
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        placement = model_class(*args, **kwargs)
        placement.full_clean()
        return placement_save(placement=placement)

    @factory.post_generation
    def channels(placement, create, extracted, **kwargs):
        if create and extracted:
            placement.channels.set(extracted)
            placement_targeting_changed(placement=placement)


def publish(item, *, editor, publisher, at=None):
    """Take `item` (an article or a placement) live through the workflow, as the desk does:
    edited by `editor`, published by `publisher` now or `at` a time to come. Returns it fresh."""
    transition(obj=item, move="mark_edited", user=editor)
    transition(obj=item, move="publish", user=publisher, at=at)
    item.refresh_from_db()
    return item


def user_make(username, role=None, **extra):
    """A person who signs in with tests/accounts.py's password; a `role` makes them staff."""
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, is_staff=role is not None, **extra
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


HIDDEN = ("draft", "scheduled", "withdrawn")


def newsroom(*, editor, publisher, channel) -> dict[str, Article]:
    """One article of each kind: live editorial (with authors and tags), live sponsored, live
    advertisement feature, live but three days old, draft, scheduled and withdrawn."""
    sponsor = SponsorFactory(
        name="Northwind Cloud", slug="northwind-cloud", website="https://northwind.example"
    )
    alice = AuthorFactory(name="Alice Morgan", slug="alice-morgan")
    bob = AuthorFactory(name="Bob Lee", slug="bob-lee")
    rates = TagFactory(name="Rates", slug="rates")
    secret = TagFactory(name="Secret deal", slug="secret-deal")
    kinds = {
        "editorial": ArticleFactory(
            channel=channel,
            headline="Markets rally on rate cut",
            standfirst="Shares rose across Europe.",
            authors=[alice, bob],
            tags=[rates],
        ),
        "sponsored": ArticleFactory(
            channel=channel,
            headline="Cloud banking explained",
            provenance=Provenance.SPONSORED,
            sponsor=sponsor,
        ),
        "advertiser": ArticleFactory(
            channel=channel,
            headline="Why our cloud wins",
            provenance=Provenance.ADVERTISER_CONTENT,
            sponsor=sponsor,
        ),
        "old": ArticleFactory(channel=channel, headline="Last week's payments round-up"),
        "draft": ArticleFactory(
            channel=channel, headline="Embargoed merger of two banks", tags=[secret]
        ),
        "scheduled": ArticleFactory(channel=channel, headline="Tomorrow's results preview"),
        "withdrawn": ArticleFactory(channel=channel, headline="Legally withdrawn story"),
    }
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
