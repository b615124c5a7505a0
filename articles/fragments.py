"""The article's own part of its page (header, lead image, note, body, tags) is rendered once per
version and kept in the cache, keyed by the article's version and comment count. What changes
without a new version (the names of its authors, tags, channel or sponsor, and the tag and
author lists) moves a generation instead, which every key includes."""

import time

from django.core.cache import cache

GENERATION_KEY = "articles:fragment-generation"
# Keys carry the version, so an entry can never be stale; this only bounds the cache's size.
FRAGMENT_SECONDS = 24 * 60 * 60


def fragment_generation() -> int:
    return cache.get_or_set(GENERATION_KEY, time.time_ns, None)


def fragments_forget(**kwargs) -> None:
    cache.set(GENERATION_KEY, time.time_ns(), None)
