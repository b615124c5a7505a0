"""The shared cache: an optimisation, never a dependency.

- Cache generations: a number every key of a family of cached entries includes. Moving it
  retires the whole family at once, on every app server (the old entries then expire on their
  own). Receivers move it once the transaction commits, so a reader arriving between a save and
  its commit cannot store the old text under the new generation.
- Read-ahead: the few keys nearly every public page reads (the generations, the channel menu)
  are read in the one round trip that starts a shared request (finextra/edge.py), and answered
  from it for the rest of that request.
- The release: every cached fragment's key names the running code, so a deploy with new
  templates never serves the old ones' output.
- Redis that is down or hung: django-redis ignores the errors (`IGNORE_EXCEPTIONS`), with short
  timeouts, and the circuit breaker below skips Redis for a few seconds after one failure, so a
  hung server costs a request at most one timeout, not one per cache call.
"""

import logging
import threading
import time
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django_redis.client import DefaultClient
from redis.connection import Connection, SSLConnection
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)


def release() -> str:
    """The running code's identifier (settings.RELEASE), part of every cached fragment's key."""
    return settings.RELEASE


_read_ahead_keys: set[str] = set()
# This request's values of the read-ahead keys (None outside a shared public request).
_read_ahead_values: ContextVar[dict | None] = ContextVar("cache_read_ahead", default=None)


def read_ahead_register(*keys: str) -> None:
    """`keys` are read by nearly every public page: fetch them with the request's first read."""
    _read_ahead_keys.update(keys)


def read_ahead(*keys: str) -> dict:
    """Reads `keys` and every registered key in one round trip and returns what it found; the
    registered ones are then answered from it (`read`) until `read_ahead_end()`."""
    values = cache.get_many(list(dict.fromkeys([*keys, *_read_ahead_keys])))
    _read_ahead_values.set({key: values.get(key) for key in _read_ahead_keys})
    return values


def read_ahead_end() -> None:
    _read_ahead_values.set(None)


def read(key: str):
    """cache.get(key), answered from the request's read-ahead when it holds the key."""
    values = _read_ahead_values.get()
    if values is not None and values.get(key) is not None:
        return values[key]
    return cache.get(key)


class CacheGeneration:
    def __init__(self, key: str):
        self.key = key
        read_ahead_register(key)

    def current(self) -> int:
        # While the cache is skipped, get_or_set answers None: a fresh number each time, so
        # nothing stored under it is ever found again (and nothing can be stored anyway).
        return read(self.key) or cache.get_or_set(self.key, time.time_ns, None) or time.time_ns()

    def move(self) -> int:
        """Retire the family now; the new generation."""
        generation = time.time_ns()
        cache.set(self.key, generation, None)
        if (values := _read_ahead_values.get()) is not None:
            values[self.key] = generation
        return generation

    def move_on_commit(self, using=None, **signal_kwargs) -> None:
        """Usable as a signal receiver: the family is retired once the change is committed
        (at once outside a transaction; never if it rolls back)."""
        transaction.on_commit(self.move, using=using, robust=True)


def cache_delete_on_commit(key: str, using=None) -> None:
    transaction.on_commit(lambda: cache.delete(key), using=using, robust=True)


class CircuitBreaker:
    """Open for `seconds` after a failure: while open, Redis is not asked at all."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._open_until = 0.0
        self._lock = threading.Lock()

    def is_open(self) -> bool:
        return time.monotonic() < self._open_until

    def trip(self, error: Exception) -> None:
        with self._lock:
            if self.is_open():
                return
            self._open_until = time.monotonic() + self.seconds
        logger.warning(
            "Cache unreachable (%s): skipped for %s s; pages are served without it",
            error,
            self.seconds,
        )

    def reset(self) -> None:
        with self._lock:
            self._open_until = 0.0


BREAKER_SECONDS = 5
_breakers: dict[tuple[str, int], CircuitBreaker] = {}


def breaker_for(host: str, port: int) -> CircuitBreaker:
    """One breaker per Redis server, shared by every connection to it in this process."""
    key = (host, port)
    if key not in _breakers:
        _breakers.setdefault(key, CircuitBreaker(seconds=BREAKER_SECONDS))
    return _breakers[key]


def breakers_reset() -> None:
    for breaker in list(_breakers.values()):
        breaker.reset()


class CacheSkipped(RedisConnectionError):
    """Raised instead of talking to Redis while the breaker is open."""


class _BreakerMixin:
    """A redis-py connection that trips the breaker on a refused, reset or timed-out socket, and
    refuses at once while it is open. django-redis turns both into a cache miss."""

    def _guarded(self, method, *args, **kwargs):
        breaker = breaker_for(self.host, self.port)
        if breaker.is_open():
            raise CacheSkipped("cache skipped for a few seconds after a failure")
        try:
            return method(*args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError, OSError) as error:
            breaker.trip(error)
            raise

    def connect(self, *args, **kwargs):
        return self._guarded(super().connect, *args, **kwargs)

    def send_packed_command(self, *args, **kwargs):
        return self._guarded(super().send_packed_command, *args, **kwargs)

    def read_response(self, *args, **kwargs):
        return self._guarded(super().read_response, *args, **kwargs)


class BreakerConnection(_BreakerMixin, Connection):
    pass


class BreakerSSLConnection(_BreakerMixin, SSLConnection):
    pass


class ResilientRedisClient(DefaultClient):
    """django-redis's client with the breaker on every connection (CLIENT_CLASS)."""

    def __init__(self, server, params, backend):
        options = dict(params.get("OPTIONS", {}))
        pool_kwargs = dict(options.get("CONNECTION_POOL_KWARGS", {}))
        urls = server if isinstance(server, list | tuple) else server.split(",")
        secure = any(url.startswith("rediss://") for url in urls)
        pool_kwargs.setdefault(
            "connection_class", BreakerSSLConnection if secure else BreakerConnection
        )
        options["CONNECTION_POOL_KWARGS"] = pool_kwargs
        super().__init__(server, {**params, "OPTIONS": options}, backend)
