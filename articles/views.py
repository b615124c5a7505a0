from django.contrib.contenttypes.models import ContentType
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.generic import ListView

from finextra.services import preview_link_open, revision_apply

from .forms import SearchForm
from .fragments import FRAGMENT_SECONDS, fragment_version
from .models import Article, Author, Channel, Tag
from .provenance import PAID_PROVENANCES
from .sanitize import clean_body
from .search import article_search, results_capped, search_highlight

PAGE_SIZE = 20


class HomeView(ListView):
    template_name = "articles/home.html"
    context_object_name = "articles"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return Article.objects.for_listing()


class ChannelView(ListView):
    template_name = "articles/channel.html"
    context_object_name = "articles"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.channel = get_object_or_404(Channel, slug=self.kwargs["slug"])
        return Article.objects.for_listing().filter(channel=self.channel)

    def get_context_data(self, **kwargs):
        return super().get_context_data(channel=self.channel, **kwargs)


class TagView(ListView):
    template_name = "articles/tag.html"
    context_object_name = "articles"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return Article.objects.for_listing().filter(tags=self.tag)

    def get_paginator(self, *args, **kwargs):
        # A tag no live article carries is a 404 (a draft's tag may name an embargoed story),
        # told by the count the paginator makes anyway (allow_empty = False costs a query).
        return super().get_paginator(*args, **{**kwargs, "allow_empty_first_page": False})

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class AuthorView(ListView):
    template_name = "articles/author.html"
    context_object_name = "articles"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        return Article.objects.for_listing().filter(authors=self.author)

    def get_paginator(self, *args, **kwargs):
        # The tag rule: an author without live work is a 404 (their name and bio may belong to
        # an embargoed story).
        return super().get_paginator(*args, **{**kwargs, "allow_empty_first_page": False})

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


def article_detail(request, pk, slug=None):
    try:
        # get(), not first(): no ORDER BY to build for a single row.
        article = Article.objects.live().select_related("channel", "sponsor").get(pk=pk)
    except Article.DoesNotExist:
        withdrawn = Article.objects.filter(pk=pk, withdrawn_at__isnull=False).first()
        if withdrawn is not None:
            return render(request, "410.html", {"withdrawn": withdrawn}, status=410)
        raise Http404("No such article.") from None
    if slug != article.slug:
        # Keep the query (a comment page, a campaign tag) on the way to the right URL.
        query = request.META.get("QUERY_STRING", "")
        url = article.get_absolute_url() + (f"?{query}" if query else "")
        return redirect(url, permanent=True)
    return render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "fragment_version": fragment_version(article),
            "fragment_seconds": FRAGMENT_SECONDS,
        },
    )


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
