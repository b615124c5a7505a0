"""What search engines and social sites read from a page: absolute URLs and the article's
schema.org JSON-LD."""

import json
from urllib.parse import urljoin

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ..provenance import PAID_PROVENANCES

register = template.Library()

# As json_script does: nothing in the data can close the <script> element or open a comment.
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def absolute(url: str, request) -> str:
    """The URL with the request's scheme and host (an already absolute URL is left alone)."""
    return request.build_absolute_uri(url) if url else ""


def site_url(path: str) -> str:
    # The JSON-LD sits in the cached part of the page, shared by every host: SITE_URL's.
    return urljoin(settings.SITE_URL + "/", path)


def article_structured_data(article, authors) -> dict:
    """schema.org NewsArticle, or AdvertiserContentArticle naming its sponsor for paid content."""
    url = site_url(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline,
        "description": article.standfirst,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "articleSection": article.channel.name,
        "datePublished": article.published_at,
        "dateModified": article.revised_at if article.was_updated else article.published_at,
        "author": [
            {"@type": "Person", "name": author.name, "url": site_url(author.get_absolute_url())}
            for author in authors
        ],
        "publisher": {"@type": "Organization", "name": "Finextra", "url": site_url("/")},
    }
    if article.corrections:
        data["correction"] = [
            {"@type": "CorrectionComment", "text": correction.note, "datePublished": correction.at}
            for correction in article.correction_list
        ]
    if not data["author"]:
        data["author"] = data["publisher"]
    if article.lead_image:
        data["image"] = [site_url(article.lead_image.url)]
    if article.provenance in PAID_PROVENANCES and article.sponsor is not None:
        data["@type"] = "AdvertiserContentArticle"
        data["sponsor"] = {"@type": "Organization", "name": article.sponsor.name}
        if article.sponsor.website:
            data["sponsor"]["url"] = article.sponsor.website
    return data


@register.simple_tag
def article_json_ld(article, authors):
    """The article's JSON-LD <script>; `authors` is the list the byline already read."""
    text = json.dumps(article_structured_data(article, authors), cls=DjangoJSONEncoder)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        # Safe: the escapes above leave nothing that can end the element.
        mark_safe(text.translate(JSON_SCRIPT_ESCAPES)),
    )
