"""The desk's queues: what waits for whom, across every app.

Each app registers its queues in its `AppConfig.ready()` (as it registers its editorial models
with `finextra.workflow`), so this module names no app. The admin's front page shows each
signed-in person the queues that wait for them, with a capped count and a link to the list
filtered to the queue (`?queue=<key>`, read by `finextra.admin.lists.QueueFilter`).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.urls import reverse

# Counts stop here: "99+" reads as well as "1,284,311" and costs a bounded index scan.
COUNT_CAP = 100

Select = Callable[[models.QuerySet, object], models.QuerySet]


@dataclass(frozen=True)
class Queue:
    model: type[models.Model]
    key: str
    title: str
    waiting_for: str
    # Whom it waits for: anyone with this permission ("app_label.codename").
    permission: str
    # The queue's rows of a queryset, for a user (a writer's own drafts depend on who asks).
    select: Select
    # The longest waiting (or the soonest due) first.
    ordering: tuple[str, ...]
    # The time shown beside each item, and its words ("updated 2 hours ago").
    time_field: str
    time_text: str
    select_related: tuple[str, ...] = ()
    # What an item is called in the list; its str() unless told.
    describe: Callable[[models.Model], str] = str
    # A further condition on the user, beyond the permission.
    rule: Callable[[object], bool] | None = None

    def waits_for(self, user) -> bool:
        if not (user.is_active and user.has_perm(self.permission)):
            return False
        return self.rule is None or bool(self.rule(user))

    def items(self, user, queryset=None) -> models.QuerySet:
        rows = self.model._default_manager.all() if queryset is None else queryset
        return self.select(rows, user)

    def count(self, user) -> int:
        """How many, up to COUNT_CAP: COUNT(*) over a LIMIT subquery, so it stops early."""
        return self.items(user).order_by()[:COUNT_CAP].count()

    def first(self, user, n: int) -> list[models.Model]:
        rows = self.items(user).select_related(*self.select_related)
        return list(rows.order_by(*self.ordering)[:n])

    @property
    def dom_id(self) -> str:
        opts = self.model._meta
        return f"queue-{opts.app_label}-{opts.model_name}-{self.key}"

    def change_url(self, item: models.Model) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[item.pk])

    @property
    def url(self) -> str:
        opts = self.model._meta
        return f"{reverse(f'admin:{opts.app_label}_{opts.model_name}_changelist')}?queue={self.key}"


_queues: list[Queue] = []


def register(*queues: Queue) -> None:
    """Called from an app's `AppConfig.ready()`; the front page shows them in this order."""
    for queue in queues:
        if any(q.model is queue.model and q.key == queue.key for q in _queues):
            continue
        _queues.append(queue)


def queues_for(user) -> list[Queue]:
    """The queues that wait for `user`, in the order the apps registered them."""
    return [queue for queue in _queues if queue.waits_for(user)]


def queues_of(model: type[models.Model]) -> list[Queue]:
    return [queue for queue in _queues if queue.model is model]


def count_shown(count: int) -> str:
    return f"{COUNT_CAP - 1}+" if count >= COUNT_CAP else str(count)
