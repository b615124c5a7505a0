from django import template

from articles.models import Article, Channel
from finextra.edge import edge_keys, rotation_source

from ..models import Slot
from ..selection import placement_choose, placements_for_page

register = template.Library()


def _channel_of(page_object) -> Channel | None:
    if isinstance(page_object, Channel):
        return page_object
    if isinstance(page_object, Article):
        return page_object.channel
    return None


@register.simple_tag(takes_context=True)
def placement(context, slot, page_object=None):
    """A sponsored slot (docs/design.md, "Layout and import direction", names them), filled with
    one placement drawn by weight among those eligible for this page. An empty slot renders
    nothing at all, not even a wrapper."""
    if slot not in Slot.values:
        raise template.TemplateSyntaxError(f"Unknown placement slot {slot!r}.")
    request = context.get("request")
    candidates = placements_for_page(request, _channel_of(page_object)).get(slot, [])
    # A page a shared cache keeps draws once per rotation window (README, "Production").
    chosen = placement_choose(candidates, source=rotation_source(request, slot))
    edge_keys(request, f"slot-{slot}", *([f"placement-{chosen.pk}"] if chosen else []))
    if chosen is None:
        return ""
    # Whoever opens a preview is not a reader of the page: nothing on it is counted.
    return chosen.preview_html if context.get("preview") else chosen.html
