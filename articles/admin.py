from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime

from finextra.admin import EditorialAdmin

from .corrections import correction_publish
from .forms import ArticleForm
from .models import Article, Author, Channel, Tag
from .queues import BY_KEY, QUEUES


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "strapline", "article_count")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_total=Count("articles"))

    @admin.display(description="articles", ordering="article_total")
    def article_count(self, channel):
        return channel.article_total


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "user")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)
    autocomplete_fields = ("user",)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


class QueueFilter(admin.SimpleListFilter):
    """The desk's queues, as the admin's front page links to them."""

    title = "queue"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [(queue.key, queue.title) for queue in QUEUES]

    def queryset(self, request, queryset):
        queue = BY_KEY.get(self.value())
        if queue is None:
            return queryset
        return queue.articles(queryset)


@admin.register(Article)
class ArticleAdmin(EditorialAdmin):
    form = ArticleForm
    change_form_template = "admin/articles/article/change_form.html"
    review_permission = "articles.review_article"
    publish_permission = "articles.publish_article"
    preview_url_name = "articles:preview_link"
    list_display = (
        "headline",
        "state_badge",
        "channel",
        "author_names",
        "published_at",
        "comment_count",
    )
    list_filter = (QueueFilter, "state", "channel", "provenance", "comment_mode")
    search_fields = ("headline", "standfirst", "slug")
    date_hierarchy = "published_at"
    list_select_related = ("channel",)
    prepopulated_fields = {"slug": ("headline",)}
    autocomplete_fields = ("authors", "tags", "sponsor")
    readonly_fields = (
        "comment_count",
        "first_published_at",
        "revised_at",
        "published_corrections",
        "lead_image_thumbnail",
    )
    fieldsets = (
        (None, {"fields": ("headline", "slug", "standfirst", "body")}),
        ("Placement", {"fields": ("channel", "authors", "tags", "provenance", "sponsor")}),
        (
            "Lead image",
            {
                "fields": (
                    "lead_image_thumbnail",
                    "lead_image",
                    "lead_image_alt",
                    "lead_image_decorative",
                    "lead_image_caption",
                    "lead_image_credit",
                )
            },
        ),
        ("Comments", {"fields": ("comment_mode", "comment_count")}),
        (
            "Publication record",
            {"classes": ("collapse",), "fields": ("first_published_at", "revised_at")},
        ),
    )

    class Media:
        js = ["admin-desk.js"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not obj.is_live:
            return fieldsets
        fields = ("published_corrections",)
        if self.has_change_permission(request, obj):
            fields = (*fields, "correction")
        return [*fieldsets, ("Corrections", {"fields": fields})]

    @admin.display(description="published")
    def published_corrections(self, article):
        if not article.corrections:
            return "None yet."
        return format_html_join(
            "",
            '<p><time datetime="{}">{}</time>: {}</p>',
            (
                (c.at.isoformat(), date_format(localtime(c.at), "j F Y, H:i"), c.note)
                for c in article.correction_list
            ),
        )

    @admin.display(description="current image")
    def lead_image_thumbnail(self, article):
        """The lead image as saved, small: the smallest rendition (JPEG or PNG before WebP)."""
        if not article.lead_image:
            return "None yet."
        renditions = sorted(
            article.lead_image_renditions, key=lambda r: (r["format"] == "webp", r["width"])
        )
        src = default_storage.url(renditions[0]["name"]) if renditions else article.lead_image.url
        if article.lead_image_decorative:
            alt = "The current lead image (decorative)"
        else:
            alt = article.lead_image_alt or "The current lead image (no alt text yet)"
        return format_html(
            '<img class="lead-image-thumbnail" src="{}" alt="{}" width="240">', src, alt
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        note = form.cleaned_data.get("correction")
        if note:
            correction_publish(article=obj, note=note, user=request.user)
            self.message_user(
                request, "The correction is published at the foot of the article.", messages.INFO
            )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("authors")

    def view_on_site(self, article):
        # Readers see only live articles; anything else is for "Preview".
        return article.get_absolute_url() if article.is_live else None

    def get_urls(self):
        return [
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="articles_article_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id):
        """The article as it stands, in the site's own template, for whoever may view it here.
        Anyone else gets a 404 (admin_view has already sent the signed-out to sign in)."""
        articles = self.get_queryset(request).select_related("channel", "sponsor")
        try:
            article = articles.prefetch_related("tags").get(pk=unquote(object_id))
        except (Article.DoesNotExist, ValidationError, ValueError):
            raise Http404("No such article.") from None
        if not self.has_view_or_change_permission(request, article):
            raise Http404("No such article.")
        response = render(
            request,
            "articles/article_detail.html",
            {
                "article": article,
                "preview": True,
                "change_url": reverse("admin:articles_article_change", args=[article.pk]),
            },
        )
        # admin_view has made it never_cache (no-store); search engines are told too.
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    @admin.display(description="state", ordering="state")
    def state_badge(self, article):
        if article.is_scheduled:
            return "Scheduled"
        if article.withdrawn_at:
            return "Withdrawn"
        return article.get_state_display()

    @admin.display(description="authors")
    def author_names(self, article):
        return ", ".join(author.name for author in article.authors.all())
