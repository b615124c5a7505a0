from django import template
from django.utils.safestring import mark_safe

from ..sanitize import clean_body

register = template.Library()


@register.filter
def clean_html(html) -> str:
    """HTML from the admin (a flat page's content) cleaned with the article body's allow-list
    as it is shown, so a row saved before the admin cleaned it (or around the admin) cannot run
    a script for every visitor."""
    return mark_safe(clean_body(str(html or "")))
