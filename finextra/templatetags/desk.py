from django import template

from ..queues import count_shown, queues_for

register = template.Library()

QUEUE_ITEMS_SHOWN = 5


@register.inclusion_tag("admin/desk_queues.html", takes_context=True)
def desk_queues(context):
    """What waits for the signed-in person, on the admin's front page: each queue's capped
    count, its first few items and a link to the list filtered to it."""
    user = context["request"].user
    shown = []
    for queue in queues_for(user):
        items = queue.first(user, QUEUE_ITEMS_SHOWN)
        count = len(items) if len(items) < QUEUE_ITEMS_SHOWN else queue.count(user)
        shown.append(
            {
                "queue": queue,
                "count": count,
                "count_shown": count_shown(count),
                "items": [
                    {
                        "label": queue.describe(item),
                        "url": queue.change_url(item),
                        "at": getattr(item, queue.time_field),
                    }
                    for item in items
                ],
            }
        )
    return {"queues": shown}
