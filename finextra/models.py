from datetime import datetime
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from .workflow import State, TransitionTable


class User(AbstractUser):
    display_name = models.CharField(
        max_length=80, blank=True, help_text="Shown beside comments; the username when empty."
    )

    class Meta(AbstractUser.Meta):
        constraints = [
            # One account per address, whatever its case (password resets go to it). Accounts
            # without one (some staff) are not affected.
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_unique_ci",
                condition=~models.Q(email=""),
                violation_error_message="Another account already has this email address.",
                violation_error_code="email_taken",
            )
        ]

    def __str__(self):
        return self.display_name or self.username


def live_condition(prefix: str = "", *, at: datetime | None = None) -> models.Q:
    """Live: published, and its publication time come (docs/design.md, "The editorial
    workflow"). The one home of the rule readers see by, as a condition; `prefix` reads it
    through a relation ("article__"). `live_at` below is its Python mirror."""
    return models.Q(
        **{f"{prefix}state": State.PUBLISHED, f"{prefix}published_at__lte": at or timezone.now()}
    )


def live_at(*, state: str, published_at: datetime | None, at: datetime) -> bool:
    """`live_condition` in Python, for a row in hand (or its stored values)."""
    return state == State.PUBLISHED and published_at is not None and published_at <= at


class EditorialQuerySet(models.QuerySet):
    """The public verb and the desk's queues, one rule for articles and placements
    (docs/design.md, "The editorial workflow"): their querysets inherit these beside their own.
    The model needs a `ready_for_edit_at` field, set and cleared only by `transition()`."""

    def live(self, *, at: datetime | None = None):
        """What readers may see (mirror: `EditorialModel.is_live_at`)."""
        return self.filter(live_condition(at=at))

    def awaiting_edit(self):
        """Drafts their writer has said are ready ("Ready for edit")."""
        return self.filter(state=State.DRAFT, ready_for_edit_at__isnull=False)

    def being_written(self):
        """Drafts not yet ready for edit (withdrawn ones wait for nobody)."""
        return self.filter(
            state=State.DRAFT, ready_for_edit_at__isnull=True, withdrawn_at__isnull=True
        )

    def ready_to_publish(self):
        return self.filter(state=State.EDITED)

    def scheduled(self):
        """Published with a time still to come (mirror: `EditorialModel.is_scheduled`)."""
        return self.filter(state=State.PUBLISHED, published_at__gt=timezone.now())


class EditorialModel(models.Model):
    """Workflow fields for every editorial model; only `services.transition` moves `state`."""

    state = models.CharField(
        max_length=10, choices=State.choices, default=State.DRAFT, editable=False
    )
    # Live from published_at; a future published_at means scheduled.
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When published copy was last corrected (shown to readers as "Updated").
    revised_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set by "Withdraw" (a legal takedown): the public URL answers 410 Gone.
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Bumped by every save and move, so a form opened before another change is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    transitions: ClassVar[TransitionTable]
    # Fields whose change undoes an editor's sign-off.
    copy_fields: ClassVar[tuple[str, ...]] = ()
    # What the workflow alone writes (`services.transition`): an admin save never does.
    WORKFLOW_FIELDS: ClassVar[tuple[str, ...]] = (
        "state",
        "published_at",
        "first_published_at",
        "revised_at",
        "withdrawn_at",
        "version",
    )
    # Fields other services own (counts, corrections, moderation marks): never an admin save's.
    service_fields: ClassVar[tuple[str, ...]] = ()
    # {form field: model fields its change rewrites too} (an image's size, a cleared duplicate).
    derived_fields: ClassVar[dict[str, tuple[str, ...]]] = {}

    class Meta:
        abstract = True

    @property
    def is_live(self) -> bool:
        return self.is_live_at(timezone.now())

    def is_live_at(self, at: datetime) -> bool:
        """What `objects.live(at=at)` selects, for this row."""
        return live_at(state=self.state, published_at=self.published_at, at=at)

    @property
    def is_scheduled(self) -> bool:
        return (
            self.state == State.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )


# History entries that record a change without a move.
RECORDED_CHANGES = {
    "live_change": "Published copy changed",
    "correction": "Correction published",
    "restore_revision": "Restored an earlier copy",
}


class TransitionLog(models.Model):
    """One row per workflow move or recorded change, for every editorial model."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    move = models.CharField(max_length=40)
    from_state = models.CharField(max_length=10, choices=State.choices)
    to_state = models.CharField(max_length=10, choices=State.choices)
    # Kept as null when the account is deleted: the record outlives the person.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"], name="history_object")]
        verbose_name = "history entry"
        verbose_name_plural = "history"

    def __str__(self):
        return f"{self.get_from_state_display()} → {self.get_to_state_display()} ({self.move})"

    @property
    def move_label(self) -> str:
        """The button's words for a move ("Mark as edited"), or a plain reading of the name."""
        model = ContentType.objects.get_for_id(self.content_type_id).model_class()
        table = getattr(model, "transitions", None)
        move = table.get(self.move) if table is not None else None
        if move is not None:
            return move.label
        return RECORDED_CHANGES.get(self.move, self.move.replace("_", " ").capitalize())


class Revision(models.Model):
    """The copy of an editorial item as one admin save left it (its `copy_fields`)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    # The item's `version` after the save.
    version = models.PositiveIntegerField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    # {field name: value as the form would take it}; a foreign key is its primary key.
    snapshot = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-at"], name="revision_object")
        ]

    def __str__(self):
        return f"Revision at version {self.version}"


class PreviewLink(models.Model):
    """A link to an unpublished item that works without signing in, until it expires or is
    revoked. Only the token's SHA-256 is kept: the link itself is shown once, when made."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    token_hash = models.CharField(max_length=64, unique=True)
    # Shows this revision's copy; the latest saved state when empty.
    revision = models.ForeignKey(Revision, null=True, blank=True, on_delete=models.CASCADE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    view_count = models.PositiveIntegerField(default=0)
    last_viewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="preview_object")]

    def __str__(self):
        return f"Preview link made {self.created_at:%d %b %Y %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class Autosave(models.Model):
    """What one person has typed into a draft's change form and not saved, sent by the browser
    as they type (static/editorial-drafts.js), so it survives a lost or broken computer as well
    as a closed tab. Never applied to the item: the person restores it into the form and saves
    it under the usual rules. Only drafts are autosaved, so published copy is never touched."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The item's version the form was opened on.
    version = models.PositiveIntegerField()
    at = models.DateTimeField(default=timezone.now)
    # The form as the browser read it: {"opened": {...}, "values": {...}}, field by field.
    data = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "user"], name="autosave_one_per_person"
            )
        ]

    def __str__(self):
        return f"Autosave at version {self.version}"
