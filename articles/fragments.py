"""The article's own part of its page (header, lead image, note, body, tags) is rendered once and
kept in the cache, keyed by what can change it on the row: version, last save, comment count and
comment mode. What changes without touching the row (the names of its authors, tags, channel or
sponsor, and its tag and author lists) moves a generation instead, which every key includes."""

from finextra.cache import CacheGeneration

# Keys name the row's state, so an entry is never stale; this only bounds the cache's size.
FRAGMENT_SECONDS = 24 * 60 * 60

_generation = CacheGeneration("articles:fragment-generation")
fragment_generation = _generation.current
fragments_forget = _generation.move
