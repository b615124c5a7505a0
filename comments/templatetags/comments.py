from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html

from articles.models import Article
from finextra.templatetags.links import link_url

from ..abuse import form_stamp
from ..forms import CommentForm
from ..services import SIGN_IN_TO_COMMENT, posting_refusal
from ..thread_html import ThreadRenderer
from ..threads import load_page, parse_key

register = template.Library()

NO_LONGER_AVAILABLE = "an article no longer available"


@register.simple_tag
def article_named(article, anchor=""):
    """The article a reader's own comment is on, linked, but only while it is live: a story
    since withdrawn, unpublished or rewritten under embargo is not named."""
    if article is None or not article.is_live:
        return NO_LONGER_AVAILABLE
    return format_html(
        '<a href="{}{}">{}</a>', article.get_absolute_url(), anchor, article.headline
    )


@register.inclusion_tag("comments/comment_link.html")
def comment_link(article):
    """Item 4 of the article page: "Be the first to comment", "1 comment", "N comments"."""
    return {"article": article, "shown": article.comment_mode != Article.CommentMode.HIDDEN}


def stamp_scope(article) -> str:
    return f"article-{article.pk}"


def comment_form(article, *, guest: bool, parent=None, data=None, auto_id="id_%s"):
    initial = {"stamp": form_stamp(stamp_scope(article))}
    if parent is not None:
        initial["parent"] = parent.pk
    return CommentForm(data, guest=guest, initial=initial, auto_id=auto_id)


@register.inclusion_tag("comments/comment_section.html", takes_context=True)
def comment_section(context, article):
    """Item 9: "Comments: (N)", the thread or the empty state, the form or a sign-in prompt.

    Two queries for the thread however long it is (none for an anonymous reader when there
    are no comments at all); the count is the article's own `comment_count`.
    """
    request = context.get("request")
    shown = article.comment_mode != Article.CommentMode.HIDDEN
    result = {"article": article, "shown": shown, "request": request}
    if not shown:
        return result
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    query = request.GET if request is not None else {}
    after = query.get("after") if parse_key(query.get("after")) else None
    before = None if after else (query.get("before") if parse_key(query.get("before")) else None)
    page = None
    if article.comment_count or signed_in:
        page = load_page(article=article, viewer=user, after=after, before=before)
    refusal = posting_refusal(article, signed_in=signed_in)
    guest = not signed_in
    reply_to = query.get("reply", "")
    reply_to = int(reply_to) if reply_to.isdigit() and len(reply_to) < 19 else None
    page_query = f"after={after}&" if after else (f"before={before}&" if before else "")
    reply_node = None
    if page is not None:
        _set_permissions(page, user=user if signed_in else None, refusal=refusal)
        reply_node = page.by_id.get(reply_to) if reply_to is not None else None
        if reply_node is not None and not reply_node.can_reply:
            reply_node = None
    reply_form = (
        comment_form(article, guest=guest, parent=reply_node.comment, auto_id="reply_%s")
        if reply_node is not None
        else None
    )
    post_url = reverse("comments:post", kwargs={"article_pk": article.pk})
    back_here = f"?next={article.get_absolute_url()}%23comments"
    thread_html = ""
    if page is not None and page.nodes:
        reply_form_html = ""
        if reply_form is not None:
            reply_form_html = render_to_string(
                "comments/includes/form.html",
                {
                    "form": reply_form,
                    "post_url": post_url,
                    "submit": "Post reply",
                    "csrf_token": context.get("csrf_token"),
                },
            )
        thread_html = ThreadRenderer(
            page_query=page_query, reply_node=reply_node, reply_form_html=reply_form_html
        ).render(page.nodes)
    result.update(
        page=page,
        nodes=page.nodes if page is not None else [],
        thread_html=thread_html,
        closed=article.comment_mode == Article.CommentMode.CLOSED,
        refusal=refusal,
        needs_sign_in=refusal == SIGN_IN_TO_COMMENT,
        signed_in=signed_in,
        guest=guest,
        page_query=page_query,
        post_url=post_url,
        login_url=link_url(settings.LOGIN_URL) + back_here,
        signup_url=link_url("comments:signup") + back_here,
        form=None if refusal else comment_form(article, guest=guest),
        csrf_token=context.get("csrf_token"),
    )
    return result


def _set_permissions(page, *, user, refusal: str) -> None:
    """What the viewer may do with each comment shown: no query, all from the loaded rows."""
    for node in page.by_id.values():
        comment = node.comment
        own = user is not None and comment.author_id == user.pk
        shown = not node.tombstone and not node.pending
        node.can_reply = shown and not refusal
        node.can_edit = own and comment.editable_by(user)
        node.can_delete = own and not node.tombstone
        node.can_report = shown and not own


@register.filter
def in_minutes(delta) -> int:
    """A cool-off as whole minutes, for the lockout page."""
    return max(1, round(delta.total_seconds() / 60)) if delta else 0
