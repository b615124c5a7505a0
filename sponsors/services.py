"""Writes that cross models or need a transaction: saving placements and sponsors (with the
purges of the pages that show them), counting, taking a sponsor down, reporting."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone

from articles.fragments import fragments_forget_on_commit
from finextra.edge import edge_purge, schedule_note
from finextra.services import editorial_save, transition
from finextra.workflow import State, TransitionRefused

from .edge import placement_keys
from .models import Placement, PlacementDay, Sponsor
from .selection import placements_forget_on_commit

Measure = Literal["impressions", "clicks"]


def placement_save(*, placement: Placement) -> Placement:
    """Save `placement`, then what follows from it (`placement_changed`), in one transaction."""
    return editorial_save(obj=placement)


def placement_changed(*, obj: Placement, before: Placement | None) -> None:
    """What a saved change to a placement sets off (registered with the workflow, so
    `transition()` and the admin's save run it): only a placement published before or after
    the change can be on a page, and then its slots (the old one too) and the register are
    purged; its times tell the edge when pages next change by themselves."""
    placement = obj
    if placement.state == State.PUBLISHED:
        schedule_note(placement.published_at, placement.starts_at, placement.ends_at)
    was_published = before is not None and before.state == State.PUBLISHED
    if not (was_published or placement.state == State.PUBLISHED):
        return
    placements_forget_on_commit()
    slots = {placement.slot, *([before.slot] if before is not None else [])}
    edge_purge(placement_keys(placement, slots=slots))


def placement_targeting_changed(*, placement: Placement) -> None:
    """Its channels were set (the admin saves them after the row): a published placement's
    pages change."""
    if placement.state == State.PUBLISHED:
        placements_forget_on_commit()
        edge_purge(placement_keys(placement, slots={placement.slot}))


def placement_delete(*, placement: Placement) -> None:
    published = placement.state == State.PUBLISHED
    keys = placement_keys(placement, slots={placement.slot})
    placement.delete()
    if published:
        placements_forget_on_commit()
        edge_purge(keys)


def sponsor_save(*, sponsor: Sponsor) -> Sponsor:
    """Save `sponsor`; a change to one already on pages purges its articles and cards, its
    placements wherever they are drawn, the register and the feeds (their descriptions name
    sponsors), and the cached slots and article parts that name it."""
    with transaction.atomic():
        new = sponsor._state.adding
        sponsor.save()
        if not new:
            placements_forget_on_commit()
            fragments_forget_on_commit()
            placements = Placement._base_manager.filter(sponsor=sponsor).values_list("pk")
            edge_purge(
                {
                    f"sponsor-{sponsor.pk}",
                    "sponsored",
                    "syndication",
                    *(f"placement-{pk}" for (pk,) in placements),
                }
            )
    return sponsor


def count_record(*, placement_id: int, measure: Measure, day: date | None = None) -> None:
    """Add one to a placement's count for a London day, losing nothing under concurrency.

    The day's row is incremented in the database (F()); the first request of a day inserts it,
    and if another request inserted it first (the unique constraint says so), adds to that one.
    """
    if measure not in ("impressions", "clicks"):
        raise ValueError(f"Unknown measure {measure!r}.")
    day = day or timezone.localdate()
    row = PlacementDay.objects.filter(placement_id=placement_id, day=day)
    increment = {measure: F(measure) + 1}
    with transaction.atomic():
        if row.update(**increment):
            return
        try:
            with transaction.atomic():
                PlacementDay.objects.create(placement_id=placement_id, day=day, **{measure: 1})
        except IntegrityError:
            row.update(**increment)


def sponsor_take_down(*, sponsor: Sponsor, user, note: str = "") -> tuple[int, list[str]]:
    """Unpublish every published placement (live or scheduled) shown for, paid by or sponsored
    by `sponsor`, each through the workflow. Returns how many came down and the refusals."""
    placements = Placement.objects.filter(
        models.Q(sponsor=sponsor) | models.Q(shown_for=sponsor) | models.Q(paid_by=sponsor),
        state=State.PUBLISHED,
    ).distinct()
    note = note or f"Taken down with every placement of {sponsor}."
    taken, refused = 0, []
    for placement in placements:
        try:
            transition(obj=placement, move="unpublish", user=user, note=note)
        except TransitionRefused as refusal:
            refused.append(f"{placement}: {refusal}")
        else:
            taken += 1
    return taken, refused


@dataclass(frozen=True)
class DayStats:
    day: date | None
    impressions: int
    clicks: int

    @property
    def click_through_rate(self) -> float | None:
        """Clicks per hundred impressions; None when nothing was seen."""
        return 100 * self.clicks / self.impressions if self.impressions else None


def placement_stats(
    *, placement: Placement, start: date, end: date
) -> tuple[list[DayStats], DayStats]:
    """Every day from `start` to `end` (zeros included), and the totals."""
    rows = PlacementDay.objects.filter(placement=placement, day__range=(start, end))
    counted = {row.day: row for row in rows}
    days = []
    day = start
    while day <= end:
        row = counted.get(day)
        days.append(DayStats(day, row.impressions if row else 0, row.clicks if row else 0))
        day += timedelta(days=1)
    total = DayStats(None, sum(d.impressions for d in days), sum(d.clicks for d in days))
    return days, total


def default_stats_range(placement: Placement) -> tuple[date, date]:
    """From its first day to its last, or to today while it runs."""
    start = timezone.localdate(placement.starts_at)
    end = min(timezone.localdate(placement.ends_at), timezone.localdate())
    return start, max(start, end)
