"""The article page's cached parts: its own part (header, lead image, note, body, tags,
corrections, JSON-LD) and its <head> tags are rendered once and kept in the cache as one entry,
with the ids of the tags and authors they show (the page's surrogate keys), keyed by
`fragment_version`: what can change them on the row (version, last save, comment count and
comment mode). What changes without touching the row (the names of its authors, tags, channel or
sponsor, and its tag and author lists) moves a generation instead, once the change commits
(the services that make those changes: articles/services.py, sponsors/services.py). The release
(the running code) is part of it too, so a deploy's new templates show at once."""

from typing import NamedTuple

from django.core.cache import cache
from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from finextra.cache import CacheGeneration, release

# Keys name the row's state, so an entry is never stale; this only bounds the cache's size.
FRAGMENT_SECONDS = 24 * 60 * 60

_generation = CacheGeneration("articles:fragment-generation")
fragment_generation = _generation.current
# Now (tests, benchmarks: a cold cache), or once the transaction commits (the services).
fragments_forget = _generation.move
fragments_forget_on_commit = _generation.move_on_commit


def fragment_version(article) -> str:
    """One token for every cached part of `article`'s page."""
    return (
        f"{article.version}.{article.updated_at.timestamp()}.{article.comment_count}."
        f"{article.comment_mode}.{fragment_generation()}.{release()}"
    )


class ArticleParts(NamedTuple):
    head: SafeString
    main: SafeString
    tag_ids: tuple[int, ...]
    author_ids: tuple[int, ...]


def article_parts(request, article, version: str) -> ArticleParts:
    """The article's own parts for `version`: one cache read, or rendered once and stored. The
    <head> tags hold absolute URLs, so the scheme and host are part of the key."""
    key = f"articles:parts:{article.pk}:{version}:{request.scheme}:{request.get_host()}"
    stored = cache.get(key)
    if stored is None:
        prefetch_related_objects([article], "tags", "authors")
        context = {"article": article}
        stored = (
            render_to_string("articles/includes/article_head.html", context, request),
            render_to_string("articles/includes/article_main.html", context, request),
            tuple(tag.pk for tag in article.tags.all()),
            tuple(author.pk for author in article.authors.all()),
        )
        cache.set(key, stored, FRAGMENT_SECONDS)
    head, main, tag_ids, author_ids = stored
    return ArticleParts(mark_safe(head), mark_safe(main), tag_ids, author_ids)
