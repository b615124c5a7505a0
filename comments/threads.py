"""The thread under an article, one page at a time, in two queries however long it is: one for
the page of top-level comments (by a stable key), one for every reply in those threads (each
reply knows its root). Authors come with both through select_related."""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, OuterRef, Q

from .models import Comment, shown_condition

# A page key: "p<id>" for an editor's pick (they come first), "<id>" for the rest.
_KEY = re.compile(r"^(p?)(\d{1,18})$")


@dataclass
class Node:
    comment: Comment
    children: list["Node"] = field(default_factory=list)
    # Shown as "in reply to <name>" when nested deeper than the page indents.
    in_reply_to: str = ""
    level: int = 0
    tombstone: bool = False
    pending: bool = False
    # The node whose `children` hold this one.
    holder: "Node | None" = None


@dataclass
class ThreadPage:
    nodes: list[Node]
    next_key: str = ""
    previous_key: str = ""
    by_id: dict[int, Node] = field(default_factory=dict)


def page_key(comment: Comment) -> str:
    return f"p{comment.pk}" if comment.editors_pick else str(comment.pk)


def parse_key(value: str | None) -> tuple[bool, int] | None:
    match = _KEY.match(value or "")
    if not match:
        return None
    return match.group(1) == "p", int(match.group(2))


def _after(key: tuple[bool, int]) -> Q:
    """Top-level comments after `key` in the order (editor's picks first, then by id)."""
    pick, pk = key
    if pick:
        return Q(editors_pick=True, pk__gt=pk) | Q(editors_pick=False)
    return Q(editors_pick=False, pk__gt=pk)


def _before(key: tuple[bool, int]) -> Q:
    pick, pk = key
    if pick:
        return Q(editors_pick=True, pk__lt=pk)
    return Q(editors_pick=True) | Q(editors_pick=False, pk__lt=pk)


def top_level(article, viewer=None):
    """Top-level comments a reader may see: readable ones, the viewer's own pending ones, and
    removed ones whose thread still has something readable (shown as tombstones)."""
    readable_reply = Comment.objects.filter(root=OuterRef("pk")).visible()
    tombstone = Q(first_published_at__isnull=False, has_readable_reply=True)
    return (
        Comment.objects.filter(article=article, parent__isnull=True)
        .alias(has_readable_reply=Exists(readable_reply))
        .filter(shown_condition(viewer) | tombstone)
    )


def load_page(*, article, viewer=None, after: str | None = None, before: str | None = None):
    size = settings.COMMENTS_PAGE_SIZE
    tops = top_level(article, viewer).select_related("author")
    after_key, before_key = parse_key(after), parse_key(before)
    if before_key is not None:
        rows = list(tops.filter(_before(before_key)).order_by("editors_pick", "-id")[: size + 1])
        has_more_before = len(rows) > size
        rows = list(reversed(rows[:size]))
        has_more_after = True
    else:
        if after_key is not None:
            tops = tops.filter(_after(after_key))
        rows = list(tops.order_by("-editors_pick", "id")[: size + 1])
        has_more_after = len(rows) > size
        rows = rows[:size]
        has_more_before = after_key is not None
    page = ThreadPage(nodes=[])
    if not rows:
        return page
    if has_more_after:
        page.next_key = page_key(rows[-1])
    if has_more_before:
        page.previous_key = page_key(rows[0])
    replies = (
        Comment.objects.filter(root_id__in=[row.pk for row in rows])
        # Anything that was ever published may have replies (and so be a tombstone).
        .filter(shown_condition(viewer) | Q(first_published_at__isnull=False))
        .select_related("author")
        .order_by("id")
    )
    _assemble(page, rows, list(replies), viewer)
    return page


def _assemble(page: ThreadPage, tops: list[Comment], replies: list[Comment], viewer) -> None:
    """Nest the replies under their parents, down to COMMENTS_MAX_DEPTH; deeper replies join
    the deepest level with "in reply to <name>". Hidden comments with readable replies stay as
    tombstones; hidden ones without are left out."""
    by_id = {comment.pk: comment for comment in [*tops, *replies]}
    # Bottom-up (ids grow down a thread): does anything readable hang below each comment?
    readable_below: set[int] = set()
    for reply in reversed(replies):
        if reply.is_visible or reply.pk in readable_below:
            readable_below.add(reply.parent_id)

    def make_node(comment: Comment) -> Node | None:
        if comment.is_shown_to(viewer):
            # Shown but not visible: the viewer's own, which only they see.
            return Node(comment=comment, pending=not comment.is_visible)
        if comment.pk in readable_below:
            return Node(comment=comment, tombstone=True)
        return None

    max_depth = settings.COMMENTS_MAX_DEPTH
    for top in tops:
        node = make_node(top)
        if node is not None:
            page.nodes.append(node)
            page.by_id[top.pk] = node
    for reply in replies:
        parent_node = page.by_id.get(reply.parent_id)
        if parent_node is None:  # its parent is hidden with nothing readable: so is it
            continue
        node = make_node(reply)
        if node is None:
            continue
        if parent_node.level >= max_depth:
            # Too deep to indent further: a sibling of its parent, saying whom it answers.
            node.in_reply_to = by_id[reply.parent_id].author_name
            node.level = parent_node.level
            node.holder = parent_node.holder
        else:
            node.level = parent_node.level + 1
            node.holder = parent_node
        node.holder.children.append(node)
        page.by_id[reply.pk] = node


def page_url_for(comment: Comment, *, viewer=None) -> str:
    """The article page that holds `comment`, scrolled to it: pages start at every
    COMMENTS_PAGE_SIZE-th top-level comment, so the page is found by counting."""
    article = comment.article
    root = comment if comment.root_id is None else Comment.objects.get(pk=comment.root_id)
    size = settings.COMMENTS_PAGE_SIZE
    tops = top_level(article, viewer)
    position = tops.filter(_before((root.editors_pick, root.pk))).count()
    start = position // size * size
    query = ""
    if start:
        boundary = tops.order_by("-editors_pick", "id")[start - 1]
        query = f"?after={page_key(boundary)}"
    return f"{article.get_absolute_url()}{query}#comment-{comment.pk}"
