"""Writes to articles and their labels, with everything each sets off, named here rather than
hidden in `save()` or a signal: the tag and author listing entries, the lead image's renditions
(made and deleted after the commit, so a rolled-back save leaves no file behind), the purges of
the pages that show the change (articles/edge.py) and the redirect from a renamed page.

The admin, the demo seed, the benchmarks and the tests call these; `transition()` calls
`article_changed` (registered with the workflow in `ArticlesConfig.ready()`)."""

import logging

from django.db import transaction
from django.urls import reverse

from finextra.cache import cache_delete_on_commit
from finextra.edge import KEY_ALL, edge_purge, schedule_note
from finextra.media import STORAGE_ERRORS
from finextra.redirects import redirect_page_moved
from finextra.services import editorial_save
from finextra.workflow import State

from . import images
from .context_processors import NAV_CACHE_KEY
from .edge import SPONSORED, SYNDICATION, article_listing_keys
from .fragments import fragments_forget_on_commit
from .models import Article, Author, Channel, Tag, listing_entries_sync
from .provenance import PAID_PROVENANCES

logger = logging.getLogger(__name__)


def _stored(model, pk) -> object | None:
    """The row as it stands in the database (under the caller's lock, if any), or None."""
    if pk is None:
        return None
    return model._base_manager.filter(pk=pk).first()


def article_save(*, article: Article, user=None, update_fields: set[str] | None = None) -> Article:
    """Save `article` (a new one, or the fields named), then what follows from it
    (`article_changed`, through `editorial_save`), in one transaction. `user`, when given, is
    recorded as who saved it last."""
    if user is not None and user.is_authenticated:
        article.updated_by = user
        if update_fields is not None:
            update_fields = {*update_fields, "updated_by"}
    return editorial_save(obj=article, update_fields=update_fields)


def article_changed(*, obj: Article, before: Article | None) -> None:
    """What a saved change to an article sets off (`before`: the row as it stood, None when
    new): its tag and author listing entries, its lead image's renditions, and the purge of
    the pages that show it when it was or is live."""
    article = obj
    moved = before is None or (before.state, before.published_at) != (
        article.state,
        article.published_at,
    )
    if moved:
        listing_entries_sync([article.pk])
    _renditions_follow_image(article=article, before=before)
    if article.state == State.PUBLISHED:
        schedule_note(article.published_at)
    if not ((before is not None and before.is_live) or article.is_live):
        return
    keys = article_listing_keys(article, channel_ids=[before.channel_id] if before else [])
    if before is not None and before.provenance in PAID_PROVENANCES:
        keys.add(SPONSORED)
    edge_purge(keys)


def _renditions_follow_image(*, article: Article, before: Article | None) -> None:
    """A new, restored or cleared lead image: the old renditions are deleted and the new ones
    made, both once the transaction commits. An image still without renditions (the store was
    full when it was saved) gets them at its next save."""
    image_before = before.lead_image.name if before is not None else ""
    image = article.lead_image.name or ""
    if image == image_before and (not image or before.lead_image_renditions):
        return
    stale = before.lead_image_renditions if before is not None and image != image_before else []
    if article.lead_image_renditions and image != image_before:
        Article._base_manager.filter(pk=article.pk).update(lead_image_renditions=[])
        article.lead_image_renditions = []
    if stale:
        images.lead_image_renditions_discard(names=[r["name"] for r in stale])
    if image:
        # robust: a picture Pillow cannot resize is logged, never an error after the commit.
        transaction.on_commit(
            lambda: article_renditions_make(article=article, image=image), robust=True
        )


def article_renditions_make(*, article: Article, image: str) -> None:
    """Make the renditions of `image`, unless the article has since moved to another image or
    has them already. A store that fails part way keeps none of them (the page shows the
    original, and the next save tries again): logged, never the reader's error."""
    current = Article._base_manager.filter(pk=article.pk, lead_image=image)
    if current.values_list("lead_image_renditions", flat=True).first() != []:
        return  # another image now, or made already
    try:
        images.lead_image_renditions_make(article=article)
    except STORAGE_ERRORS as error:
        logger.error("Renditions of %s not made: the media store failed: %s", image, error)


def article_labels_set(*, article: Article, tags=None, authors=None) -> None:
    """Set the tags and (or) authors of `article`, then what follows (`article_labels_changed`)."""
    tag_ids_before = set(article.tags.values_list("pk", flat=True))
    author_ids_before = set(article.authors.values_list("pk", flat=True))
    with transaction.atomic():
        if tags is not None:
            article.tags.set(tags)
        if authors is not None:
            article.authors.set(authors)
        article_labels_changed(
            article=article, tag_ids_before=tag_ids_before, author_ids_before=author_ids_before
        )


def article_labels_changed(
    *, article: Article, tag_ids_before: set[int], author_ids_before: set[int]
) -> None:
    """After an article's tags or authors were set (the admin saves them after the row): its
    listing entries, its cached page part (the names shown), and for a live article its page
    and the tag and author lists it joined or left."""
    tag_ids = set(article.tags.values_list("pk", flat=True))
    author_ids = set(article.authors.values_list("pk", flat=True))
    if tag_ids == tag_ids_before and author_ids == author_ids_before:
        return
    listing_entries_sync([article.pk])
    fragments_forget_on_commit()
    if article.is_live:
        edge_purge(
            {
                f"article-{article.pk}",
                SYNDICATION,
                *(f"list-tag-{pk}" for pk in tag_ids | tag_ids_before),
                *(f"list-author-{pk}" for pk in author_ids | author_ids_before),
            }
        )


def article_delete(*, article: Article) -> None:
    """Delete `article`; a live one's page and the lists that showed it are purged."""
    live = article.is_live
    pk = article.pk
    article.delete()
    if live:
        edge_purge({f"article-{pk}", "list-home", SYNDICATION})


Label = Channel | Tag | Author


def label_save(*, label: Label) -> Label:
    """Save a channel, tag or author, then: a renamed address sends readers on from the old
    one (301), and the pages and cached parts that show the name are refreshed (a channel's
    is in every page's header and menu: everything)."""
    model = type(label)
    with transaction.atomic():
        before = _stored(model, label.pk)
        label.save()
        if before is not None and before.slug != label.slug:
            old_path = reverse(f"articles:{model._meta.model_name}", kwargs={"slug": before.slug})
            redirect_page_moved(old_path=old_path, new_path=label.get_absolute_url())
        # A new channel is in every page's menu; a new tag or author is on no page yet.
        if before is not None or isinstance(label, Channel):
            label_shown_changed(label=label)
    return label


def label_delete(*, label: Label) -> None:
    with transaction.atomic():
        label.delete()
        label_shown_changed(label=label)


def label_shown_changed(*, label: Label) -> None:
    """Every page and cached part showing the name of `label`, once the change commits."""
    fragments_forget_on_commit()
    if isinstance(label, Channel):
        cache_delete_on_commit(NAV_CACHE_KEY)
        edge_purge({KEY_ALL})
    else:
        edge_purge({f"{type(label)._meta.model_name}-{label.pk}", SYNDICATION})
