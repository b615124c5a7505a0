"""The one function that changes an editorial item's state, and the history it writes."""

import copy
import difflib
import hashlib
import html
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.html import strip_tags

from .models import Autosave, PreviewLink, Revision, TransitionLog
from .workflow import State, TransitionRefused, change_follow_up


def _content_type(obj: models.Model) -> ContentType:
    return ContentType.objects.get_for_model(obj, for_concrete_model=False)


def history_record(*, obj: models.Model, move: str, user, from_state: str, to_state: str, note=""):
    return TransitionLog.objects.create(
        content_type=_content_type(obj),
        object_id=obj.pk,
        move=move,
        from_state=from_state,
        to_state=to_state,
        actor=user if user is not None and user.is_authenticated else None,
        note=note,
    )


def history_for(obj: models.Model):
    return TransitionLog.objects.filter(
        content_type=_content_type(obj),
        object_id=obj.pk,
    ).select_related("actor")


def _has_field(obj: models.Model, name: str) -> bool:
    try:
        obj._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def _standing(obj: models.Model) -> str:
    """How an item stands, in the words of a refusal: "live", "scheduled", "a draft"."""
    if obj.is_scheduled:
        return "scheduled"
    if obj.is_live:
        return "live"
    if getattr(obj, "ready_for_edit_at", None):
        return "already ready for edit"
    return obj.get_state_display().lower()


def editorial_save(*, obj: models.Model, update_fields=None) -> models.Model:
    """Save an editorial item (a new one, or the fields named) and what follows from it: its
    app's registered follow-up (`change_follow_up`), given the row as it stood, in one
    transaction. The admin and the apps' own save services end here; `transition()` runs the
    same follow-up after its move."""
    with transaction.atomic():
        stored = type(obj)._base_manager.filter(pk=obj.pk) if obj.pk is not None else None
        before = stored.first() if stored is not None else None
        obj.save(update_fields=update_fields)
        change_follow_up(obj=obj, before=before)
    return obj


def transition(
    *,
    obj: models.Model,
    move: str,
    user,
    note: str = "",
    at: datetime | None = None,
    version: int | None = None,
    automatic: bool = False,
):
    """Apply the move named `move` to `obj` as `user`, or raise TransitionRefused.

    The row is re-read under a lock and its version compared with the one the caller saw
    (`version`, else `obj.version`), so a move from a stale page changes nothing.

    A move the table marks `automatic` is the consequence of another change and is made only
    by the code that owns that change, which says so with `automatic=True`; asked for any
    other way (the transition endpoint, a bulk action, a crafted request) it is refused.

    What the move sets off (purges, listing entries, a comment count) is the item's app's
    registered follow-up service (`workflow.register`), run in the same transaction.
    """
    model = type(obj)
    name = model._meta.verbose_name
    step = model.transitions.get(move)
    if step is None:
        raise TransitionRefused(f"There is no move “{move}” for a {name}. Nothing was changed.")
    if step.automatic and not automatic:
        raise TransitionRefused(
            f"“{step.label}” happens by itself when the {name} changes; it cannot be asked "
            "for. Nothing was changed."
        )
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
        if not step.applies_to(current):
            raise TransitionRefused(
                f"“{step.label}” applies to {step.when_text}, and this {name} is "
                f"{_standing(current)}. Nothing was changed."
            )
        if not step.allows(user, current):
            raise TransitionRefused(
                f"You are not allowed to “{step.label}” this {name}. Nothing was changed."
            )
        if step.note_required and not note:
            raise TransitionRefused(f"“{step.label}” needs a note saying why. Nothing was changed.")
        if step.time_required and at is None:
            raise TransitionRefused(f"“{step.label}” needs a date and time. Nothing was changed.")

        as_it_stood = copy.copy(current)
        now = timezone.now()
        changed = ["state", "version"]
        history_note = note
        if step.target == State.PUBLISHED:
            when = at or now
            if when < now - timedelta(minutes=1):
                instead = "Publish now" if step.source == State.PUBLISHED else "Publish"
                raise TransitionRefused(
                    f"A scheduled time must be in the future; use “{instead}” to publish now. "
                    "Nothing was changed."
                )
            if step.source == State.PUBLISHED:
                # A scheduled item moved: from the time it had to the new one.
                before = f"{timezone.localtime(current.published_at):%d %b %Y %H:%M}"
                history_note = (
                    f"Rescheduled from {before} to {timezone.localtime(when):%d %b %Y %H:%M}."
                    if at
                    else f"Published now instead of at {before}."
                )
            elif at:
                history_note = f"Scheduled for {timezone.localtime(at):%d %b %Y %H:%M}."
            history_note = f"{history_note} {note}".strip()
            current.published_at = when
            # Never live yet (or only ever scheduled): it is first published at the new time.
            if current.first_published_at is None or current.first_published_at > now:
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
                # A legal takedown: nobody may go on reading it through a preview link.
                preview_links_revoke(obj=current)
        if _has_field(current, "ready_for_edit_at"):
            # Ready for edit holds until the next move: a send-back, a copy change after the
            # edit, the edit itself.
            current.ready_for_edit_at = now if step.marks_ready else None
            changed.append("ready_for_edit_at")
        elif step.marks_ready:
            raise TransitionRefused(f"A {name} cannot be marked ready. Nothing was changed.")

        from_state = current.state
        current.state = step.target
        current.version += 1
        current.save(update_fields=changed)
        change_follow_up(obj=current, before=as_it_stood)
        history_record(
            obj=current,
            move=step.name,
            user=user,
            from_state=from_state,
            to_state=step.target,
            note=history_note,
        )

    for field in changed:
        setattr(obj, field, getattr(current, field))
    return obj


# Revisions: the copy as each admin save left it.


def _snapshot_value(obj: models.Model, name: str):
    field = obj._meta.get_field(name)
    if field.many_to_many:
        return sorted(item.pk for item in getattr(obj, name).all())
    if field.is_relation:
        return getattr(obj, field.attname)
    value = field.value_from_object(obj)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return field.value_to_string(obj)


def revision_record(*, obj: models.Model, user) -> Revision:
    """Keep the copy fields of `obj` as saved now (after its many-to-many fields)."""
    return Revision.objects.create(
        content_type=_content_type(obj),
        object_id=obj.pk,
        version=obj.version,
        actor=user if user is not None and user.is_authenticated else None,
        snapshot={name: _snapshot_value(obj, name) for name in obj.copy_fields},
    )


def revisions_for(obj: models.Model):
    revisions = Revision.objects.filter(content_type=_content_type(obj), object_id=obj.pk)
    return revisions.select_related("actor")


def revision_value(*, model: type[models.Model], name: str, value):
    """A snapshot's value as the field holds it (a date from its text, a key as a number)."""
    field = model._meta.get_field(name)
    if field.many_to_many or value is None:
        return value
    return field.to_python(value)


def revision_apply(*, obj: models.Model, revision: Revision) -> models.Model:
    """Put the revision's copy on `obj` in memory (for a preview); nothing is saved."""
    for name, value in revision.snapshot.items():
        try:
            field = obj._meta.get_field(name)
        except FieldDoesNotExist:
            continue  # a field since removed
        if field.many_to_many:
            continue
        setattr(obj, field.attname, revision_value(model=type(obj), name=name, value=value))
    return obj


@dataclass(frozen=True)
class FieldDiff:
    name: str
    label: str
    # (operation, text) with operation "equal", "delete" or "insert"; text is plain, unescaped.
    segments: list[tuple[str, str]]


_WORDS = re.compile(r"\S+\s*|\s+")
_BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|blockquote|figcaption)>|<br\s*/?>", re.IGNORECASE)


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    text = _BLOCK_END.sub(lambda match: match.group(0) + "\n", str(value))
    return html.unescape(strip_tags(text)).strip()


def revision_diff(
    *, older: Revision, newer: Revision, model: type[models.Model]
) -> list[FieldDiff]:
    """Word by word, the fields whose text differs between two revisions (tags stripped)."""
    diffs = []
    for name in dict.fromkeys([*older.snapshot, *newer.snapshot]):
        before, after = _as_text(older.snapshot.get(name)), _as_text(newer.snapshot.get(name))
        if before == after:
            continue
        a, b = _WORDS.findall(before), _WORDS.findall(after)
        segments = []
        matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op in ("delete", "replace"):
                segments.append(("delete", "".join(a[i1:i2])))
            if op in ("insert", "replace"):
                segments.append(("insert", "".join(b[j1:j2])))
            if op == "equal":
                segments.append(("equal", "".join(a[i1:i2])))
        try:
            label = str(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            label = name
        diffs.append(FieldDiff(name=name, label=label.capitalize(), segments=segments))
    return diffs


# Preview links: a signed-out reader's view of unpublished copy, for a while.

PREVIEW_DEFAULT_HOURS = 48


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def preview_link_create(
    *, obj: models.Model, user, hours: int = PREVIEW_DEFAULT_HOURS, revision: Revision | None = None
) -> tuple[PreviewLink, str]:
    """A new link to `obj`, and its token (kept nowhere: show it to the user once). A withdrawn
    item (a legal takedown) gets none: TransitionRefused."""
    if getattr(obj, "withdrawn_at", None) is not None:
        raise TransitionRefused(
            "This was withdrawn: nobody outside the newsroom may read it, so no preview link "
            "was made."
        )
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    link = PreviewLink.objects.create(
        content_type=_content_type(obj),
        object_id=obj.pk,
        token_hash=_token_hash(token),
        revision=revision,
        created_by=user,
        created_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    return link, token


def preview_link_open(*, token: str) -> PreviewLink | None:
    """The live link for `token`, its view counted; None when unknown, expired or revoked."""
    if not token or len(token) > 100:
        return None
    now = timezone.now()
    link = (
        PreviewLink.objects.filter(
            token_hash=_token_hash(token), revoked_at__isnull=True, expires_at__gt=now
        )
        .select_related("revision")
        .first()
    )
    if link is None:
        return None
    PreviewLink.objects.filter(pk=link.pk).update(
        view_count=F("view_count") + 1, last_viewed_at=now
    )
    return link


def preview_links_for(obj: models.Model):
    return PreviewLink.objects.filter(content_type=_content_type(obj), object_id=obj.pk)


def preview_links_revoke(*, obj: models.Model, link_id: int | None = None) -> int:
    """Revoke every live link to `obj` (or the one numbered `link_id`); how many were."""
    links = preview_links_for(obj).filter(revoked_at__isnull=True)
    if link_id is not None:
        links = links.filter(pk=link_id)
    return links.update(revoked_at=timezone.now())


# Autosaves: what a person typed into a draft's form and has not saved, kept per person.

AUTOSAVE_MAX_BYTES = 512 * 1024


class AutosaveRefused(Exception):
    pass


def autosave_record(*, obj: models.Model, user, version: int, data: dict) -> Autosave:
    """Keep `data` (the form as the browser read it) as `user`'s autosave of `obj`, replacing
    theirs. Drafts only: published or edited copy is changed through the form, never here."""
    if obj.state != State.DRAFT:
        raise AutosaveRefused(
            f"Only drafts are autosaved; this {obj._meta.verbose_name} is "
            f"{obj.get_state_display().lower()}."
        )
    autosave, _ = Autosave.objects.update_or_create(
        content_type=_content_type(obj),
        object_id=obj.pk,
        user=user,
        defaults={"version": version, "at": timezone.now(), "data": data},
    )
    return autosave


def autosave_for(*, obj: models.Model, user) -> Autosave | None:
    """`user`'s autosave of `obj`, offered back while it is a draft."""
    if obj.state != State.DRAFT:
        return None
    return Autosave.objects.filter(
        content_type=_content_type(obj), object_id=obj.pk, user=user
    ).first()


def autosave_discard(*, obj: models.Model, user) -> None:
    Autosave.objects.filter(content_type=_content_type(obj), object_id=obj.pk, user=user).delete()
