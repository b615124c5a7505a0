from django.contrib.contenttypes.models import ContentType
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from finextra.edge import edge_keys, edge_public
from finextra.services import preview_link_open, revision_apply

from .context_processors import channel_cached
from .edge import article_page_keys
from .forms import SearchForm
from .fragments import article_parts, fragment_version
from .listing import (
    PAGE_SIZE,
    article_ids,
    capped_count,
    entry_ids,
    listing_page,
    page_number,
)
from .models import Article, Author, Channel, Tag
from .provenance import PAID_PROVENANCES
from .sanitize import clean_body
from .search import article_search, results_capped, search_highlight


class ListingView(TemplateView):
    """A page of live articles, newest first (`articles.listing`): subclasses say which, and
    which surrogate keys name the listing for the shared cache (`articles/edge.py`)."""

    counted = False  # whether the page says how many articles the listing holds

    def ids(self):
        return article_ids(Article.objects.live())

    def listing_keys(self) -> tuple[str, ...]:
        return ("list-home",)

    def get_context_data(self, **kwargs):
        ids = self.ids()
        number = page_number(self.request)
        total = capped_count(ids) if self.counted else None
        page = listing_page(ids, number=number, total=total)
        if number > 1 and not page.article_ids:
            raise Http404("No such page.")
        edge_keys(self.request, *self.listing_keys(), *page.card_keys)
        return super().get_context_data(page_obj=page, is_paginated=page.has_other_pages, **kwargs)


class HomeView(ListingView):
    template_name = "articles/home.html"


class ChannelView(ListingView):
    template_name = "articles/channel.html"

    def ids(self):
        slug = self.kwargs["slug"]
        self.channel = channel_cached(self.request, slug=slug) or get_object_or_404(
            Channel, slug=slug
        )
        return article_ids(Article.objects.live().filter(channel=self.channel))

    def listing_keys(self):
        return (f"channel-{self.channel.pk}", f"list-channel-{self.channel.pk}")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "channel": self.channel}


class TagView(ListingView):
    template_name = "articles/tag.html"
    counted = True

    def ids(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return entry_ids(tag=self.tag)

    def listing_keys(self):
        return (f"tag-{self.tag.pk}", f"list-tag-{self.tag.pk}")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # A tag no live article carries is a 404 (a draft's tag may name an embargoed story).
        if not context["page_obj"].total:
            raise Http404("No live article carries this tag.")
        return {**context, "tag": self.tag}


class AuthorView(ListingView):
    template_name = "articles/author.html"
    counted = True

    def ids(self):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        return entry_ids(author=self.author)

    def listing_keys(self):
        return (f"author-{self.author.pk}", f"list-author-{self.author.pk}")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The tag rule: an author without live work is a 404 (their name and bio may belong to
        # an embargoed story).
        if not context["page_obj"].total:
            raise Http404("No live article by this author.")
        return {**context, "author": self.author}


@edge_public
def article_detail(request, pk, slug=None):
    # The row by its key alone, judged by `is_live` (the Python mirror of `live()`): the
    # cheapest query to build, and a withdrawn article answers 410 without a second one. The
    # channel comes from the cached channel list, the sponsor only where a cached part is
    # rendered anew: joining them cost a fifth of the page (benchmarks/README.md).
    try:
        article = Article.objects.get(pk=pk)  # get(), not first(): no ORDER BY to build
    except Article.DoesNotExist:
        raise Http404("No such article.") from None
    if not article.is_live:
        if article.withdrawn_at is not None:
            return render(request, "410.html", {"withdrawn": article}, status=410)
        raise Http404("No such article.")
    if channel := channel_cached(request, pk=article.channel_id):
        article.channel = channel
    if slug != article.slug:
        # Keep the query (a comment page, a campaign tag) on the way to the right URL.
        query = request.META.get("QUERY_STRING", "")
        url = article.get_absolute_url() + (f"?{query}" if query else "")
        return redirect(url, permanent=True)
    parts = article_parts(request, article, fragment_version(article))
    article_page_keys(request, article, tag_ids=parts.tag_ids, author_ids=parts.author_ids)
    return render(request, "articles/article_detail.html", {"article": article, "parts": parts})


def search(request):
    """Search results for ?q=, a page at a time; no query, just the form."""
    form = SearchForm(request.GET or None)
    context = {"form": form, "query": ""}
    if form.is_valid() and form.cleaned_data["q"]:
        query = form.cleaned_data["q"]
        paginator = Paginator(article_search(query=query), PAGE_SIZE)
        try:
            page = paginator.page(request.GET.get("page") or 1)
        except InvalidPage:
            raise Http404("No such page of results.") from None
        articles = search_highlight(articles=list(page.object_list), query=query)
        context.update(
            query=query,
            page_obj=page,
            paginator=paginator,
            articles=articles,
            # Only the newest matches are ranked: say so rather than give a false total.
            capped=results_capped(paginator.count),
        )
    return render(request, "articles/search.html", context)


@never_cache
def article_preview(request, token):
    """An unpublished article for whoever holds a live preview link (no sign-in): its latest
    saved copy, or the revision the link was made for. Never indexed, never cached."""
    link = preview_link_open(token=token)
    article = None
    article_type = ContentType.objects.get_for_model(Article)
    if link is not None and link.content_type_id == article_type.pk:
        articles = Article.objects.select_related("channel", "sponsor").prefetch_related("tags")
        # Taken down means down: a withdrawn article's links stop working, whoever holds one.
        article = articles.filter(pk=link.object_id, withdrawn_at__isnull=True).first()
    if article is None:
        raise Http404("This preview link has expired, been revoked or never existed.")
    if link.revision is not None:
        revision_apply(obj=article, revision=link.revision)
        article.body = clean_body(article.body, sponsored=article.provenance in PAID_PROVENANCES)
    context = {"article": article, "preview": True}
    response = render(request, "articles/article_detail.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    # The token is the key: no link followed from the page may carry it off in a Referer.
    response["Referrer-Policy"] = "no-referrer"
    return response
