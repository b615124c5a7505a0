"""The desk's queues: what waits for whom. The admin's front page and its "queue" filter."""

from dataclasses import dataclass

from django.urls import reverse

from .models import Article


@dataclass(frozen=True)
class Queue:
    key: str
    title: str
    waiting_for: str
    # The order its items are listed in (the longest waiting, or the soonest due, first).
    ordering: tuple[str, ...]

    def articles(self, queryset=None):
        """Its articles (of `queryset`, or all), by the ArticleQuerySet method of its name."""
        return getattr(Article.objects.all() if queryset is None else queryset, self.key)()

    @property
    def url(self) -> str:
        return f"{reverse('admin:articles_article_changelist')}?queue={self.key}"


AWAITING_EDIT = Queue(
    "awaiting_edit",
    "Awaiting edit",
    "Drafts being written, for an editor to check",
    ("updated_at", "id"),
)
READY_TO_PUBLISH = Queue(
    "ready_to_publish",
    "Ready to publish",
    "Edited, for a publisher to put live",
    ("updated_at", "id"),
)
SCHEDULED = Queue(
    "scheduled",
    "Scheduled",
    "Going live at a set time",
    ("published_at", "id"),
)
QUEUES = (AWAITING_EDIT, READY_TO_PUBLISH, SCHEDULED)
BY_KEY = {queue.key: queue for queue in QUEUES}


def queues_for(user) -> list[Queue]:
    """Every queue, the user's own first: a publisher's is what is ready to publish; an
    editor's, and a writer's (their drafts), what awaits edit."""
    first = READY_TO_PUBLISH if user.has_perm("articles.publish_article") else AWAITING_EDIT
    return [first, *(queue for queue in QUEUES if queue is not first)]
