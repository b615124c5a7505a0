from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html

from articles.models import Article
from finextra.templatetags.links import link_url

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


@register.inclusion_tag("comments/comment_section.html", takes_context=True)
def comment_section(context, article):
    """Item 9: "Comments: (N)", the thread or the empty state, and a link to the compose page
    ("Join the discussion") or a sign-in prompt. The forms, with their CSRF token and signed
    timestamp, live on the compose page (never cached), so this part is the same for every
    anonymous reader and the page may be kept by a shared cache.

    Two queries for the thread however long it is (none for an anonymous reader when there
    are no comments at all); the count is the article's own `comment_count`.
    """
    if article.comment_mode == Article.CommentMode.HIDDEN:
        return {"shown": False}
    request = context.get("request")
    user = getattr(request, "user", None)
    viewer = user if user is not None and user.is_authenticated else None
    query = request.GET if request is not None else {}
    after, before = query.get("after"), query.get("before")
    if parse_key(after):
        before = None  # one direction at a time: a valid "later" wins
    page = None
    if article.comment_count or viewer is not None:
        page = load_page(article=article, viewer=viewer, after=after, before=before)
    refusal = posting_refusal(article, signed_in=viewer is not None)
    compose_url = reverse("comments:post", kwargs={"article_pk": article.pk})
    back_here = f"?next={article.get_absolute_url()}%23comments"
    thread = ThreadRenderer(compose_url=compose_url, viewer=viewer, refusal=refusal)
    return {
        "article": article,
        "shown": True,
        "page": page,
        "thread_html": thread.render(page.nodes) if page is not None else "",
        "closed": article.comment_mode == Article.CommentMode.CLOSED,
        "refusal": refusal,
        "needs_sign_in": refusal == SIGN_IN_TO_COMMENT,
        "compose_url": compose_url,
        "login_url": link_url(settings.LOGIN_URL) + back_here,
        "signup_url": link_url("comments:signup") + back_here,
    }


@register.filter
def in_minutes(delta) -> int:
    """A cool-off as whole minutes, for the lockout page."""
    return max(1, round(delta.total_seconds() / 60)) if delta else 0
