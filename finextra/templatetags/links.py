"""`{% link "name" %}`: the URL of a route that takes no arguments, reversed once per process.

The header and footer of every page link to the same dozen routes; `{% url %}` would reverse
each on every request, a fifth of the article page's time. Routes are fixed while the process
runs, so the answer is kept per URLconf and script prefix (what reverse() itself depends on).
"""

from functools import cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


@cache
def _reversed(name: str, urlconf, prefix: str) -> str:
    return reverse(name, urlconf=urlconf)


def link_url(name: str) -> str:
    return _reversed(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@register.simple_tag(name="link")
def link(name: str) -> str:
    return link_url(name)
