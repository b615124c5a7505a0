from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from articles.models import Article
from finextra.net import client_ip
from finextra.templatetags.links import link_url

from .abuse import posting_rate_limited
from .forms import CommentEditForm, CommentForm, ReportForm
from .models import Comment
from .services import (
    SIGN_IN_TO_COMMENT,
    CommentRefused,
    comment_edit,
    comment_for_unsubscribe,
    comment_post,
    comment_remove,
    comment_report,
    comment_unsubscribe,
    ip_hash,
    posting_refusal,
)
from .threads import page_url_for

RATE_MESSAGE = (
    "You are posting faster than we allow. Your text is below: wait a few minutes and send it "
    "again."
)


def _refused(request, *, article, form, parent=None, status=400):
    return render(
        request,
        "comments/post_refused.html",
        {"article": article, "form": form, "parent": parent},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def post(request, article_pk):
    """The compose page: GET shows the comment form (`?reply=<id>`: the reply form), POST posts,
    then redirects (post/redirect/get) to the comment, or back here with a notice that it awaits
    moderation. A refused post shows the form again, text kept. Never cached: the form carries
    the reader's CSRF token and a signed timestamp, which the article page does not.

    The request's facts (who posts, from which address) are read here, once, and passed down.
    """
    article = get_object_or_404(Article.objects.live(), pk=article_pk)
    signed_in = request.user.is_authenticated
    author = request.user if signed_in else None
    if request.method != "POST":
        return _compose(request, article, signed_in=signed_in)
    form = CommentForm(request.POST, article=article, guest=not signed_in)
    parent = None
    if form.is_valid():
        parent_pk = form.cleaned_data.get("parent")
        if parent_pk:
            parent = Comment.objects.visible().filter(pk=parent_pk, article=article).first()
            if parent is None:
                form.add_error(
                    None,
                    "The comment you replied to is not shown on this article, so your reply "
                    "was not posted.",
                )
    if not form.is_valid():
        return _refused(request, article=article, form=form, parent=parent)

    address = client_ip(request)
    if posting_rate_limited(user_id=author.pk if author else None, ip_hash=ip_hash(address)):
        form.add_error(None, RATE_MESSAGE)
        return _refused(request, article=article, form=form, parent=parent, status=429)

    data = form.cleaned_data
    try:
        comment = comment_post(
            article=article,
            body=data["body"],
            author=author,
            guest_name=data.get("name", ""),
            guest_email=data.get("email", ""),
            parent=parent,
            ip=address,
            notify_replies=data.get("notify_replies", False),
        )
    except CommentRefused as refusal:
        form.add_error(None, str(refusal))
        return _refused(request, article=article, form=form, parent=parent)
    except ValidationError as invalid:
        for message in invalid.messages:
            form.add_error(None, message)
        return _refused(request, article=article, form=form, parent=parent)

    if comment.is_visible:
        return redirect(page_url_for(comment, viewer=request.user))
    if signed_in:
        messages.info(
            request, "Thank you. Your comment is awaiting moderation: only you can see it for now."
        )
        return redirect(page_url_for(comment, viewer=request.user))
    # A guest lands on the compose page's "awaiting moderation" state (never cached).
    return redirect(reverse("comments:post", kwargs={"article_pk": article.pk}) + "?sent=1")


def _compose(request, article, *, signed_in: bool):
    parent = None
    reply = request.GET.get("reply")
    if reply is not None:
        if not reply.isdigit() or len(reply) > 18:
            raise Http404("No such comment.")
        parent = get_object_or_404(
            Comment.objects.visible().select_related("author"), pk=reply, article=article
        )
    refusal = posting_refusal(article, signed_in=signed_in)
    sent = request.GET.get("sent") == "1"
    back = "?" + urlencode({"next": request.get_full_path()})
    context = {
        "article": article,
        "parent": parent,
        "refusal": refusal,
        "needs_sign_in": refusal == SIGN_IN_TO_COMMENT,
        "guest": not signed_in,
        "sent": sent,
        "form": None
        if refusal or sent
        else CommentForm(article=article, guest=not signed_in, parent=parent),
        "post_url": reverse("comments:post", kwargs={"article_pk": article.pk}),
        "login_url": link_url(settings.LOGIN_URL) + back,
        "signup_url": link_url("comments:signup") + back,
    }
    return render(request, "comments/compose.html", context)


def permalink(request, pk):
    """A comment's own address: the article page that holds it, scrolled to it."""
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=pk)
    article = comment.article
    if not article.is_live or article.comment_mode == Article.CommentMode.HIDDEN:
        raise Http404("No such comment.")
    if not comment.is_shown_to(request.user):
        raise Http404("No such comment.")
    return redirect(page_url_for(comment, viewer=request.user))


def _own_comment(request, pk) -> Comment:
    comment = get_object_or_404(
        Comment.objects.select_related("article"), pk=pk, author_id=request.user.pk
    )
    if comment.removed_at is not None:
        raise Http404("That comment was deleted.")
    return comment


@login_required
def edit(request, pk):
    comment = _own_comment(request, pk)
    if not comment.editable_by(request.user):
        messages.error(request, "The time to edit that comment has passed.")
        return redirect(page_url_for(comment, viewer=request.user))
    form = CommentEditForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            comment = comment_edit(
                comment=comment, user=request.user, body=form.cleaned_data["body"]
            )
        except CommentRefused as refusal:
            form.add_error(None, str(refusal))
        except ValidationError as invalid:
            for message in invalid.messages:
                form.add_error(None, message)
        else:
            if not comment.is_visible:
                messages.info(request, "Your change is saved and awaits moderation.")
            return redirect(page_url_for(comment, viewer=request.user))
    return render(
        request,
        "comments/edit.html",
        {"comment": comment, "form": form, "edit_window": settings.COMMENTS_EDIT_WINDOW_MINUTES},
    )


def house_rules(request):
    return render(
        request,
        "comments/house_rules.html",
        {"edit_window": settings.COMMENTS_EDIT_WINDOW_MINUTES},
    )


@login_required
def delete(request, pk):
    comment = _own_comment(request, pk)
    if request.method == "POST":
        comment_remove(comment=comment, user=request.user, by_author=True)
        messages.success(request, "Your comment was deleted.")
        return redirect(f"{comment.article.get_absolute_url()}#comments")
    return render(request, "comments/delete.html", {"comment": comment})


@login_required
def report(request, pk):
    comment = get_object_or_404(
        Comment.objects.visible().select_related("article", "author"), pk=pk
    )
    if comment.author_id == request.user.pk:
        raise Http404("You cannot report your own comment.")
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            comment_report(
                comment=comment,
                reporter=request.user,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
            )
        except CommentRefused as refusal:
            messages.info(request, str(refusal))
        else:
            messages.success(request, "Thank you for the report. A moderator will look at it.")
        return redirect(page_url_for(comment, viewer=request.user))
    return render(request, "comments/report.html", {"comment": comment, "form": form})


def unsubscribe(request, token):
    """The link in a reply email. A GET only asks; the POST from that page unsubscribes."""
    comment = comment_for_unsubscribe(token)
    if comment is None:
        raise Http404("That unsubscribe link is not valid.")
    done = False
    if request.method == "POST":
        comment_unsubscribe(comment=comment)
        done = True
    return render(request, "comments/unsubscribe.html", {"comment": comment, "done": done})
