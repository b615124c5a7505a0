"""sitemap.xml (an index of Django sitemaps, one section a kind of page), the Google News
sitemap of recent editorial articles, and robots.txt pointing at both. Only live content."""

from datetime import timedelta

from django.contrib.flatpages.sitemaps import FlatPageSitemap
from django.contrib.sitemaps import Sitemap
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from finextra.text import xml_safe

from .models import Article, Author, Channel, Tag
from .provenance import Provenance

# Google News takes articles from the last two days, at most 1,000 of them.
NEWS_WINDOW = timedelta(days=2)
NEWS_LIMIT = 1000


class ArticleSitemap(Sitemap):
    changefreq = "weekly"
    limit = 10000

    def items(self):
        return (
            Article.objects.live()
            .only("pk", "slug", "published_at", "revised_at")
            .order_by("-published_at", "-id")
        )

    def lastmod(self, item):
        return max(filter(None, (item.published_at, item.revised_at)))


class ChannelSitemap(Sitemap):
    changefreq = "hourly"

    def items(self):
        return Channel.objects.order_by("name")


class TagSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        # A tag no live article carries has no page (its page is a 404).
        return Tag.objects.filter(articles__in=Article.objects.live()).distinct().order_by("name")


class AuthorSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return (
            Author.objects.filter(articles__in=Article.objects.live()).distinct().order_by("name")
        )


SITEMAPS = {
    "articles": ArticleSitemap,
    "channels": ChannelSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
    "pages": FlatPageSitemap,
}


def news_articles():
    """Editorial articles published in the last two days: never paid, community or house."""
    return (
        Article.objects.live()
        .filter(provenance=Provenance.EDITORIAL, published_at__gte=timezone.now() - NEWS_WINDOW)
        .only("pk", "slug", "headline", "published_at")
        .order_by("-published_at", "-id")[:NEWS_LIMIT]
    )


@require_GET
def news_sitemap(request):
    # The Site's domain, as Django's sitemaps and feeds use (cached: no query after the first).
    site = get_current_site(request)
    articles = list(news_articles())
    for article in articles:
        # Whatever was saved, the sitemap stays well-formed XML.
        article.headline = xml_safe(article.headline)
    # No request context: the page's context processors (the channel menu) have no place here.
    xml = render_to_string(
        "articles/news_sitemap.xml",
        {"articles": articles, "base_url": f"{request.scheme}://{site.domain}"},
    )
    return HttpResponse(xml, content_type="application/xml; charset=utf-8")


@require_GET
def robots_txt(request):
    base_url = f"{request.scheme}://{request.get_host()}"
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /sponsored/go/",
        "Disallow: /sponsored/seen/",
        "",
        f"Sitemap: {base_url}{reverse('articles:sitemap')}",
        f"Sitemap: {base_url}{reverse('articles:news_sitemap')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
