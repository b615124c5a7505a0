"""Filling a page's slots: one query for all of them, one weighted draw for each."""

import random
from collections import defaultdict
from collections.abc import Sequence

from .models import Placement

# The random source of every draw; tests replace it with a seeded `random.Random`.
rng: random.Random = random.Random()

_REQUEST_ATTRIBUTE = "_sponsors_placements"


def placement_choose(candidates: Sequence[Placement], *, source: random.Random | None = None):
    """One of `candidates`, each as likely as its weight says; None when there are none."""
    if not candidates:
        return None
    source = source or rng
    return source.choices(candidates, weights=[c.weight for c in candidates], k=1)[0]


def placements_for_page(request, channel) -> dict[str, list[Placement]]:
    """The eligible placements of every slot on a page of `channel`, by slot.

    The first slot on a page loads them all in one query and keeps them on the request, so the
    page's other slots cost nothing.
    """
    key = channel.pk if channel is not None else None
    loaded = getattr(request, _REQUEST_ATTRIBUTE, None) if request is not None else None
    if loaded is None:
        loaded = {}
        if request is not None:
            setattr(request, _REQUEST_ATTRIBUTE, loaded)
    if key not in loaded:
        by_slot = defaultdict(list)
        for placement in Placement.objects.eligible(channel=channel).order_by("pk"):
            by_slot[placement.slot].append(placement)
        loaded[key] = dict(by_slot)
    return loaded[key]
