"""The purges comment changes send: a comment going live, edited while live, removed, picked.

The thread is on the article's page only (cards show no count), so each purges `article-<id>`.
A comment readers never saw (one waiting for moderation, or refused) purges nothing.
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

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


def _commented_articles(user) -> set[str]:
    articles = Comment.objects.visible().filter(author=user).values_list("article_id", flat=True)
    return {f"article-{pk}" for pk in articles.distinct()}


def _remember_name(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._edge_name_before = None
    if update_fields is not None and not {"display_name", "username"} & set(update_fields):
        return  # e.g. the last sign-in: no name changes, no query
    if not raw and instance.pk is not None:
        instance._edge_name_before = sender._base_manager.filter(pk=instance.pk).first()


def _purge_renamed_commenter(sender, instance, created=False, raw=False, **kwargs):
    """A reader's name is shown beside their comments: a new display name purges those pages."""
    before = getattr(instance, "_edge_name_before", None)
    if raw or created or before is None or str(before) == str(instance):
        return
    edge_purge(_commented_articles(instance))


def _purge_deleted_commenter(sender, instance, **kwargs):
    """A deleted account's comments stay, signed "a former reader"."""
    edge_purge(_commented_articles(instance))


def connect() -> None:
    user = get_user_model()
    pre_save.connect(_remember_name, sender=user, dispatch_uid="comments.edge.user.before")
    post_save.connect(_purge_renamed_commenter, sender=user, dispatch_uid="comments.edge.user")
    pre_delete.connect(_purge_deleted_commenter, sender=user, dispatch_uid="comments.edge.user.d")
    post_save.connect(_purge_comment, sender=Comment, dispatch_uid="comments.edge.save")
    post_delete.connect(_purge_deleted_comment, sender=Comment, dispatch_uid="comments.edge.del")
