from django import template

register = template.Library()


@register.inclusion_tag("comments/comment_link.html")
def comment_link(article):
    """Item 4 of the article page: "Be the first to comment", "1 comment", "N comments"."""
    return {"article": article, "shown": article.comment_mode != "hidden"}


@register.inclusion_tag("comments/comment_section.html", takes_context=True)
def comment_section(context, article):
    """Item 9: "Comments: (N)", the thread or the empty state, the form or a sign-in prompt."""
    return {
        "article": article,
        "shown": article.comment_mode != "hidden",
        "closed": article.comment_mode == "closed",
        "request": context.get("request"),
    }
