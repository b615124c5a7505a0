"""Every write to comments: posting, editing, deleting, reporting, moderating, and a reader's
account. Views, the admin, commands and tests all call these; state moves go through
`finextra.services.transition`."""

import copy
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from articles.models import Article
from finextra.services import history_record, transition
from finextra.workflow import State, TransitionRefused

from .edge import comment_purge
from .models import Comment, Report

UNSUBSCRIBE_SALT = "comments.unsubscribe"
SIGN_IN_TO_COMMENT = "Please sign in to comment."


class CommentRefused(Exception):
    """A post, edit or report the rules do not allow; the message is for the reader."""


def ip_hash(ip: str) -> str:
    """A keyed hash of an address: the same address gives the same value (for rate limits and
    moderators spotting one source), but it cannot be reversed without the secret key."""
    if not ip:
        return ""
    return salted_hmac("finextra.comments.ip", ip, algorithm="sha256").hexdigest()


def comment_changed(*, obj: Comment, before: Comment | None) -> None:
    """What a saved change to a comment sets off (registered with the workflow, so
    `transition()` and the admin's save run it; the services below call it for their own
    writes): the article's count of visible comments follows a comment shown or hidden, and
    the article's page is purged when readers saw the comment before or see it now."""
    comment = obj
    was_visible = before is not None and before.is_visible
    if was_visible != comment.is_visible:
        _count_change(article_id=comment.article_id, delta=+1 if comment.is_visible else -1)
    if was_visible or comment.is_visible:
        comment_purge(comment)


def _count_change(*, article_id: int, delta: int) -> None:
    """Published comments and replies, tombstones not counted. update(F()), never the
    article's save(): the version editors' forms check stays as it was."""
    articles = Article.objects.filter(pk=article_id)
    if delta > 0:
        articles.update(comment_count=F("comment_count") + delta)
    else:
        articles.filter(comment_count__gte=-delta).update(comment_count=F("comment_count") + delta)


def posting_refusal(article: Article, *, signed_in: bool) -> str:
    """Why nobody (or no guest) may post on `article` now; empty when they may."""
    mode = article.comment_mode
    if not article.is_live or mode == Article.CommentMode.HIDDEN:
        return "Comments are not available on this article."
    if mode == Article.CommentMode.CLOSED:
        return "Comments are closed."
    if not signed_in and not settings.COMMENTS_ALLOW_GUESTS:
        return SIGN_IN_TO_COMMENT
    return ""


def comment_post(
    *,
    article: Article,
    body: str,
    author=None,
    guest_name: str = "",
    guest_email: str = "",
    parent: Comment | None = None,
    ip: str = "",
    notify_replies: bool = False,
) -> Comment:
    """Create a comment or reply and, when the rules allow, publish it in the same transaction.

    A signed-in reader's comment goes live on an open article; a guest's, or any on a
    pre-moderated article, waits as a draft for a moderator.
    """
    signed_in = author is not None and author.is_authenticated
    with transaction.atomic():
        # Lock the article row: its mode is read and its count changed in this transaction.
        article = Article.objects.select_for_update().get(pk=article.pk)
        refusal = posting_refusal(article, signed_in=signed_in)
        if refusal:
            raise CommentRefused(refusal)
        root = None
        depth = 0
        if parent is not None:
            parent = (
                Comment.objects.visible()
                .filter(pk=parent.pk, article=article)
                .select_related("author")
                .first()
            )
            if parent is None:
                raise CommentRefused(
                    "The comment you replied to is not shown on this article any more, so your "
                    "reply was not posted."
                )
            root = parent.root or parent
            depth = parent.depth + 1
        comment = Comment(
            article=article,
            parent=parent,
            root=root,
            depth=depth,
            author=author if signed_in else None,
            guest_name="" if signed_in else guest_name.strip(),
            guest_email="" if signed_in else guest_email.strip(),
            body=body,
            ip_hash=ip_hash(ip),
            notify_replies=notify_replies and signed_in,
        )
        comment.full_clean()
        if not signed_in and not (comment.guest_name and comment.guest_email):
            raise CommentRefused("Guests give a name and an email address to comment.")
        comment.save()
        comment_changed(obj=comment, before=None)
        if signed_in and article.comment_mode == Article.CommentMode.OPEN:
            transition(obj=comment, move="publish_on_posting", user=author, automatic=True)
            notify_reply_on_commit(comment)
    return comment


def comment_edit(*, comment: Comment, user, body: str) -> Comment:
    """The author's change within the edit window: marked "edited"; on a pre-moderated article
    (or after a moderator's check) the comment goes back to moderation."""
    with transaction.atomic():
        current = (
            Comment._base_manager.select_for_update().select_related("article").get(pk=comment.pk)
        )
        if not current.editable_by(user):
            raise CommentRefused(
                "You can no longer edit this comment: the edit window has passed or it was removed."
            )
        before = copy.copy(current)
        current.body = body
        current.full_clean()
        current.edited_at = timezone.now()
        current.version += 1
        current.save(update_fields=["body", "edited_at", "version"])
        comment_changed(obj=current, before=before)
        if current.state == State.PUBLISHED and transition_allowed(current, "author_changed", user):
            transition(
                obj=current,
                move="author_changed",
                user=user,
                note="Changed by its author.",
                automatic=True,
            )
        elif current.state == State.EDITED:
            transition(
                obj=current,
                move="author_changed_checked",
                user=user,
                note="Changed by its author.",
                automatic=True,
            )
    return current


def transition_allowed(comment: Comment, move: str, user) -> bool:
    step = Comment.transitions.get(move)
    return step is not None and step.source == comment.state and step.allows(user, comment)


def comment_remove(*, comment: Comment, user, note: str = "", by_author: bool = False) -> Comment:
    """Removal keeps the row for the record (a tombstone where it has replies): `removed_at`
    and a history entry, not a state. Open reports are settled by it."""
    with transaction.atomic():
        current = Comment._base_manager.select_for_update().get(pk=comment.pk)
        if current.removed_at is not None:
            raise CommentRefused("That comment was already removed.")
        if by_author and current.author_id != user.pk:
            raise CommentRefused("You can only delete your own comments.")
        if not by_author and not user.has_perm("comments.moderate_comment"):
            raise CommentRefused("You are not allowed to remove comments.")
        before = copy.copy(current)
        current.removed_at = timezone.now()
        current.open_reports = 0
        current.version += 1
        current.save(update_fields=["removed_at", "open_reports", "version"])
        comment_changed(obj=current, before=before)
        history_record(
            obj=current,
            move="deleted_by_author" if by_author else "remove",
            user=user,
            from_state=current.state,
            to_state=current.state,
            note=note or ("Deleted by its author." if by_author else "Removed by a moderator."),
        )
    comment.removed_at, comment.open_reports = current.removed_at, 0
    comment.version = current.version
    return comment


def comment_moderate(*, comment: Comment, move: str, user, note: str = "", version=None, at=None):
    """A moderator's move (publish, take back, mark edited; from the queue's bulk actions and
    the comment's workflow panel alike): the shared `transition()`, the comment's reports
    settled, and the reply notification once a reply goes live, all in one transaction, once.
    """
    with transaction.atomic():
        transition(obj=comment, move=move, user=user, note=note, version=version, at=at)
        Comment.objects.filter(pk=comment.pk).update(open_reports=0)
        comment.open_reports = 0
        if comment.is_visible:
            notify_reply_on_commit(comment)
    return comment


def comment_publish(*, comment: Comment, user) -> Comment:
    """ "Publish" from the queue, whichever of draft or edited the comment is in."""
    move = "publish_edited" if comment.state == State.EDITED else "publish"
    if comment.removed_at is not None:
        raise TransitionRefused("A removed comment cannot be published. Nothing was changed.")
    return comment_moderate(comment=comment, move=move, user=user)


def comment_dismiss_reports(*, comment: Comment, user) -> None:
    if not user.has_perm("comments.moderate_comment"):
        raise CommentRefused("You are not allowed to moderate comments.")
    Comment.objects.filter(pk=comment.pk).update(open_reports=0)


def comment_set_pick(*, comment: Comment, user, pick: bool) -> None:
    """An editor pins a visible top-level comment as "Editor's pick" (shown first)."""
    if not user.has_perm("comments.pick_comment"):
        raise CommentRefused("Only editors can pick comments.")
    if pick and (comment.parent_id is not None or not comment.is_visible):
        raise CommentRefused("Only a published top-level comment can be an editor's pick.")
    Comment.objects.filter(pk=comment.pk).update(editors_pick=pick)
    comment.editors_pick = pick
    comment_purge(comment)  # picks lead the thread readers see


def comment_report(*, comment: Comment, reporter, reason: str, details: str = "") -> Report:
    """A reader reports a visible comment, once; it rises to the top of the moderation queue."""
    with transaction.atomic():
        current = Comment.objects.visible().select_for_update().filter(pk=comment.pk).first()
        if current is None:
            raise CommentRefused("That comment is not shown any more.")
        if Report.objects.filter(comment=current, reporter=reporter).exists():
            raise CommentRefused("You have already reported this comment. Thank you.")
        report = Report(comment=current, reporter=reporter, reason=reason, details=details)
        report.full_clean()
        report.save()
        Comment.objects.filter(pk=current.pk).update(open_reports=F("open_reports") + 1)
    return report


# Reply notifications.


def unsubscribe_token(comment: Comment) -> str:
    return signing.dumps(comment.pk, salt=UNSUBSCRIBE_SALT)


def comment_for_unsubscribe(token: str) -> Comment | None:
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    return Comment.objects.select_related("article").filter(pk=pk).first()


def comment_unsubscribe(*, comment: Comment) -> None:
    Comment.objects.filter(pk=comment.pk).update(notify_replies=False)


def notify_reply_on_commit(reply: Comment) -> None:
    """Email the parent's author about a reply now live: queued once the transaction has
    committed (a rolled-back reply sends nothing), sent by the task queue's worker."""
    parent = reply.parent
    if parent is None or not parent.notify_replies or parent.author_id is None:
        return
    if parent.author_id == reply.author_id or not parent.author.email:
        return
    transaction.on_commit(lambda: _reply_email_queue(reply.pk), robust=True)


def _reply_email_queue(reply_pk: int) -> None:
    """Queue the email (comments/tasks.py). robust=True above: a queue that cannot take it
    (the database gone just then) is logged, never the reader's error."""
    from .tasks import reply_email_send

    reply_email_send.enqueue(reply_pk)


def reply_email_deliver(reply_pk: int) -> None:
    """Send the reply email now (the task's work); raises what the mail server raises."""
    reply = (
        Comment.objects.visible()
        .select_related("parent__author", "article", "author")
        .filter(pk=reply_pk)
        .first()
    )
    if reply is None or reply.parent is None or not reply.parent.notify_replies:
        return
    parent = reply.parent
    if parent.author is None:
        return
    context = {
        "reply": reply,
        "parent": parent,
        "article": reply.article,
        "reply_url": settings.SITE_URL + reply.get_absolute_url(),
        "unsubscribe_url": settings.SITE_URL
        + reverse("comments:unsubscribe", kwargs={"token": unsubscribe_token(parent)}),
    }
    send_mail(
        subject=f"New reply to your comment on “{reply.article.headline}”",
        message=render_to_string("comments/email/reply_notification.txt", context),
        from_email=None,
        recipient_list=[parent.author.email],
    )


# Reader accounts.


def account_comments_export(*, user) -> dict:
    """Everything the site keeps that a reader wrote, for the download on their account page."""
    comments = (
        Comment.objects.filter(author=user).select_related("article").order_by("created_at", "id")
    )
    return {
        "account": {
            "username": user.username,
            "display_name": user.display_name,
            "email": user.email,
            "joined": user.date_joined.isoformat(),
        },
        "comments": [
            {
                "id": comment.pk,
                # Named only while live: not a story since withdrawn or unpublished.
                "article": comment.article.headline
                if comment.article.is_live
                else "an article no longer available",
                "article_url": settings.SITE_URL + comment.article.get_absolute_url()
                if comment.article.is_live
                else None,
                "in_reply_to": comment.parent_id,
                "posted": comment.created_at.isoformat(),
                "edited": comment.edited_at.isoformat() if comment.edited_at else None,
                "removed": comment.removed_at.isoformat() if comment.removed_at else None,
                "state": comment.state,
                "email_me_replies": comment.notify_replies,
                "body": comment.body,
            }
            for comment in comments
        ],
    }


def account_delete(*, user) -> None:
    """Delete a reader's account. Their comments stay (the threads would not read otherwise)
    and show as "a former reader"; nothing else of theirs is kept: the address hashes and reply
    opt-ins on their comments and their reports go too. (The view signs them out; a session
    elsewhere no longer authenticates and is cleared by `clearsessions`.)"""
    User = get_user_model()
    with transaction.atomic():
        Comment.objects.filter(author=user).update(ip_hash="", notify_replies=False)
        reported = list(Report.objects.filter(reporter=user).values_list("comment_id", flat=True))
        Report.objects.filter(reporter=user).delete()
        Comment.objects.filter(pk__in=reported, open_reports__gt=0).update(
            open_reports=F("open_reports") - 1
        )
        User.objects.filter(pk=user.pk).delete()


def purge_personal_data(*, days: int | None = None) -> dict[str, int]:
    """Guest emails and address hashes older than the retention period are deleted."""
    days = settings.COMMENTS_RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - timedelta(days=days)
    old = Comment._base_manager.filter(created_at__lt=cutoff)
    return {
        "guest emails": old.exclude(guest_email="").update(guest_email=""),
        "address hashes": old.exclude(ip_hash="").update(ip_hash=""),
    }
