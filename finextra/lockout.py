"""The sign-in lockout (django-axes) kept in the cache, failing open while the cache is away.

django-redis answers None for every call while Redis is unreachable; axes' own cache handler
would then compare None with the failure limit and sign-in would answer 500. Here a count the
cache could not give is 0 (nobody is locked out) and a failure that could not be counted is
logged and let through: sign-in works while Redis is down, without the lockout, for that time.
"""

import logging

from axes.handlers.cache import AxesCacheHandler
from axes.helpers import get_cache

logger = logging.getLogger(__name__)


class CacheUnreachable(Exception):
    pass


class _Counts:
    """The handler's cache, with django-redis's silent None turned into something to act on.
    The cache is looked up on each call (the handler lives as long as the process)."""

    @property
    def _cache(self):
        return get_cache()

    def get(self, key, default=None, **kwargs):
        value = self._cache.get(key, default=default, **kwargs)
        return default if value is None else value

    def add(self, *args, **kwargs):
        added = self._cache.add(*args, **kwargs)
        if added is None:
            raise CacheUnreachable
        return added

    def incr(self, *args, **kwargs):
        count = self._cache.incr(*args, **kwargs)
        if count is None:
            raise CacheUnreachable
        return count

    def __getattr__(self, name):
        return getattr(self._cache, name)


class FailOpenCacheHandler(AxesCacheHandler):
    def __init__(self):
        super().__init__()
        self.cache = _Counts()

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        try:
            super().user_login_failed(sender, credentials, request=request, **kwargs)
        except CacheUnreachable:
            logger.warning("Sign-in lockout: a failed sign-in was not counted (cache unreachable)")
