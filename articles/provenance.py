"""The fixed list of provenances: where a piece comes from decides its label and note
(docs/design.md, "Provenance and labels", shows the list as readers see it)."""

from django.db import models


class Provenance(models.TextChoices):
    EDITORIAL = "editorial", "Editorial"
    COMMUNITY = "community", "Community"
    SPONSORED = "sponsored", "Sponsored"
    ADVERTISER_CONTENT = "advertiser_content", "Advertisement feature"
    PROMOTED = "promoted", "Finextra Promoted"
    HOUSE = "house", "From Finextra"


# Paid content always names its sponsor.
PAID_PROVENANCES = (Provenance.SPONSORED, Provenance.ADVERTISER_CONTENT)
# What an article may be; never "promoted" (placements only).
ARTICLE_PROVENANCES = (
    Provenance.EDITORIAL,
    Provenance.COMMUNITY,
    Provenance.HOUSE,
    *PAID_PROVENANCES,
)
# What a placement may be; never editorial or community.
PLACEMENT_PROVENANCES = (*PAID_PROVENANCES, Provenance.PROMOTED, Provenance.HOUSE)

NOTES = {
    Provenance.EDITORIAL: (
        "This content has been selected, created and edited by the Finextra editorial team "
        "based upon its relevance and interest to our community."
    ),
    Provenance.COMMUNITY: (
        "This post is from a member of the Finextra community and has not been edited by the "
        "Finextra editorial team."
    ),
    Provenance.SPONSORED: "Sponsored by {sponsor}. The sponsor had no say over this content.",
    Provenance.ADVERTISER_CONTENT: "Paid for and approved by {sponsor}.",
}


def label(provenance: str) -> str:
    return Provenance(provenance).label


def note(provenance: str, sponsor: str = "") -> str:
    return NOTES.get(Provenance(provenance), "").format(sponsor=sponsor)


def provenance_allowed(*, name: str, allowed, message: str) -> models.CheckConstraint:
    """The database's half of each "may be" rule: a row's provenance is one of `allowed`."""
    return models.CheckConstraint(
        condition=models.Q(provenance__in=allowed), name=name, violation_error_message=message
    )
