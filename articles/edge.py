"""The surrogate keys of the articles' public pages, and the purges their changes send.

Keys name what a page shows (README, "Production"):
- `article-<id>`: the article's page and every card, feed item or list that shows it;
- `channel-<id>`, `tag-<id>`, `author-<id>`, `sponsor-<id>`: pages that show that name (its own
  listing, the articles it labels, cards);
- `list-home`, `list-channel-<id>`, `list-tag-<id>`, `list-author-<id>`: listings whose members
  change when an article goes live or dark in them;
- `syndication`: feeds and sitemaps, which follow every live article.
Purges are sent after the transaction commits (finextra.edge.edge_purge); a change readers cannot
see (a draft's copy) sends none.
"""

import functools

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone

from finextra.edge import KEY_ALL, edge_keys, edge_public, edge_purge, schedule_note
from finextra.models import live_at
from finextra.workflow import State

from .models import Article, Author, Channel, Tag
from .provenance import PAID_PROVENANCES

SYNDICATION = "syndication"
SPONSORED = "sponsored"  # the register of paid content (sponsors' page)


def article_page_keys(request, article, *, tag_ids, author_ids) -> None:
    """The article page's keys (its tags' and authors' ids come with its cached parts)."""
    edge_keys(
        request,
        f"article-{article.pk}",
        f"channel-{article.channel_id}",
        *([f"sponsor-{article.sponsor_id}"] if article.sponsor_id else []),
        *(f"tag-{pk}" for pk in tag_ids),
        *(f"author-{pk}" for pk in author_ids),
    )


def syndication_view(view):
    """A feed, sitemap or robots.txt: public, and purged with every live article's change."""

    @edge_public
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        edge_keys(request, SYNDICATION)
        return view(request, *args, **kwargs)

    return wrapped


# --- what a change purges --------------------------------------------------------------------


def _was_live(before) -> bool:
    """The row as it stood before this save (its stored values), live then?"""
    return before is not None and live_at(
        state=before["state"], published_at=before["published_at"], at=timezone.now()
    )


def article_listing_keys(article, *, channel_ids=(), tag_ids=None, author_ids=None) -> set[str]:
    """What a live article's arrival, departure or change purges."""
    if tag_ids is None:
        tag_ids = article.tags.values_list("pk", flat=True)
    if author_ids is None:
        author_ids = article.authors.values_list("pk", flat=True)
    keys = {f"article-{article.pk}", "list-home", SYNDICATION}
    keys |= {f"list-channel-{pk}" for pk in {article.channel_id, *channel_ids} if pk}
    keys |= {f"list-tag-{pk}" for pk in tag_ids}
    keys |= {f"list-author-{pk}" for pk in author_ids}
    if article.provenance in PAID_PROVENANCES:
        keys.add(SPONSORED)
    return keys


def _remember_article(sender, instance, raw=False, **kwargs):
    if raw:
        return
    instance._edge_before = None
    if instance.pk is not None:
        instance._edge_before = (
            Article._base_manager.filter(pk=instance.pk)
            .values("state", "published_at", "channel_id", "provenance")
            .first()
        )


def _purge_article(sender, instance, raw=False, **kwargs):
    if raw:
        return
    if instance.state == State.PUBLISHED:
        # Published, live or not yet: a scheduled time is what the clock must learn of.
        schedule_note(instance.published_at)
    before = getattr(instance, "_edge_before", None)
    if not (_was_live(before) or instance.is_live):
        return
    keys = article_listing_keys(
        instance, channel_ids=[before["channel_id"]] if before else [], tag_ids=None
    )
    if before is not None and before["provenance"] in PAID_PROVENANCES:
        keys.add(SPONSORED)
    edge_purge(keys)


def _purge_deleted_article(sender, instance, **kwargs):
    if instance.is_live:
        edge_purge({f"article-{instance.pk}", "list-home", SYNDICATION})


def _purge_article_labels(sender, instance, action, pk_set, reverse=False, **kwargs):
    """A live article's tags or authors changed: its page and the lists it joins or leaves."""
    if action not in ("post_add", "post_remove", "pre_clear") or reverse:
        return
    if not instance.is_live:
        return
    prefix = "list-tag" if sender is Article.tags.through else "list-author"
    if action == "pre_clear":
        field = instance.tags if sender is Article.tags.through else instance.authors
        pk_set = set(field.values_list("pk", flat=True))
    edge_purge({f"article-{instance.pk}", SYNDICATION, *(f"{prefix}-{pk}" for pk in pk_set)})


def _purge_name(sender, instance, created=False, raw=False, **kwargs):
    """A channel, tag or author renamed (or its bio changed): every page showing it. Channel
    names are in every page's header, so a channel change empties the whole cache."""
    if raw or (created and sender is not Channel):
        return
    if sender is Channel:
        edge_purge({KEY_ALL})
    else:
        edge_purge({f"{sender._meta.model_name}-{instance.pk}", SYNDICATION})


def article_correction_purge(article) -> None:
    edge_purge({f"article-{article.pk}", SYNDICATION})


def next_scheduled_article():
    """The clock source: the next scheduled publication."""
    return (
        Article.objects.scheduled()
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )


def connect() -> None:
    pre_save.connect(_remember_article, sender=Article, dispatch_uid="articles.edge.before")
    post_save.connect(_purge_article, sender=Article, dispatch_uid="articles.edge.save")
    post_delete.connect(_purge_deleted_article, sender=Article, dispatch_uid="articles.edge.del")
    for through in (Article.tags.through, Article.authors.through):
        m2m_changed.connect(
            _purge_article_labels, sender=through, dispatch_uid=f"articles.edge.m2m.{through}"
        )
    for model in (Channel, Tag, Author):
        post_save.connect(_purge_name, sender=model, dispatch_uid=f"articles.edge.name.{model}")
        post_delete.connect(
            _purge_name, sender=model, dispatch_uid=f"articles.edge.name.del.{model}"
        )
