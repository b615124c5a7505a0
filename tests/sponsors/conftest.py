import random

import pytest

from sponsors import selection
from tests.factories import PlacementFactory, SponsorFactory, publish

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
    return SponsorFactory(name="Northwind Cloud", slug="northwind-cloud")


@pytest.fixture
def make_placement(sponsor, editor, publisher):
    """A placement taken live through the workflow (unless `live=False`)."""

    def make(*, live=True, **fields):
        fields.setdefault("sponsor", sponsor)
        placement = PlacementFactory(**fields)
        return publish(placement, editor=editor, publisher=publisher) if live else placement

    return make
