"""The editorial workflow every editorial model shares: states, moves, transition tables and the
registry of editorial models. The one function that applies a move is
`finextra.services.transition`.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    EDITED = "edited", "Edited"
    PUBLISHED = "published", "Published"


class TransitionRefused(Exception):
    """A move the workflow does not allow. The message is written for the person who asked."""


Rule = Callable[[object, models.Model], bool]
Condition = Callable[[models.Model], bool]


@dataclass(frozen=True)
class Move:
    name: str
    label: str
    source: str
    target: str
    # Who may make it: anyone with `permission`, or anyone for whom `rule(user, obj)` holds.
    permission: str = ""
    rule: Rule | None = None
    note_required: bool = False
    schedulable: bool = False
    withdraws: bool = False
    # Made by the system as a consequence of another change, never offered as a button.
    automatic: bool = False
    # Only when this holds of the item as it stands (a scheduled item, a draft not yet ready).
    when: Condition | None = None
    # Why the move does not apply when `when` fails, for the refusal ("… applies to …").
    when_text: str = ""
    # The time is the whole point of the move ("Reschedule"): no time, no move.
    time_required: bool = False
    # The label of the button beside the date and time, for a schedulable move.
    time_label: str = "Schedule"
    # Asked of the person before the move (a checkbox they tick), so a slip cannot make it.
    confirm: str = ""
    # What happened, after "“Headline” is …", where the state alone does not say it.
    done: str = ""
    # Marks a draft as ready for an editor (sets `ready_for_edit_at`); any other move clears it.
    marks_ready: bool = False

    def applies_to(self, obj) -> bool:
        return obj.state == self.source and (self.when is None or bool(self.when(obj)))

    def allows(self, user, obj) -> bool:
        if not user or not user.is_active:
            return False
        if self.permission and user.has_perm(self.permission):
            return True
        return self.rule is not None and bool(self.rule(user, obj))


class TransitionTable:
    def __init__(self, *moves: Move):
        self.moves = {move.name: move for move in moves}

    def __iter__(self):
        return iter(self.moves.values())

    def get(self, name: str) -> Move | None:
        return self.moves.get(name)

    def available(self, user, obj) -> list[Move]:
        """The buttons `user` may press on `obj` as it stands."""
        return [
            move
            for move in self
            if not move.automatic and move.applies_to(obj) and move.allows(user, obj)
        ]


def _is_scheduled(obj) -> bool:
    return obj.is_scheduled


def _not_ready(obj) -> bool:
    return obj.ready_for_edit_at is None


def _writes_only(*, change: str, review: str, publish: str) -> Rule:
    """The writers (the commercial team, for placements): they change copy and sign off none."""

    def rule(user, obj) -> bool:
        return user.has_perm(change) and not user.has_perm(review) and not user.has_perm(publish)

    return rule


def standard_table(
    *,
    review: str,
    publish: str,
    change: str,
    taken_down: str = "it no longer shows on the site",
    withdrawn: str = "it no longer shows on the site, and its preview links stop working",
) -> TransitionTable:
    """The table articles and placements share (docs/design.md, "The editorial workflow").

    `taken_down` and `withdrawn` say what readers get after "Unpublish" and "Withdraw".
    """
    return TransitionTable(
        # The writer says the draft is done: it joins the editors' queue, still a draft.
        Move(
            "ready_for_edit",
            "Ready for edit",
            State.DRAFT,
            State.DRAFT,
            rule=_writes_only(change=change, review=review, publish=publish),
            when=_not_ready,
            when_text="drafts not yet marked ready",
            marks_ready=True,
            done="ready for edit: it is in the editors' queue",
        ),
        Move("mark_edited", "Mark as edited", State.DRAFT, State.EDITED, permission=review),
        Move(
            "send_back",
            "Send back to draft",
            State.EDITED,
            State.DRAFT,
            permission=review,
            note_required=True,
        ),
        Move(
            "publish",
            "Publish",
            State.EDITED,
            State.PUBLISHED,
            permission=publish,
            schedulable=True,
        ),
        # A scheduled item goes live at once, or at another time: the copy has not changed,
        # so the editor's sign-off stands. Only `published_at` moves.
        Move(
            "publish_now",
            "Publish now",
            State.PUBLISHED,
            State.PUBLISHED,
            permission=publish,
            when=_is_scheduled,
            when_text="scheduled items",
        ),
        Move(
            "reschedule",
            "Reschedule",
            State.PUBLISHED,
            State.PUBLISHED,
            permission=publish,
            when=_is_scheduled,
            when_text="scheduled items",
            schedulable=True,
            time_required=True,
            time_label="Reschedule",
        ),
        Move(
            "unpublish",
            "Unpublish",
            State.PUBLISHED,
            State.DRAFT,
            permission=publish,
            confirm="Yes, take it off the site and back to draft",
            done=f"unpublished: back in draft, and {taken_down}",
        ),
        Move(
            "withdraw",
            "Withdraw",
            State.PUBLISHED,
            State.DRAFT,
            permission=publish,
            note_required=True,
            withdraws=True,
            confirm="Yes, withdraw it: a legal takedown",
            done=f"withdrawn: {withdrawn}",
        ),
        # The sign-off was for the old copy: a change by someone who may not sign off undoes it.
        Move(
            "copy_changed",
            "Copy changed after edit",
            State.EDITED,
            State.DRAFT,
            permission=change,
            automatic=True,
        ),
    )


_registry: list[type[models.Model]] = []
# {model: the service that does what follows from a saved change (purges, listing entries,
# counts)}: called by `transition()` and by the admin's save, with the row as it stood before.
_follow_ups: dict[type[models.Model], Callable[..., None]] = {}


def register(model: type[models.Model], *, follow_up: Callable[..., None] | None = None) -> None:
    """Called from an app's `AppConfig.ready()` for each of its editorial models. `follow_up`
    is the app's service for what a change to one of its items sets off, called as
    `follow_up(obj=<the saved item>, before=<a copy as it stood, or None when new>)` inside the
    transaction that saved it (finextra cannot import the apps, so they name it here)."""
    if not isinstance(getattr(model, "transitions", None), TransitionTable):
        raise TypeError(f"{model.__name__} needs a `transitions` TransitionTable to register.")
    if model not in _registry:
        _registry.append(model)
    if follow_up is not None:
        _follow_ups[model] = follow_up


def registered_models() -> list[type[models.Model]]:
    return list(_registry)


def change_follow_up(*, obj: models.Model, before: models.Model | None) -> None:
    """What follows from the saved change of `obj` (its app's registered service)."""
    follow_up = _follow_ups.get(type(obj))
    if follow_up is not None:
        follow_up(obj=obj, before=before)
