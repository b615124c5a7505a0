"""HTTP caching at the edge: public pages a shared cache (Varnish, a CDN) may keep, and purges.

A request is *shared* when it carries neither the session cookie nor the messages cookie: then
nothing about the reader can be on the page, and a view marked `@edge_public` answers the same
bytes to everyone, with `Cache-Control` a shared cache may honour, an `ETag` and
`Last-Modified`, and surrogate keys (the `xkey` header) naming what the page shows. The proxy
(deploy/varnish.vcl) draws the same line: it bypasses its cache for those two cookies only.
Every other answer (a signed-in reader's page, a form, the admin) is `private, no-store`.

The validator is cheap: one generation for the whole site (moved by every purge), the placement
rotation window and the release (`RELEASE`), read from the cache in one round trip; a conditional
GET whose `If-None-Match` matches is a 304 before the view runs.

What happens by the clock (a scheduled article's time, a placement's start or end) changes pages
with nobody acting: apps register a *clock source* (`clock_source_register`) saying when the next
such moment is, every page's freshness is capped to it, and the first request after it moves the
generation. Purges (`edge_purge`) are sent after the transaction commits, to every URL in
`EDGE_PURGE_URLS` (none set: nothing is sent), as `PURGE` requests naming the keys in an
`xkey-purge` header.
"""

import functools
import http.client
import logging
import math
import random
import re
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from .cache import CacheGeneration, read_ahead, read_ahead_end

logger = logging.getLogger(__name__)

KEY_HEADER = "xkey"
PURGE_HEADER = "xkey-purge"
# On every shared page: purging it empties the whole cache (channel names are in every header).
KEY_ALL = "all"
MESSAGES_COOKIE = "messages"  # django.contrib.messages' cookie storage

EDGE_GENERATION = CacheGeneration("edge:generation")
_NEXT_CHANGE_KEY = "edge:next-change"
_NO_CHANGE = 0.0  # stored when nothing is scheduled
# How long pages may be kept while the next scheduled change is unknown (the cache was emptied).
UNKNOWN_SCHEDULE_SECONDS = 60

_clock_sources: list[Callable[[], datetime | None]] = []


# --- marking views and naming what a page shows ---------------------------------------------


def edge_public(view):
    """Marks a view whose answer to a shared request is the same for everyone and may be kept by
    a shared cache. The view names what it shows with `edge_keys(request, ...)`."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    wrapped.edge_public = True
    return wrapped


def edge_keys(request, *keys: str) -> None:
    """Adds surrogate keys to the page being answered (no-op without a request)."""
    if request is None:
        return
    found = getattr(request, "_edge_keys", None)
    if found is None:
        found = request._edge_keys = set()
    found.update(keys)


def is_shared(request) -> bool:
    """True when nothing on the page can be about this reader: no session, no messages."""
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and MESSAGES_COOKIE not in cookies


# --- the validator ---------------------------------------------------------------------------


def clock_source_register(source: Callable[[], datetime | None]) -> None:
    """`source()` answers the next future moment at which something changes on reader pages by
    itself (or None). Called from an AppConfig.ready()."""
    if source not in _clock_sources:
        _clock_sources.append(source)


def _next_scheduled_change() -> float:
    moments = [moment for source in _clock_sources if (moment := source()) is not None]
    return min(moments).timestamp() if moments else _NO_CHANGE


def rotation_window(at: float | None = None) -> int:
    """The number of the placement rotation window `at` (now) falls in."""
    return int((time.time() if at is None else at) // settings.EDGE_ROTATION_SECONDS)


def rotation_source(request, slot: str) -> random.Random | None:
    """For a shared page, the random source of `slot`'s draw: the same for everyone within a
    rotation window, so the cached page and a fresh render agree, and a new draw each window
    (weighted over time, per page). None for a personal page (a fresh draw each time)."""
    if request is None or not getattr(request, "_edge_shared", False):
        return None
    request._edge_rotates = True
    return random.Random(f"{slot}|{request.path}|{rotation_window()}")


class Validators:
    """What a shared page's ETag, Last-Modified and freshness are made of."""

    def __init__(self, *, generation: int, next_change: float, now: float):
        self.generation = generation
        self.next_change = next_change
        self.now = now
        self.window = rotation_window(now)

    @property
    def etag(self) -> str:
        # RELEASE: a deploy's new templates never answer 304 to the last release's pages.
        release = re.sub(r"[^0-9A-Za-z.]", "", settings.RELEASE)[:12]
        return f'W/"{self.generation:x}-{self.window:x}-{release}"'

    @property
    def last_modified(self) -> int:
        window_start = self.window * settings.EDGE_ROTATION_SECONDS
        return int(max(self.generation / 1e9, window_start))

    def seconds_fresh(self, *, rotates: bool) -> int:
        """How long a shared cache may keep the page: never past the next scheduled change,
        nor past the rotation window when the page shows a slot."""
        limit = settings.EDGE_SHARED_MAX_AGE
        if self.next_change:
            limit = min(limit, math.ceil(self.next_change - self.now))
        if rotates:
            window_end = (self.window + 1) * settings.EDGE_ROTATION_SECONDS
            limit = min(limit, math.ceil(window_end - self.now))
        return max(limit, 1)


def current_validators() -> Validators:
    """One cache round trip. The clock sources are asked (a query each) only when the moment
    they last named has come, and then the generation moves: pages made before it are stale.
    After the cache was emptied the next change is unknown: pages are kept a minute at most
    until the sources are asked again."""
    now = time.time()
    # The first read of a shared request: the keys every page reads come with it.
    stored = read_ahead(EDGE_GENERATION.key, _NEXT_CHANGE_KEY)
    generation = stored.get(EDGE_GENERATION.key)
    next_change = stored.get(_NEXT_CHANGE_KEY)
    if next_change is None:
        next_change = now + UNKNOWN_SCHEDULE_SECONDS
        cache.set(_NEXT_CHANGE_KEY, next_change, None)
    elif next_change and next_change <= now:
        generation = None
        next_change = _next_scheduled_change()
        cache.set(_NEXT_CHANGE_KEY, next_change, None)
    if generation is None:
        generation = EDGE_GENERATION.move()
    return Validators(generation=generation, next_change=next_change, now=now)


def schedule_note(*moments: datetime | None) -> None:
    """Something was scheduled for `moments`: the next change comes no later than the first
    of them still ahead (no query; an earlier guess only costs one early recount)."""
    now = time.time()
    ahead = [m.timestamp() for m in moments if m is not None and m.timestamp() > now]
    if not ahead:
        return
    stored = cache.get(_NEXT_CHANGE_KEY)
    if stored is None:
        return  # unknown already: the sources are asked within a minute
    if not stored or min(ahead) < stored:
        cache.set(_NEXT_CHANGE_KEY, min(ahead), None)


# --- the middleware --------------------------------------------------------------------------


class EdgeCacheMiddleware:
    """Sits above the session middleware, so it sees (and trims) the `Vary: Cookie` the session
    adds when a template asks who the reader is."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            response = self.get_response(request)
        finally:
            read_ahead_end()
        if getattr(request, "_edge_shared", False):
            return self._shared(request, response)
        if getattr(request, "_edge_public", False) or "Cache-Control" not in response:
            # A personal page, a form, an error: never kept by a shared cache or a browser.
            response["Cache-Control"] = "private, no-store"
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "edge_public", False) or request.method not in ("GET", "HEAD"):
            return None
        request._edge_public = True
        if not is_shared(request):
            return None
        request._edge_shared = True
        validators = request._edge_validators = current_validators()
        not_modified = get_conditional_response(
            request, etag=validators.etag, last_modified=validators.last_modified
        )
        if not_modified is not None:
            # 304, or 412 for a failed If-Match (kept by nobody).
            request._edge_not_modified = not_modified.status_code == 304
            request._edge_shared = request._edge_not_modified
        return not_modified

    def _shared(self, request, response):
        validators = request._edge_validators
        if getattr(request, "_edge_not_modified", False):
            self._validate(response, validators, rotates=True)
            return response
        if response.status_code != 200 or response.cookies:
            if response.cookies:
                logger.error("A public page set a cookie for a shared request: %s", request.path)
            response["Cache-Control"] = "private, no-store"
            return response
        _vary_without_cookie(response)
        rotates = getattr(request, "_edge_rotates", False)
        self._validate(response, validators, rotates=rotates)
        response[KEY_HEADER] = " ".join(sorted({KEY_ALL, *getattr(request, "_edge_keys", ())}))
        return response

    @staticmethod
    def _validate(response, validators: Validators, *, rotates: bool) -> None:
        fresh = validators.seconds_fresh(rotates=rotates)
        browser = min(settings.EDGE_BROWSER_MAX_AGE, fresh)
        response["Cache-Control"] = f"public, max-age={browser}, s-maxage={fresh}"
        response["ETag"] = validators.etag
        response["Last-Modified"] = http_date(validators.last_modified)


def _vary_without_cookie(response) -> None:
    if not response.has_header("Vary"):
        return
    kept = [v.strip() for v in response["Vary"].split(",") if v.strip().lower() != "cookie"]
    if kept:
        response["Vary"] = ", ".join(kept)
    else:
        del response["Vary"]


# --- purges ----------------------------------------------------------------------------------


def edge_purge(keys: Iterable[str], *, using: str | None = None) -> None:
    """Purges every cached page carrying one of `keys` once the current transaction commits
    (at once outside one); nothing is sent if it rolls back."""
    keys = frozenset(key for key in keys if key)
    if keys:
        transaction.on_commit(functools.partial(edge_purge_now, keys), using=using, robust=True)


def edge_purge_now(keys: Iterable[str]) -> list[str]:
    """Moves the generation (every ETag changes) and sends the purge to each proxy; returns the
    proxies that did not take it (they are logged)."""
    keys = sorted(set(keys))
    EDGE_GENERATION.move()
    failed = []
    for url in settings.EDGE_PURGE_URLS:
        try:
            _send(url, keys)
        except Exception as error:
            logger.error("Purge of %s at %s failed: %s", " ".join(keys), url, error)
            failed.append(url)
    return failed


def _send(url: str, keys: list[str]) -> None:
    parts = urlsplit(url)
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(parts.hostname, parts.port, timeout=settings.EDGE_PURGE_TIMEOUT)
    try:
        connection.request("PURGE", parts.path or "/", headers={PURGE_HEADER: " ".join(keys)})
        response = connection.getresponse()
        response.read()
        if response.status >= 400:
            raise OSError(f"the proxy answered {response.status} {response.reason}")
    finally:
        connection.close()


def flatpages_purge(sender, raw=False, **kwargs) -> None:
    """A flat page changed: the flat pages, and the sitemap that lists them."""
    if not raw:
        edge_purge({"flatpages", "syndication"})
