from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.generic import ListView

from .fragments import FRAGMENT_SECONDS, fragment_generation
from .models import Article, Author, Channel, Tag

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
            "fragment_generation": fragment_generation(),
            "fragment_seconds": FRAGMENT_SECONDS,
        },
    )
