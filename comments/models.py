from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from finextra.models import EditorialModel
from finextra.workflow import Move, State, TransitionTable

from .rendering import normalise_newlines, render_body

BODY_MAX_LENGTH = 4000
MODERATE = "comments.moderate_comment"
PICK = "comments.pick_comment"


def _commenter_publishes_on_posting(user, comment) -> bool:
    """A signed-in commenter's own new comment goes live when comments are open (docs/design.md,
    "The editorial workflow", the comments' table)."""
    return (
        comment.author_id is not None
        and comment.author_id == user.pk
        and comment.first_published_at is None
        and comment.removed_at is None
        and comment.article.comment_mode == Article.CommentMode.OPEN
    )


def _author_edit_needs_review(user, comment) -> bool:
    """An author's edit on a pre-moderated article goes back to a moderator."""
    return (
        comment.author_id is not None
        and comment.author_id == user.pk
        and comment.article.comment_mode == Article.CommentMode.PREMODERATED
    )


def _is_author(user, comment) -> bool:
    return comment.author_id is not None and comment.author_id == user.pk


# The comments' table (docs/design.md, "The editorial workflow").
COMMENT_TRANSITIONS = TransitionTable(
    Move("publish", "Publish", State.DRAFT, State.PUBLISHED, permission=MODERATE),
    Move(
        "publish_on_posting",
        "Published on posting",
        State.DRAFT,
        State.PUBLISHED,
        rule=_commenter_publishes_on_posting,
        automatic=True,
    ),
    Move("mark_edited", "Mark as edited", State.DRAFT, State.EDITED, permission=MODERATE),
    Move("publish_edited", "Publish", State.EDITED, State.PUBLISHED, permission=MODERATE),
    Move("unpublish", "Take back for review", State.PUBLISHED, State.DRAFT, permission=MODERATE),
    Move(
        "author_changed",
        "Changed by its author: back to moderation",
        State.PUBLISHED,
        State.DRAFT,
        rule=_author_edit_needs_review,
        automatic=True,
    ),
    # A moderator checked the old text; the author's new text needs checking again.
    Move(
        "author_changed_checked",
        "Changed by its author after the check",
        State.EDITED,
        State.DRAFT,
        rule=_is_author,
        automatic=True,
    ),
)


# Which comments a reader sees (docs/design.md, "The editorial workflow"), written once: the
# conditions here, read by `CommentQuerySet.visible()` and the thread's queries, and their Python
# mirrors beside them, `Comment.is_visible` and `Comment.is_shown_to`.
def visible_condition() -> Q:
    """Published and not removed: what any reader may read."""
    return Q(state=State.PUBLISHED, removed_at__isnull=True)


def shown_condition(viewer) -> Q:
    """What `viewer` sees: the visible comments, and their own that are not removed (awaiting
    moderation, or taken back), which only they see."""
    shown = visible_condition()
    if viewer is not None and viewer.is_authenticated:
        shown |= Q(author_id=viewer.pk, removed_at__isnull=True)
    return shown


class CommentQuerySet(models.QuerySet):
    def visible(self):
        """What readers may read (mirror: `Comment.is_visible`)."""
        return self.filter(visible_condition())

    def awaiting_moderation(self):
        return self.filter(state__in=[State.DRAFT, State.EDITED], removed_at__isnull=True)

    def reported(self):
        """Reported by readers, and the reports not yet looked at."""
        return self.filter(open_reports__gt=0, removed_at__isnull=True)

    def waiting(self):
        """Everything a moderator has to look at: held comments and reported ones."""
        return self.filter(
            Q(state__in=[State.DRAFT, State.EDITED]) | Q(open_reports__gt=0),
            removed_at__isnull=True,
        )


class Comment(EditorialModel):
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="comments"
    )
    # Replies: the comment answered, and the top-level comment of the thread (pagination key).
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    root = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="thread"
    )
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    # An account, or a guest's name and email (the email is never shown, and is purged).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    guest_name = models.CharField(max_length=80, blank=True)
    guest_email = models.EmailField(blank=True)
    body = models.TextField(
        max_length=BODY_MAX_LENGTH,
        validators=[MaxLengthValidator(BODY_MAX_LENGTH), ProhibitNullCharactersValidator()],
        help_text="Plain text. Paragraphs are kept and web links become clickable.",
    )
    # The body as safe HTML, made once at save.
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    removed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A keyed hash (HMAC) of the poster's address; purged after the retention period.
    ip_hash = models.CharField(max_length=64, blank=True, editable=False)
    notify_replies = models.BooleanField("email me replies", default=False)
    editors_pick = models.BooleanField("editor's pick", default=False, editable=False)
    # Reports not yet looked at by a moderator: they lift the comment to the top of the queue.
    open_reports = models.PositiveIntegerField(default=0, editable=False)

    objects = CommentQuerySet.as_manager()

    transitions = COMMENT_TRANSITIONS
    copy_fields = ("body",)
    service_fields = ("removed_at", "open_reports", "editors_pick", "ip_hash", "notify_replies")
    # A moderator's edit of a published comment is marked (CommentAdmin.save_model).
    derived_fields = {"body": ("body_html", "edited_at")}

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The article page: top-level comments by their stable key; replies by thread.
            models.Index(fields=["article", "parent", "-editors_pick", "id"], name="comment_top"),
            models.Index(fields=["root", "id"], name="comment_thread"),
            # The moderation queue, reported first, newest first.
            models.Index(fields=["-open_reports", "-created_at"], name="comment_queue"),
            # What waits for a moderator: the front page counts those held, and the queue opens
            # on those and the reported ones, in its own order.
            models.Index(
                fields=["-created_at"],
                condition=Q(state__in=[State.DRAFT, State.EDITED], removed_at__isnull=True),
                name="comment_awaiting",
            ),
            models.Index(
                fields=["-open_reports", "-created_at", "-id"],
                condition=(Q(state__in=[State.DRAFT, State.EDITED]) | Q(open_reports__gt=0))
                & Q(removed_at__isnull=True),
                name="comment_waiting",
            ),
            models.Index(fields=["author", "state"], name="comment_author_state"),
            models.Index(fields=["created_at"], name="comment_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(parent__isnull=True) & Q(root__isnull=True) & Q(depth=0))
                | (Q(parent__isnull=False) & Q(root__isnull=False) & Q(depth__gt=0)),
                name="comment_reply_has_root",
                violation_error_message="A reply names its parent and its thread's first comment.",
            ),
        ]
        permissions = [
            ("moderate_comment", "Can publish, take back and remove comments"),
            ("pick_comment", "Can pin a comment as Editor's pick"),
        ]

    def __str__(self):
        # No headline: this names the comment in the moderators' desk, and the article may
        # since have been unpublished (not theirs to see).
        return f"{self.author_name}’s comment #{self.pk}"

    def save(self, *args, **kwargs):
        """Writes this row alone, with its HTML made from its body. What a change sets off (the
        article's comment count, purges) is comments.services' (`comment_changed`)."""
        self.body = normalise_newlines(self.body)
        self.body_html = render_body(self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("comments:permalink", kwargs={"pk": self.pk})

    @property
    def is_visible(self) -> bool:
        """`visible_condition()` for this comment."""
        return self.state == State.PUBLISHED and self.removed_at is None

    def is_shown_to(self, viewer) -> bool:
        """`shown_condition(viewer)` for this comment."""
        own = viewer is not None and viewer.is_authenticated and self.author_id == viewer.pk
        return self.is_visible or (own and self.removed_at is None)

    @property
    def author_name(self) -> str:
        if self.author_id is not None:
            return str(self.author)
        return self.guest_name or "a former reader"

    @property
    def by_staff(self) -> bool:
        return self.author_id is not None and self.author.is_staff

    def editable_by(self, user) -> bool:
        window = timedelta(minutes=settings.COMMENTS_EDIT_WINDOW_MINUTES)
        return (
            _is_author(user, self)
            and self.removed_at is None
            and timezone.now() - self.created_at <= window
        )


class Report(models.Model):
    class Reason(models.TextChoices):
        SPAM = "spam", "Spam or advertising"
        ABUSE = "abuse", "Abusive or hateful"
        OFF_TOPIC = "off_topic", "Off topic"
        PERSONAL = "personal", "Personal information about someone"
        OTHER = "other", "Something else"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_reports"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    details = models.TextField(blank=True, max_length=500)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="report_once_per_reader")
        ]

    def __str__(self):
        return f"{self.get_reason_display()} (comment #{self.comment_id})"
