"""Published corrections: a dated note at the foot of a live article, kept in its history.

A correction is appended, never edited or removed: it is the public record of what was wrong.
The article row carries the list (read with the article, cached with its page part); the
history entry says who published it.
"""

from django.db import transaction
from django.utils import timezone

from finextra.services import history_record
from finextra.workflow import State, TransitionRefused

from .edge import article_correction_purge
from .models import Article

NOTE_MAX_LENGTH = 600


def correction_publish(*, article: Article, note: str, user) -> None:
    """Append `note`, dated now, to the live `article`'s corrections, or raise
    TransitionRefused (not live, or nothing to say). The article is marked as updated."""
    note = note.strip()
    if not note:
        raise TransitionRefused("A correction needs a note saying what was corrected.")
    if len(note) > NOTE_MAX_LENGTH:
        raise TransitionRefused(f"A correction is up to {NOTE_MAX_LENGTH} characters long.")
    with transaction.atomic():
        rows = Article._base_manager
        current = (
            rows.select_for_update().only("state", "published_at", "corrections").get(pk=article.pk)
        )
        if not current.is_live:
            raise TransitionRefused(
                "Corrections are published on live articles only; change the copy of an "
                "unpublished one instead."
            )
        at = timezone.now()
        corrections = [*current.corrections, {"at": at.isoformat(), "note": note}]
        # updated_at keys the article's cached page part: the page shows the note at once.
        rows.filter(pk=article.pk).update(corrections=corrections, revised_at=at, updated_at=at)
        history_record(
            obj=article,
            move="correction",
            user=user,
            from_state=State.PUBLISHED,
            to_state=State.PUBLISHED,
            note=note,
        )
    article.corrections, article.revised_at, article.updated_at = corrections, at, at
    article_correction_purge(article)
