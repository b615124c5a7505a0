"""Cache generations: a number every key of a family of cached entries includes. Moving it retires
the whole family at once, on every app server (the old entries then expire on their own)."""

import time

from django.core.cache import cache


class CacheGeneration:
    def __init__(self, key: str):
        self.key = key

    def current(self) -> int:
        return cache.get_or_set(self.key, time.time_ns, None)

    def move(self, **signal_kwargs) -> None:
        """Usable as a signal receiver."""
        cache.set(self.key, time.time_ns(), None)
