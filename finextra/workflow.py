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
            if not move.automatic and move.source == obj.state and move.allows(user, obj)
        ]


def standard_table(*, review: str, publish: str, change: str) -> TransitionTable:
    """The table articles and placements share (DESIGN.md, "The editorial workflow")."""
    return TransitionTable(
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
        Move("unpublish", "Unpublish", State.PUBLISHED, State.DRAFT, permission=publish),
        Move(
            "withdraw",
            "Withdraw",
            State.PUBLISHED,
            State.DRAFT,
            permission=publish,
            note_required=True,
            withdraws=True,
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


def register(model: type[models.Model]) -> None:
    """Called from an app's `AppConfig.ready()` for each of its editorial models."""
    if not isinstance(getattr(model, "transitions", None), TransitionTable):
        raise TypeError(f"{model.__name__} needs a `transitions` TransitionTable to register.")
    if model not in _registry:
        _registry.append(model)


def registered_models() -> list[type[models.Model]]:
    return list(_registry)
