"""RSS and Atom feeds of the latest news, overall and per channel (Django's syndication
framework). Only live articles; paid content carries its label in the title and its sponsor in
the description. Three queries a feed (articles with channel and sponsor, authors, tags), one more
for the channel on a channel's feed."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.functional import Promise
from django.utils.text import get_text_list

from finextra.text import xml_safe

from .models import Article, Channel
from .provenance import PAID_PROVENANCES

FEED_SIZE = 30


def feed_articles(*, channel: Channel | None = None):
    articles = (
        Article.objects.live()
        .select_related("channel", "sponsor")
        .prefetch_related("authors", "tags")
        .order_by("-published_at", "-id")
    )
    if channel is not None:
        articles = articles.filter(channel=channel)
    return articles[:FEED_SIZE]


def _xml_safe(value):
    if isinstance(value, str | Promise):
        return xml_safe(str(value))
    if isinstance(value, list | tuple):
        return [_xml_safe(item) for item in value]
    return value


class _XmlSafe:
    """Drops what XML 1.0 cannot carry from every text of the feed and its items: a control
    character saved before the forms refused them (or written around them) must not take the
    feed down for everyone, nor make it malformed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*map(_xml_safe, args), **{k: _xml_safe(v) for k, v in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*map(_xml_safe, args), **{k: _xml_safe(v) for k, v in kwargs.items()})


class SafeRssFeed(_XmlSafe, Rss201rev2Feed):
    pass


class SafeAtomFeed(_XmlSafe, Atom1Feed):
    pass


class ArticleFeed(Feed):
    """What every item says, whichever list it comes from."""

    feed_type = SafeRssFeed

    def item_title(self, item):
        if item.provenance in PAID_PROVENANCES:
            return f"{item.provenance_label}: {item.headline}"
        return item.headline

    def item_description(self, item):
        # The full standfirst; paid content names who paid for it.
        if item.provenance in PAID_PROVENANCES:
            return f"{item.standfirst}\n\n{item.provenance_note}"
        return item.standfirst

    def item_author_name(self, item):
        return get_text_list([author.name for author in item.authors.all()], "and") or None

    def item_categories(self, item):
        return [item.channel.name, *(tag.name for tag in item.tags.all())]

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.revised_at if item.was_updated else item.published_at


class LatestNewsFeed(ArticleFeed):
    title = "Finextra: latest news"
    description = "The latest financial technology news from Finextra."

    def link(self):
        return reverse("articles:home")

    def feed_url(self):
        return reverse("articles:feed_latest_rss")

    def items(self):
        return feed_articles()


class LatestNewsAtomFeed(LatestNewsFeed):
    feed_type = SafeAtomFeed
    subtitle = LatestNewsFeed.description

    def feed_url(self):
        return reverse("articles:feed_latest_atom")


class ChannelFeed(ArticleFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Channel, slug=slug)

    def title(self, obj):
        return f"Finextra: {obj.name}"

    def description(self, obj):
        return obj.strapline or f"The latest {obj.name} news from Finextra."

    def link(self, obj):
        return obj.get_absolute_url()

    def feed_url(self, obj):
        return reverse("articles:channel_feed_rss", kwargs={"slug": obj.slug})

    def items(self, obj):
        return feed_articles(channel=obj)


class ChannelAtomFeed(ChannelFeed):
    feed_type = SafeAtomFeed

    def subtitle(self, obj):
        return self.description(obj)

    def feed_url(self, obj):
        return reverse("articles:channel_feed_atom", kwargs={"slug": obj.slug})
