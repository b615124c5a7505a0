"""The purges comment changes send: a comment going live, edited while live, removed, picked
(sent by comments.services), and a commenter renamed or deleted (signals: see `connect`).

The thread is on the article's page only (cards show no count), so each purges `article-<id>`.
A comment readers never saw (one waiting for moderation, or refused) purges nothing.
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save, pre_delete, pre_save

from finextra.edge import edge_purge

from .models import Comment


def comment_purge(comment) -> None:
    edge_purge({f"article-{comment.article_id}"})


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
    """Signals only for the accounts: comments react to another app's model (a reader renamed
    or deleted wherever that happens: their settings page, the admin, a data request), and the
    user model cannot know which pages show its name. A comment's own changes purge through
    comments.services."""
    user = get_user_model()
    pre_save.connect(_remember_name, sender=user, dispatch_uid="comments.edge.user.before")
    post_save.connect(_purge_renamed_commenter, sender=user, dispatch_uid="comments.edge.user")
    pre_delete.connect(_purge_deleted_commenter, sender=user, dispatch_uid="comments.edge.user.d")
