from django import template

register = template.Library()

SLOTS = ("article_inline", "article_foot", "home", "channel")


@register.simple_tag(takes_context=True)
def placement(context, slot, page_object=None):
    """A sponsored slot (DESIGN.md names them). Until placements exist an empty slot renders
    nothing at all, not even a wrapper."""
    if slot not in SLOTS:
        raise template.TemplateSyntaxError(f"Unknown placement slot {slot!r}.")
    return ""
