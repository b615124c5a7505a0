"""The purges placement and sponsor changes send, and when placements start or end by the clock.

A page showing a slot carries `slot-<slot>` (whatever fills it, or nothing) and
`placement-<id>` for the placement drawn; the register of paid content carries `sponsored`.
The purges are sent by the services that make the changes (sponsors/services.py).
"""

from django.db.models import Min, Q
from django.utils import timezone

from finextra.workflow import State

from .models import Placement


def placement_keys(placement, *, slots) -> set[str]:
    return {f"placement-{placement.pk}", "sponsored", *(f"slot-{slot}" for slot in slots)}


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
