"""What a request says about its client, believing the X-Forwarded-* headers only from the proxies
in TRUSTED_PROXIES."""

import ipaddress

from django.conf import settings


def is_trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net, strict=False) for net in settings.TRUSTED_PROXIES)


def client_ip(request) -> str:
    """Walk X-Forwarded-For from the right, past our own proxies, to the first hop we did not
    add: a client cannot forge its way past that by prepending addresses."""
    remote = request.META.get("REMOTE_ADDR", "")
    if not settings.TRUSTED_PROXIES or not is_trusted_proxy(remote):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        if not is_trusted_proxy(hop):
            return hop
    return remote
