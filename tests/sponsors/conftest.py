import random
from datetime import timedelta

import pytest
from django.utils import timezone

from finextra.services import transition
from sponsors import selection
from sponsors.models import Kind, Placement, Slot, Sponsor

# What a reader's browser sends; the test client's default is no user agent at all (a script).
BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36"
)


@pytest.fixture(autouse=True)
def seeded_draws(monkeypatch):
    """Every test draws from the same seeded source, so a failure can be replayed."""
    monkeypatch.setattr(selection, "rng", random.Random(20241126))


@pytest.fixture
def sponsor(db):
    return Sponsor.objects.create(name="Northwind Cloud", slug="northwind-cloud")


@pytest.fixture
def make_placement(sponsor, editor, publisher):
    """A placement taken live through the workflow (unless `live=False`)."""
    counter = iter(range(1, 10_000))

    def make(*, live=True, channels=(), **fields):
        n = next(counter)
        now = timezone.now()
        fields.setdefault("sponsor", sponsor)
        fields.setdefault("title", f"Placement number {n}")
        fields.setdefault("kind", Kind.CONTENT)
        fields.setdefault("provenance", "sponsored")
        fields.setdefault("slot", Slot.ARTICLE_INLINE)
        fields.setdefault("target_url", f"https://example.com/offer/{n}/")
        fields.setdefault("starts_at", now - timedelta(hours=1))
        fields.setdefault("ends_at", now + timedelta(days=7))
        placement = Placement(**fields)
        placement.full_clean()
        placement.save()
        placement.channels.set(channels)
        if live:
            transition(obj=placement, move="mark_edited", user=editor)
            transition(obj=placement, move="publish", user=publisher)
        return placement

    return make
