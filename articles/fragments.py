"""The article page's cached parts: its own part (header, lead image, note, body, tags,
corrections, JSON-LD) and its <head> tags are rendered once and kept in the cache, keyed by
`fragment_version`: what can change them on the row (version, last save, comment count and
comment mode). What changes without touching the row (the names of its authors, tags, channel or
sponsor, and its tag and author lists) moves a generation instead, once the change commits
(the services that make those changes: articles/services.py, sponsors/services.py). The release
(the running code) is part of it too, so a deploy's new templates show at once."""

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
