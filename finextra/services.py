"""The one function that changes an editorial item's state, and the history it writes."""

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from .models import TransitionLog
from .workflow import State, TransitionRefused


def history_record(*, obj: models.Model, move: str, user, from_state: str, to_state: str, note=""):
    return TransitionLog.objects.create(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=obj.pk,
        move=move,
        from_state=from_state,
        to_state=to_state,
        actor=user if user is not None and user.is_authenticated else None,
        note=note,
    )


def history_for(obj: models.Model):
    return TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=obj.pk,
    ).select_related("actor")


def transition(
    *,
    obj: models.Model,
    move: str,
    user,
    note: str = "",
    at: datetime | None = None,
    version: int | None = None,
):
    """Apply the move named `move` to `obj` as `user`, or raise TransitionRefused.

    The row is re-read under a lock and its version compared with the one the caller saw
    (`version`, else `obj.version`), so a move from a stale page changes nothing.
    """
    model = type(obj)
    name = model._meta.verbose_name
    step = model.transitions.get(move)
    if step is None:
        raise TransitionRefused(f"There is no move “{move}” for a {name}. Nothing was changed.")
    note = (note or "").strip()
    if at is not None and not step.schedulable:
        raise TransitionRefused(f"“{step.label}” cannot be scheduled. Nothing was changed.")

    with transaction.atomic():
        current = model._base_manager.select_for_update().get(pk=obj.pk)
        seen = obj.version if version is None else version
        if current.version != seen:
            raise TransitionRefused(
                f"Someone else changed this {name} since you opened it. "
                "Reload the page to see their change; nothing was changed."
            )
        if current.state != step.source:
            raise TransitionRefused(
                f"“{step.label}” applies to {State(step.source).label.lower()} items, and this "
                f"{name} is {current.get_state_display().lower()}. Nothing was changed."
            )
        if not step.allows(user, current):
            raise TransitionRefused(
                f"You are not allowed to “{step.label}” this {name}. Nothing was changed."
            )
        if step.note_required and not note:
            raise TransitionRefused(f"“{step.label}” needs a note saying why. Nothing was changed.")

        now = timezone.now()
        changed = ["state", "version"]
        if step.target == State.PUBLISHED:
            when = at or now
            if when < now - timezone.timedelta(minutes=1):
                raise TransitionRefused(
                    "A scheduled time must be in the future; use “Publish” to publish now. "
                    "Nothing was changed."
                )
            current.published_at = when
            if current.first_published_at is None:
                current.first_published_at = when
            current.withdrawn_at = None
            changed += ["published_at", "first_published_at", "withdrawn_at"]
        elif step.source == State.PUBLISHED:
            # Taken down before it ever went live: it was never first published.
            if current.first_published_at and current.first_published_at > now:
                current.first_published_at = None
                changed.append("first_published_at")
            if step.withdraws:
                current.withdrawn_at = now
                changed.append("withdrawn_at")

        from_state = current.state
        current.state = step.target
        current.version += 1
        current.save(update_fields=changed)
        history_record(
            obj=current,
            move=step.name,
            user=user,
            from_state=from_state,
            to_state=step.target,
            note=note
            if not at
            else f"Scheduled for {timezone.localtime(at):%d %b %Y %H:%M}. {note}".strip(),
        )

    for field in changed:
        setattr(obj, field, getattr(current, field))
    return obj
