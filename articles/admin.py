from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.flatpages.admin import FlatPageAdmin as DjangoFlatPageAdmin
from django.contrib.flatpages.forms import FlatpageForm
from django.contrib.flatpages.models import FlatPage
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime

from finextra.admin import EditorialAdmin, QueueFilter
from finextra.admin_widgets import SafeAutocompleteAdmin
from finextra.workflow import State

from .corrections import correction_publish
from .forms import ArticleForm
from .models import Article, Author, Channel, Tag
from .sanitize import clean_body
from .search import admin_search
from .services import article_delete, article_labels_changed, article_save, label_delete, label_save


class LabelAdmin(admin.ModelAdmin):
    """Channels, tags and authors, saved and deleted through their service (a renamed page's
    redirect, the purge of every page showing the name)."""

    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)

    def save_model(self, request, obj, form, change):
        label_save(label=obj)

    def delete_model(self, request, obj):
        label_delete(label=obj)

    def delete_queryset(self, request, queryset):
        for label in queryset:
            label_delete(label=label)


@admin.register(Channel)
class ChannelAdmin(LabelAdmin):
    list_display = ("name", "slug", "strapline", "article_count")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_total=Count("articles"))

    @admin.display(description="articles", ordering="article_total")
    def article_count(self, channel):
        return channel.article_total


@admin.register(Author)
class AuthorAdmin(SafeAutocompleteAdmin, LabelAdmin):
    list_display = ("name", "slug", "user")
    autocomplete_fields = ("user",)


@admin.register(Tag)
class TagAdmin(LabelAdmin):
    list_display = ("name", "slug")


RENDITIONS_FAILED = (
    "The article is saved, but the smaller copies of its lead image could not be stored: the "
    "media store is full or not writable just now. The page shows the original meanwhile; save "
    "the article again once the store has room."
)


@admin.register(Article)
class ArticleAdmin(SafeAutocompleteAdmin, EditorialAdmin):
    form = ArticleForm
    change_form_template = "admin/articles/article/change_form.html"
    review_permission = "articles.review_article"
    publish_permission = "articles.publish_article"
    preview_url_name = "articles:preview_link"
    # Channel and authors share a column, and dates take two short lines, so every column
    # fits a 1280-pixel screen beside the admin's sidebar and filters.
    list_display = (
        "headline",
        "state_badge",
        "filed",
        "updated",
        "comments",
    )
    # A date filter, not a date hierarchy: the hierarchy lists the years of every matching row
    # (a sort of the whole archive on each page load).
    list_filter = (
        QueueFilter,
        "state",
        "channel",
        "provenance",
        "comment_mode",
        ("published_at", admin.DateFieldListFilter),
    )
    # Headline, standfirst and slug, and the body through get_search_results.
    search_fields = ("headline", "standfirst", "slug")
    search_help_text = "Finds words in the headline, the standfirst and the body."
    list_select_related = ("channel", "updated_by")
    actions = ["mark_edited_selected", "publish_selected", "unpublish_selected"]
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
        css = {"all": ["admin-desk.css"]}
        js = ["admin-desk.js"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not obj.is_live:
            return fieldsets
        fields = ("published_corrections",)
        if self.has_change_permission(request, obj):
            fields = (*fields, "correction", "correction_confirm")
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

    def fields_saved(self, obj, form):
        # Who saved last follows every save, as the time of it does.
        return {*super().fields_saved(obj, form), "updated_by"}

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

    def save_object(self, request, obj, *, update_fields=None):
        article_save(article=obj, user=request.user, update_fields=update_fields)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.lead_image:
            # The renditions are made once the save commits; a store that failed by then is
            # the editor's to know (the page shows the original meanwhile).
            transaction.on_commit(lambda: self._renditions_check(request, obj))
        note = form.cleaned_data.get("correction")
        if note:
            correction_publish(article=obj, note=note, user=request.user)
            self.message_user(
                request, "The correction is published at the foot of the article.", messages.INFO
            )

    def _renditions_check(self, request, article):
        if article.lead_image and not article.lead_image_renditions:
            self.message_user(request, RENDITIONS_FAILED, messages.WARNING)

    def save_related(self, request, form, formsets, change):
        article = form.instance
        tags_before = set(article.tags.values_list("pk", flat=True)) if change else set()
        authors_before = set(article.authors.values_list("pk", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        article_labels_changed(
            article=article, tag_ids_before=tags_before, author_ids_before=authors_before
        )

    def delete_model(self, request, obj):
        article_delete(article=obj)

    def delete_queryset(self, request, queryset):
        for article in queryset:
            article_delete(article=article)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("authors")

    def get_search_results(self, request, queryset, search_term):
        return admin_search(queryset, search_term), False

    # Bulk actions: each article through the workflow, one message per article.

    def has_review_permission(self, request):
        return request.user.has_perm(self.review_permission)

    def has_publish_permission(self, request):
        return request.user.has_perm(self.publish_permission)

    @admin.action(description="Mark selected articles as edited", permissions=["review"])
    def mark_edited_selected(self, request, queryset):
        self.bulk_move(request, queryset, "mark_edited")

    @admin.action(description="Publish selected articles now", permissions=["publish"])
    def publish_selected(self, request, queryset):
        self.bulk_move(request, queryset, "publish")

    @admin.action(description="Unpublish selected articles", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        if request.POST.get("confirm") != "yes":
            # Taking articles off the site asks first, as the button on each article does.
            context = {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": "Unpublish these articles?",
                "articles": queryset.order_by("pk"),
                "action": "unpublish_selected",
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "index": request.POST.get("index", "0"),
            }
            template = "admin/articles/article/unpublish_confirm.html"
            return TemplateResponse(request, template, context)
        self.bulk_move(request, queryset, "unpublish")
        return None

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
            state = "Scheduled"
        elif article.withdrawn_at:
            state = "Withdrawn"
        elif article.state == State.DRAFT and article.ready_for_edit_at:
            state = "Ready for edit"
        else:
            state = article.get_state_display()
        if article.state != State.PUBLISHED:
            return state
        # When it went (or goes) live, under its state.
        return format_html(
            "{}<br><small>{}</small>", state, _when(article.published_at, one_line=True)
        )

    @admin.display(description="comments", ordering="comment_count")
    def comments(self, article):
        return article.comment_count

    @admin.display(description="channel, by", ordering="channel__name")
    def filed(self, article):
        authors = ", ".join(author.name for author in article.authors.all())
        if not authors:
            return article.channel.name
        return format_html("{}<br><small>{}</small>", article.channel.name, authors)

    @admin.display(description="last saved", ordering="updated_at")
    def updated(self, article):
        if article.updated_by is None:
            return _when(article.updated_at)
        return format_html(
            "{}<br><small>by {}</small>", _when(article.updated_at), article.updated_by
        )


def _when(moment, *, one_line=False):
    """A date and time, short, in London time (on two lines unless told)."""
    local = localtime(moment)
    return format_html(
        '<time datetime="{}">{}{}{}</time>',
        moment.isoformat(),
        date_format(local, "j M Y"),
        " " if one_line else mark_safe("<br>"),
        date_format(local, "H:i"),
    )


class CleanedFlatpageForm(FlatpageForm):
    def clean_content(self):
        # The site's pages take the article body's allow-list: no script, no handler, no style.
        return clean_body(self.cleaned_data["content"])


admin.site.unregister(FlatPage)


@admin.register(FlatPage)
class FlatPageAdmin(DjangoFlatPageAdmin):
    """The site's pages (finextra/pages.py), cleaned on save like an article body. Here, not in
    finextra, because the allow-list is the articles app's."""

    form = CleanedFlatpageForm
