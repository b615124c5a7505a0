"""The channels, from the cache: the menu on every page, a channel page's own channel and the
article page's, with no query while the cache holds. A channel saved or deleted empties it once
the change commits (`articles.services.label_save`, `label_delete`)."""

from django.core.cache import cache

from finextra.cache import read, read_ahead_register

from .models import Channel
from .search import QUERY_MAX_LENGTH

NAV_CACHE_KEY = "articles:nav-channels"
NAV_SECONDS = 600
read_ahead_register(NAV_CACHE_KEY)


def channels_cached(request=None) -> list[tuple[Channel, str]]:
    """Every channel with its URL, by name; read from the cache once per request."""
    found = getattr(request, "_channels", None)
    if found is not None:
        return found
    found = read(NAV_CACHE_KEY)
    if found is None:
        found = [(channel, channel.get_absolute_url()) for channel in Channel.objects.all()]
        cache.set(NAV_CACHE_KEY, found, NAV_SECONDS)
    if request is not None:
        request._channels = found
    return found


def channel_cached(request, **match) -> Channel | None:
    """The channel whose fields equal `match` (pk=..., or slug=...), or None."""
    for channel, _url in channels_cached(request):
        if all(getattr(channel, field) == value for field, value in match.items()):
            return channel
    return None


def navigation(request):
    """The channel menu on every page, and the header's search box."""
    return {
        "nav_channels": [{"name": c.name, "url": url} for c, url in channels_cached(request)],
        "search_max_length": QUERY_MAX_LENGTH,
    }
