from django.contrib import admin
from django.db.models import Count

from finextra.admin import EditorialAdmin, EditorialForm

from .models import Article, Author, Channel, Tag


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


class ArticleForm(EditorialForm):
    class Meta:
        model = Article
        fields = "__all__"


@admin.register(Article)
class ArticleAdmin(EditorialAdmin):
    form = ArticleForm
    review_permission = "articles.review_article"
    publish_permission = "articles.publish_article"
    list_display = (
        "headline",
        "state_badge",
        "channel",
        "author_names",
        "published_at",
        "comment_count",
    )
    list_filter = ("state", "channel", "provenance", "comment_mode")
    search_fields = ("headline", "standfirst", "slug")
    date_hierarchy = "published_at"
    list_select_related = ("channel",)
    prepopulated_fields = {"slug": ("headline",)}
    autocomplete_fields = ("authors", "tags", "sponsor")
    readonly_fields = ("comment_count", "first_published_at", "revised_at")
    fieldsets = (
        (None, {"fields": ("headline", "slug", "standfirst", "body")}),
        ("Placement", {"fields": ("channel", "authors", "tags", "provenance", "sponsor")}),
        (
            "Lead image",
            {
                "fields": (
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

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("authors")

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
