"""The purges comment changes send: a comment going live, edited while live, removed, picked.

The thread is on the article's page only (cards show no count), so each purges `article-<id>`.
A comment readers never saw (one waiting for moderation, or refused) purges nothing.
"""

from django.db.models.signals import post_delete, post_save

from finextra.edge import edge_purge

from .models import Comment

_VISIBILITY_FIELDS = {"state", "removed_at"}


def comment_purge(comment) -> None:
    edge_purge({f"article-{comment.article_id}"})


def _purge_comment(sender, instance, created=False, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    may_have_been_visible = not created and (
        update_fields is None or _VISIBILITY_FIELDS & set(update_fields)
    )
    if instance.is_visible or may_have_been_visible:
        comment_purge(instance)


def _purge_deleted_comment(sender, instance, **kwargs):
    if instance.is_visible:
        comment_purge(instance)


def connect() -> None:
    post_save.connect(_purge_comment, sender=Comment, dispatch_uid="comments.edge.save")
    post_delete.connect(_purge_deleted_comment, sender=Comment, dispatch_uid="comments.edge.del")
