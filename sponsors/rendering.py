"""A placement's HTML. It depends on nothing but the placement (its tokens are deterministic), so
it is rendered once when the slots' candidates are loaded, not on every page."""

from django.template.loader import render_to_string
from django.urls import reverse

from .counting import CLICK, IMPRESSION, token_for


def placement_html(placement, *, counted: bool = True) -> str:
    """The placement as a reader sees it; with `counted=False` (a preview of an unpublished
    article) its links go straight to the destination and it has no beacon, so a preview
    counts neither a click nor an impression."""
    if not counted:
        return render_to_string(
            "sponsors/placement.html",
            {"placement": placement, "slot": placement.slot, "click_url": placement.target_url},
        )
    return render_to_string(
        "sponsors/placement.html",
        {
            "placement": placement,
            "slot": placement.slot,
            "click_url": reverse(
                "sponsors:click", kwargs={"token": token_for(placement.pk, purpose=CLICK)}
            ),
            "beacon_url": reverse(
                "sponsors:seen", kwargs={"token": token_for(placement.pk, purpose=IMPRESSION)}
            ),
        },
    )
