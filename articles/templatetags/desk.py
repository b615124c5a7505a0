from django import template

from ..queues import queues_for

register = template.Library()

QUEUE_ITEMS_SHOWN = 5


@register.inclusion_tag("articles/admin/queues.html", takes_context=True)
def desk_queues(context):
    """What awaits whom, on the admin's front page: each queue's count, its first few articles
    and a link to all of them, the signed-in user's own queue first."""
    user = context["request"].user
    if not user.has_perm("articles.view_article"):
        return {"queues": []}
    queues = []
    for queue in queues_for(user):
        articles = queue.articles()
        queues.append(
            {
                "queue": queue,
                "count": articles.count(),
                "articles": list(articles.order_by(*queue.ordering)[:QUEUE_ITEMS_SHOWN]),
            }
        )
    return {"queues": queues}
