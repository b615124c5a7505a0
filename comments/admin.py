"""The moderation desk: a queue newest first with reported comments on top, bulk Publish and
Remove through the shared workflow, filters, search, and each commenter's history."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator, smart_split, unescape_string_literal

from articles.models import Article
from finextra.admin import EditorialAdmin, QueueFilter
from finextra.models import live_condition
from finextra.workflow import State, TransitionRefused

from .models import MODERATE, Comment, Report, visible_condition
from .services import (
    CommentRefused,
    comment_dismiss_reports,
    comment_moderate,
    comment_publish,
    comment_remove,
    comment_set_pick,
)


def _author_count(condition: Q):
    """How many of this row's author's comments meet `condition`, in the list's one query."""
    counts = (
        Comment.objects.filter(condition, author=OuterRef("author"))
        .order_by()
        .values("author")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


NO_LONGER_AVAILABLE = "an article no longer available"
# How many accounts a search word may name and still be looked up first (see get_search_results).
ACCOUNT_MATCHES = 500


def _may_read_unpublished(request) -> bool:
    """The newsroom reads unpublished articles; moderators do not (not theirs to see)."""
    return request.user.has_perm("articles.view_article")


class ArticleFilter(admin.SimpleListFilter):
    """By article: the newest articles with comments (one index probe each, not a scan of every
    comment), only live ones for whoever may not read the rest; any article through the link
    on each row."""

    title = "article"
    parameter_name = "article__id__exact"
    SHOWN = 30

    def lookups(self, request, model_admin):
        commented = Comment.objects.filter(article=OuterRef("pk"))
        # Comments are on articles that have been published.
        articles = Article.objects.filter(Exists(commented), published_at__isnull=False)
        if not _may_read_unpublished(request):
            articles = articles.live()
        articles = articles.order_by("-published_at", "-id")
        return [
            (str(pk), headline)
            for pk, headline in articles.values_list("pk", "headline")[: self.SHOWN]
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(article_id=int(value))
        return queryset


class CommentQueueFilter(QueueFilter):
    """The queue opens on what waits for a moderator; "All" shows every comment."""

    default = "waiting"

    def lookups(self, request, model_admin):
        return [("waiting", "Waiting for a moderator"), *super().lookups(request, model_admin)]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.waiting()
        return super().queryset(request, queryset)


class RemovedFilter(admin.SimpleListFilter):
    title = "removed"
    parameter_name = "removed"

    def lookups(self, request, model_admin):
        return [("no", "Not removed"), ("yes", "Removed")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(removed_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(removed_at__isnull=False)
        return queryset


class CommenterFilter(admin.SimpleListFilter):
    title = "commenter"
    parameter_name = "commenter"

    def lookups(self, request, model_admin):
        return [("account", "Signed-in readers"), ("guest", "Guests"), ("staff", "Staff")]

    def queryset(self, request, queryset):
        if self.value() == "account":
            return queryset.filter(author__isnull=False)
        if self.value() == "guest":
            return queryset.filter(author__isnull=True)
        if self.value() == "staff":
            return queryset.filter(author__is_staff=True)
        return queryset


class ReportInline(admin.TabularInline):
    model = Report
    fields = ("created_at", "reporter", "reason", "details")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _bulk_action(service, done: str, *, description: str, permission="moderate", **arguments):
    """A list action that sends each selected comment through `service` (the rules' one path,
    called as `service(comment=..., user=..., **arguments)`): one message for those changed,
    one for each refused."""

    @admin.action(description=description, permissions=[permission])
    def action(model_admin, request, queryset):
        changed, refused = 0, []
        for comment in queryset.select_related("article", "parent__author"):
            try:
                service(comment=comment, user=request.user, **arguments)
            except (TransitionRefused, CommentRefused) as refusal:
                refused.append(f"#{comment.pk}: {refusal}")
            else:
                changed += 1
        if changed:
            model_admin.message_user(request, f"{changed} comment(s) {done}.", messages.SUCCESS)
        for line in refused:
            model_admin.message_user(request, line, messages.ERROR)

    return action


@admin.register(Comment)
class CommentAdmin(EditorialAdmin):
    review_permission = MODERATE
    publish_permission = MODERATE

    # The state next to the date, so it is never pushed off a narrow screen by a long text.
    list_display = ("created", "state_shown", "full_text", "commenter", "article_link")
    list_display_links = ("created",)
    list_filter = (
        CommentQueueFilter,
        "state",
        RemovedFilter,
        CommenterFilter,
        "editors_pick",
        ArticleFilter,
    )
    list_select_related = ("article", "author")
    search_fields = ("body", "author__username", "author__display_name", "guest_name")
    ordering = ("-open_reports", "-created_at", "-id")
    list_per_page = 50
    actions = ["publish", "remove", "take_back", "dismiss_reports", "pick", "unpick"]
    # The facts about a comment, shown beside its text and never typed over: the workflow's
    # moves and the list's actions change those that change.
    readonly_fields = (
        "article_link",
        "commenter",
        "history",
        "guest_email",
        "in_reply_to",
        "created_at",
        "edited_at",
        "removed_at",
        "open_reports",
        "editors_pick",
        "notify_replies",
    )
    fieldsets = (
        (None, {"fields": ("body",)}),
        ("About this comment", {"fields": readonly_fields}),
    )
    inlines = [ReportInline]

    class Media:
        css = {"all": ["comments/moderation.css"]}

    def get_queryset(self, request):
        # The headline shown beside a comment: only a live article's, unless the person reads
        # unpublished articles anyway (the newsroom).
        headline = F("article__headline")
        if not _may_read_unpublished(request):
            headline = Case(
                When(live_condition("article__"), then=F("article__headline")),
                default=Value(NO_LONGER_AVAILABLE),
                output_field=CharField(),
            )
        return (
            super()
            .get_queryset(request)
            .annotate(
                author_published=_author_count(visible_condition()),
                author_removed=_author_count(Q(removed_at__isnull=False)),
                article_shown=headline,
            )
        )

    def get_search_results(self, request, queryset, search_term):
        if connection.vendor != "postgresql" or not search_term.strip():
            return super().get_search_results(request, queryset, search_term)
        # Every word in the text, the guest's name or the account's name, as the admin's own
        # search reads `search_fields`, but with the accounts looked up first: then each
        # condition is on the comment row, and the trigram indexes (migration 0003) and the
        # author index can answer together, rather than a join reading every comment.
        for word in smart_split(search_term):
            if word.startswith(('"', "'")) and word[0] == word[-1]:
                word = unescape_string_literal(word)
            accounts = (
                get_user_model()
                .objects.filter(Q(username__icontains=word) | Q(display_name__icontains=word))
                .values_list("pk", flat=True)
            )
            named = list(accounts[: ACCOUNT_MATCHES + 1])
            queryset = queryset.filter(
                Q(body__icontains=word)
                | Q(guest_name__icontains=word)
                # A word in very many names ("a") is looked up in the query itself.
                | Q(author_id__in=named if len(named) <= ACCOUNT_MATCHES else accounts)
            )
        return queryset, False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Removal keeps the row for the record: use the "Remove" action.
        return False

    def has_moderate_permission(self, request):
        return request.user.has_perm(MODERATE)

    def has_pick_permission(self, request):
        return request.user.has_perm("comments.pick_comment")

    def save_model(self, request, obj, form, change):
        if change and "body" in form.changed_data and obj.state == State.PUBLISHED:
            # A moderator's edit of a published comment is marked, as an author's is.
            obj.edited_at = timezone.now()
        super().save_model(request, obj, form, change)

    def transition_apply(self, request, obj, *, move, note, at, version):
        # The moderation service: the move, reports settled and a reply's email, in one
        # transaction.
        comment_moderate(
            comment=obj, move=move, user=request.user, note=note, version=version, at=at
        )

    # Columns.

    @admin.display(description="posted", ordering="created_at")
    def created(self, obj):
        return obj.created_at.strftime("%d %b %Y %H:%M")

    @admin.display(description="state", ordering="open_reports")
    def state_shown(self, obj):
        if obj.removed_at:
            state = "Removed"
        else:
            state = {"draft": "Awaiting moderation", "edited": "Checked, not shown"}.get(
                obj.state, obj.get_state_display()
            )
        if not obj.open_reports:
            return state
        return format_html(
            '{}<br><strong class="queue-reported">{} reported</strong>', state, obj.open_reports
        )

    @admin.display(description="commenter")
    def commenter(self, obj):
        if obj.author_id is None:
            if obj.guest_name:
                return format_html("{} <small>(guest)</small>", obj.guest_name)
            return "a former reader"
        url = reverse("admin:comments_comment_changelist") + f"?author__id__exact={obj.author_id}"
        badge = mark_safe(" <small>(staff)</small>") if obj.author.is_staff else ""
        return format_html(
            '<a href="{}">{}</a>{}<small class="queue-history">{}</small>',
            url,
            str(obj.author),
            badge,
            self.history(obj),
        )

    @admin.display(description="commenter's history")
    def history(self, obj):
        if obj.author_id is None:
            return "—"
        return f"{obj.author_published} published, {obj.author_removed} removed"

    @admin.display(description="article", ordering="article__headline")
    def article_link(self, obj):
        url = reverse("admin:comments_comment_changelist") + f"?article__id__exact={obj.article_id}"
        headline = getattr(obj, "article_shown", NO_LONGER_AVAILABLE)
        return format_html('<a href="{}">{}</a>', url, Truncator(headline).chars(60))

    @admin.display(description="text")
    def full_text(self, obj):
        badges = ""
        if obj.editors_pick:
            badges += "<strong>Editor’s pick</strong> "
        if obj.parent_id:
            badges += "<small>(reply)</small> "
        return format_html('{}<div class="queue-text">{}</div>', mark_safe(badges), obj.body)

    @admin.display(description="in reply to")
    def in_reply_to(self, obj):
        if obj.parent_id is None:
            return "—"
        url = reverse("admin:comments_comment_change", args=[obj.parent_id])
        return format_html('<a href="{}">comment #{}</a>', url, obj.parent_id)

    # Bulk actions, each through the service that applies the rules.
    publish = _bulk_action(comment_publish, "published", description="Publish selected comments")
    remove = _bulk_action(comment_remove, "removed", description="Remove selected comments")
    take_back = _bulk_action(
        comment_moderate,
        "taken back for review",
        description="Take back for review",
        move="unpublish",
    )
    dismiss_reports = _bulk_action(
        comment_dismiss_reports,
        "cleared of reports",
        description="Dismiss reports (keep as they are)",
    )
    pick = _bulk_action(
        comment_set_pick,
        "pinned as Editor’s pick",
        description="Pin as Editor’s pick",
        permission="pick",
        pick=True,
    )
    unpick = _bulk_action(
        comment_set_pick,
        "unpinned",
        description="Unpin Editor’s pick",
        permission="pick",
        pick=False,
    )
