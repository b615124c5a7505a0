"""The article desk's queues (registered with `finextra.queues` in `ArticlesConfig.ready()`)."""

from django.db.models import Exists, OuterRef, Q

from finextra.queues import Queue

from .models import Article


def _written_by(user) -> Q:
    """Drafts the user saved last, or that name them as an author."""
    authored = Article.authors.through.objects.filter(article=OuterRef("pk"), author__user=user.pk)
    return Q(updated_by=user.pk) | Exists(authored)


AWAITING_EDIT = Queue(
    model=Article,
    key="awaiting_edit",
    title="Awaiting edit",
    waiting_for="Drafts their writer says are ready, for an editor to check",
    permission="articles.review_article",
    select=lambda rows, user: rows.awaiting_edit(),
    ordering=("ready_for_edit_at", "id"),
    time_field="ready_for_edit_at",
    time_text="ready",
)
READY_TO_PUBLISH = Queue(
    model=Article,
    key="ready_to_publish",
    title="Ready to publish",
    waiting_for="Edited, for a publisher to put live",
    permission="articles.publish_article",
    select=lambda rows, user: rows.ready_to_publish(),
    ordering=("updated_at", "id"),
    time_field="updated_at",
    time_text="edited",
)
SCHEDULED = Queue(
    model=Article,
    key="scheduled",
    title="Scheduled",
    waiting_for="Going live at a set time (publish now, or reschedule)",
    permission="articles.publish_article",
    select=lambda rows, user: rows.scheduled(),
    ordering=("published_at", "id"),
    time_field="published_at",
    time_text="goes live",
)
MY_DRAFTS = Queue(
    model=Article,
    key="mine",
    title="Your drafts",
    waiting_for="Still being written by you; press “Ready for edit” when one is done",
    permission="articles.add_article",
    # Editors' own drafts need no "ready": they mark them edited.
    rule=lambda user: not user.has_perm("articles.review_article"),
    select=lambda rows, user: rows.being_written().filter(_written_by(user)),
    ordering=("-updated_at", "-id"),
    time_field="updated_at",
    time_text="saved",
)
QUEUES = (AWAITING_EDIT, READY_TO_PUBLISH, SCHEDULED, MY_DRAFTS)
