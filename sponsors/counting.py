"""Which requests count as an impression or a click, and the signed tokens that name a placement.

Nothing about the reader is kept: the user agent and the headers are read to decide whether to
count, then forgotten; no cookie is set and no address stored. To count a reader once per
placement over a short window, the cache holds a keyed hash (HMAC with the secret key) of the
address, user agent, placement and measure for that window: it cannot be turned back into who,
and it expires by itself.
"""

import logging
from functools import lru_cache

import crawleruseragents
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from finextra.net import client_ip

logger = logging.getLogger(__name__)

CLICK = "sponsors.click"
IMPRESSION = "sponsors.impression"

# Browsers announce speculative loads; none of them is a reader looking at the page (yet).
PREFETCH_HEADERS = ("Sec-Purpose", "Purpose", "X-Purpose", "X-Moz")
PREFETCH_WORDS = ("prefetch", "prerender", "preview")


def token_for(placement_id: int, *, purpose: str) -> str:
    """A token naming one placement, signed for one purpose (a click token is no beacon's).
    The same placement always gets the same token, so cached pages stay valid."""
    return signing.Signer(salt=purpose).sign(str(placement_id))


def placement_id_from(token: str, *, purpose: str) -> int | None:
    """The placement a token names, or None when it was not signed by us for `purpose`."""
    if len(token) > 100:
        return None
    try:
        value = signing.Signer(salt=purpose).unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None


@lru_cache(maxsize=2048)
def is_crawler(user_agent: str) -> bool:
    # A browser always says what it is; an empty user agent is a script. The list has some
    # 1,500 patterns (a few hundred microseconds a check) and user agents repeat: remember.
    return not user_agent.strip() or crawleruseragents.is_crawler(user_agent)


def is_prefetch(request: HttpRequest) -> bool:
    announced = " ".join(request.headers.get(name, "") for name in PREFETCH_HEADERS).lower()
    return any(word in announced for word in PREFETCH_WORDS)


def counts(request: HttpRequest) -> bool:
    """Whether this request is a reader's: not HEAD, not a prefetch, not a known crawler, and
    not the newsroom previewing its own pages."""
    if request.method != "GET" or is_prefetch(request):
        return False
    if is_crawler(request.headers.get("User-Agent", "")):
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated and user.is_staff)


def first_in_window(request: HttpRequest, *, placement_id: int, measure: str) -> bool:
    """True the first time this client (address and user agent) counts `measure` for the
    placement within PLACEMENT_COUNT_WINDOW_SECONDS; False on a repeat, so reloading a page or
    a script replaying the beacon adds nothing. Only a keyed hash is kept, for the window."""
    who = "\n".join(
        (client_ip(request), request.headers.get("User-Agent", ""), str(placement_id), measure)
    )
    digest = salted_hmac("sponsors.count-window", who, algorithm="sha256").hexdigest()
    try:
        added = cache.add(
            f"sponsors:counted:{digest}", 1, timeout=settings.PLACEMENT_COUNT_WINDOW_SECONDS
        )
    except Exception:
        logger.warning("Placement count: the cache did not answer", exc_info=True)
        added = None
    # The cache is an optimisation: without it (None: it did not answer) a repeat may count,
    # but no reader's view is lost and the request never fails.
    return added is not False
