"""The purges placement and sponsor changes send, and when placements start or end by the clock.

A page showing a slot carries `slot-<slot>` (whatever fills it, or nothing) and
`placement-<id>` for the placement drawn; the register of paid content carries `sponsored`.
"""

from django.db.models import Min, Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone

from finextra.edge import edge_purge, schedule_note
from finextra.workflow import State

from .models import Placement, Sponsor


def _placement_keys(placement, *, slots) -> set[str]:
    return {f"placement-{placement.pk}", "sponsored", *(f"slot-{slot}" for slot in slots)}


def _remember_placement(sender, instance, raw=False, **kwargs):
    if raw:
        return
    instance._edge_before = None
    if instance.pk is not None:
        instance._edge_before = (
            Placement._base_manager.filter(pk=instance.pk).values("state", "slot").first()
        )


def _purge_placement(sender, instance, raw=False, **kwargs):
    """Only a published placement (before or after the change) can be on a page. Published, not
    live: one scheduled or outside its dates is purged too, as its clock times are noted."""
    if raw:
        return
    if instance.state == State.PUBLISHED:
        schedule_note(instance.published_at, instance.starts_at, instance.ends_at)
    before = getattr(instance, "_edge_before", None)
    was_published = before is not None and before["state"] == State.PUBLISHED
    if not (was_published or instance.state == State.PUBLISHED):
        return
    slots = {instance.slot, *([before["slot"]] if before else [])}
    edge_purge(_placement_keys(instance, slots=slots))


def _purge_deleted_placement(sender, instance, **kwargs):
    if instance.state == State.PUBLISHED:
        edge_purge(_placement_keys(instance, slots={instance.slot}))


def _purge_targeting(sender, instance, action, reverse=False, **kwargs):
    if reverse or not action.startswith("post_") or instance.state != State.PUBLISHED:
        return
    edge_purge(_placement_keys(instance, slots={instance.slot}))


def _purge_sponsor(sender, instance, created=False, raw=False, **kwargs):
    """A sponsor renamed: its articles and cards, its placements wherever they are drawn, the
    register, the feeds (their descriptions name sponsors)."""
    if raw or created:
        return
    placements = Placement._base_manager.filter(sponsor=instance).values_list("pk", flat=True)
    edge_purge(
        {
            f"sponsor-{instance.pk}",
            "sponsored",
            "syndication",
            *(f"placement-{pk}" for pk in placements),
        }
    )


def next_placement_change():
    """The clock source: the next moment a published placement starts, ends or is released
    (published whatever its times: those still to come are what the clock asks for)."""
    now = timezone.now()
    moments = Placement.objects.filter(state=State.PUBLISHED).aggregate(
        released=Min("published_at", filter=Q(published_at__gt=now)),
        starts=Min("starts_at", filter=Q(starts_at__gt=now)),
        ends=Min("ends_at", filter=Q(ends_at__gt=now)),
    )
    future = [moment for moment in moments.values() if moment is not None]
    return min(future) if future else None


def connect() -> None:
    pre_save.connect(_remember_placement, sender=Placement, dispatch_uid="sponsors.edge.before")
    post_save.connect(_purge_placement, sender=Placement, dispatch_uid="sponsors.edge.save")
    post_delete.connect(
        _purge_deleted_placement, sender=Placement, dispatch_uid="sponsors.edge.del"
    )
    m2m_changed.connect(
        _purge_targeting, sender=Placement.channels.through, dispatch_uid="sponsors.edge.m2m"
    )
    post_save.connect(_purge_sponsor, sender=Sponsor, dispatch_uid="sponsors.edge.sponsor")
