"""Abuse defences that need no third party: a signed form timestamp and rate limits kept in the
cache (Redis in production, so they hold across every app server)."""

import logging
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache

logger = logging.getLogger(__name__)

FORM_SALT = "comments.form-timestamp"


def form_stamp(scope: str) -> str:
    """A value for the form's hidden field: `scope` (e.g. the article) and the time, signed."""
    return signing.TimestampSigner(salt=FORM_SALT).sign(scope)


def stamp_problem(value: str, scope: str) -> str:
    """Why the signed timestamp is refused ("" when it is fine): forged, for another form,
    too fast to be a person, or too old."""
    signer = signing.TimestampSigner(salt=FORM_SALT)
    try:
        signed_scope = signer.unsign(value or "", max_age=settings.COMMENTS_FORM_MAX_AGE)
    except signing.SignatureExpired:
        return "This form was open too long. Your text is below: please send it again."
    except signing.BadSignature:
        return "This form could not be checked. Your text is below: please send it again."
    if signed_scope != scope:
        return "This form belongs to another page. Your text is below: please send it again."
    stamped = signing.b62_decode(value.rsplit(signer.sep, 2)[-2])
    if time.time() - stamped < settings.COMMENTS_FORM_MIN_SECONDS:
        return "That was sent faster than a person types. Wait a moment and send it again."
    return ""


def rate_limited(kind: str, who: str, *, limit: int, seconds: int) -> bool:
    """Count one more action by `who` in this fixed window; True when past `limit`.

    cache.add then cache.incr: atomic on Redis, and on the local-memory cache within a process.
    While the cache is unreachable (each call answers None) the limit fails open: the action is
    allowed and a warning logged, since refusing every reader would be worse than a few extra
    posts for the minutes Redis is away.
    """
    window = int(time.time() // seconds)
    key = f"comments:rate:{kind}:{who}:{window}"
    added = cache.add(key, 1, timeout=seconds + 1)
    if added:
        return False
    if added is None:
        return _fail_open(kind)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.add(key, 1, timeout=seconds + 1)
        return False
    if count is None:
        return _fail_open(kind)
    return count > limit


def _fail_open(kind: str) -> bool:
    logger.warning("Rate limit %r not counted: the cache is unreachable (failing open)", kind)
    return False


def posting_rate_limited(*, user_id: int | None, ip_hash: str) -> bool:
    """Per account and per address (a keyed hash, never the address itself)."""
    per_account, per_ip = settings.COMMENTS_RATE_PER_ACCOUNT, settings.COMMENTS_RATE_PER_IP
    if user_id is not None and rate_limited(
        "account", str(user_id), limit=per_account[0], seconds=per_account[1]
    ):
        return True
    return bool(ip_hash) and rate_limited("ip", ip_hash, limit=per_ip[0], seconds=per_ip[1])
