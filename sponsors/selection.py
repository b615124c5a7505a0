"""Filling a page's slots: one query for all of them, one weighted draw for each."""

import random
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import NamedTuple

from django.core.cache import cache
from django.utils import timezone

from finextra.cache import CacheGeneration, release

from .models import Placement, placement_live_at
from .rendering import placement_html

# The random source of every draw; tests replace it with a seeded `random.Random`.
rng: random.Random = random.Random()

_REQUEST_ATTRIBUTE = "_sponsors_placements"
CANDIDATE_SECONDS = 60
_generation = CacheGeneration("sponsors:placements-generation")
# Now (tests: a cold cache), or once the transaction commits (sponsors/services.py).
placements_forget = _generation.move
placements_forget_on_commit = _generation.move_on_commit


def placement_choose(candidates: Sequence["Candidate"], *, source: random.Random | None = None):
    """One of `candidates`, each as likely as its weight says; None when there are none."""
    if not candidates:
        return None
    source = source or rng
    return source.choices(candidates, weights=[c.weight for c in candidates], k=1)[0]


class Candidate(NamedTuple):
    """What a slot needs of a placement: kept small, since every page reads it from the cache."""

    pk: int
    slot: str
    weight: int
    state: str
    published_at: datetime
    starts_at: datetime
    ends_at: datetime
    html: str
    # The same without beacon or counted links, for previews of unpublished articles.
    preview_html: str

    def is_live_at(self, at: datetime) -> bool:
        return placement_live_at(self, at)


def placements_for_page(request, channel) -> dict[str, list[Candidate]]:
    """The eligible placements of every slot on a page of `channel`, by slot.

    The first slot on a page loads them all (one query, or none while the shared cache holds
    them) and keeps them on the request, so the page's other slots cost nothing.
    """
    key = channel.pk if channel is not None else None
    loaded = getattr(request, _REQUEST_ATTRIBUTE, None) if request is not None else None
    if loaded is None:
        loaded = {}
        if request is not None:
            setattr(request, _REQUEST_ATTRIBUTE, loaded)
    if key not in loaded:
        by_slot = defaultdict(list)
        for candidate in _candidates(channel):
            by_slot[candidate.slot].append(candidate)
        loaded[key] = dict(by_slot)
    return loaded[key]


def _candidates(channel) -> list[Candidate]:
    """The placements live now on a page of `channel`, from the shared cache.

    The cache holds those live at some moment of the next minute, so one whose dates start or
    end within it shows or goes at its exact time; a change to a placement or sponsor on pages
    moves the generation every key includes once it commits (sponsors/services.py).
    """
    generation = _generation.current()
    channel_key = channel.pk if channel is not None else "-"
    # The candidates carry rendered HTML: the release is in the key.
    key = f"sponsors:candidates:{generation}:{release()}:{channel_key}"
    now = timezone.now()
    stored = cache.get(key)
    if stored is None or not stored[0] <= now < stored[1]:
        until = now + timedelta(seconds=CANDIDATE_SECONDS)
        placements = Placement.objects.eligible(channel=channel, at=now, until=until)
        candidates = [
            Candidate(
                pk=p.pk,
                slot=p.slot,
                weight=p.weight,
                state=p.state,
                published_at=p.published_at,
                starts_at=p.starts_at,
                ends_at=p.ends_at,
                html=placement_html(p),
                preview_html=placement_html(p, counted=False),
            )
            for p in placements.order_by("pk")
        ]
        stored = (now, until, candidates)
        cache.set(key, stored, CANDIDATE_SECONDS)
    return [candidate for candidate in stored[2] if candidate.is_live_at(now)]
