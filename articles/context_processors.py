from django.core.cache import cache

from .models import Channel
from .search import QUERY_MAX_LENGTH

NAV_CACHE_KEY = "articles:nav-channels"


def navigation(request):
    """The channel menu on every page, cached so it costs no query per request, and the
    header's search box."""
    channels = cache.get(NAV_CACHE_KEY)
    if channels is None:
        channels = [
            {"name": c.name, "url": c.get_absolute_url()} for c in Channel.objects.order_by("name")
        ]
        cache.set(NAV_CACHE_KEY, channels, 600)
    return {"nav_channels": channels, "search_max_length": QUERY_MAX_LENGTH}
