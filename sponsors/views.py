from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from articles.models import Article
from articles.provenance import PAID_PROVENANCES

from . import counting
from .models import Placement
from .services import count_record

# A transparent 1×1 GIF: the impression beacon.
BEACON = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def _uncached(response):
    # Every page view fetches the beacon again, and no shared cache answers for us.
    response["Cache-Control"] = "no-store, max-age=0"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
def disclosure(request):
    """Every live placement and sponsored article: who is behind it, who paid, when, where."""
    placements = (
        Placement.objects.live()
        .select_related("sponsor", "shown_for", "paid_by")
        .prefetch_related("channels")
        .order_by("slot", "starts_at", "pk")
    )
    articles = (
        Article.objects.live()
        .filter(provenance__in=PAID_PROVENANCES)
        .select_related("channel", "sponsor")
        .order_by("-published_at", "-id")
    )
    return render(
        request, "sponsors/disclosure.html", {"placements": placements, "articles": articles}
    )


@require_safe
def about(request, pk):
    """ "About this": who a placement is shown for, who paid, and why it is where it is."""
    placement = get_object_or_404(
        Placement.objects.live().select_related("sponsor", "shown_for", "paid_by"), pk=pk
    )
    return render(request, "sponsors/about.html", {"placement": placement})


@require_safe
def click(request, token):
    """The only way out of a placement: a link we signed, to the destination we stored."""
    placement_id = counting.placement_id_from(token, purpose=counting.CLICK)
    if placement_id is None:
        raise Http404("No such link.")
    target = Placement.objects.live().filter(pk=placement_id).values_list("target_url", flat=True)
    target = target.first()
    if target is None:
        raise Http404("This placement is no longer running.")
    if counting.counts(request) and counting.first_in_window(
        request, placement_id=placement_id, measure="clicks"
    ):
        count_record(placement_id=placement_id, measure="clicks")
    return _uncached(HttpResponseRedirect(target))


@require_safe
def seen(request, token):
    """The impression beacon: one image per placement shown, counted when a reader's browser
    fetches it, so pages served from a cache count too. No JavaScript, no cookie."""
    placement_id = counting.placement_id_from(token, purpose=counting.IMPRESSION)
    if placement_id is None:
        raise Http404("No such beacon.")
    if (
        counting.counts(request)
        and Placement.objects.live().filter(pk=placement_id).exists()
        and counting.first_in_window(request, placement_id=placement_id, measure="impressions")
    ):
        count_record(placement_id=placement_id, measure="impressions")
    return _uncached(HttpResponse(BEACON, content_type="image/gif"))
