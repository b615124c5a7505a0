"""The moderation desk's queues (registered with `finextra.queues` in `CommentsConfig.ready()`)."""

from django.utils.text import Truncator

from finextra.queues import Queue

from .models import MODERATE, Comment


def _describe(comment: Comment) -> str:
    return f"{comment.author_name}: {Truncator(comment.body).chars(80)}"


REPORTED = Queue(
    model=Comment,
    key="reported",
    title="Reported comments",
    waiting_for="Reported by readers and not yet looked at",
    permission=MODERATE,
    select=lambda rows, user: rows.reported(),
    ordering=("-open_reports", "-created_at"),
    time_field="created_at",
    time_text="posted",
    select_related=("author",),
    describe=_describe,
)
AWAITING_MODERATION = Queue(
    model=Comment,
    key="awaiting",
    title="Comments awaiting moderation",
    waiting_for="Held for a moderator before readers see them",
    permission=MODERATE,
    select=lambda rows, user: rows.awaiting_moderation(),
    ordering=("created_at", "id"),
    time_field="created_at",
    time_text="posted",
    select_related=("author",),
    describe=_describe,
)
QUEUES = (REPORTED, AWAITING_MODERATION)
