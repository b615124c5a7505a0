"""Which comments a reader sees, written once as a queryset condition and once in Python beside
it: the two agree over every state, removal and author, and the thread shows what they say."""

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from comments.models import Comment, shown_condition
from comments.services import comment_moderate
from finextra.workflow import State

AUTHORS = ("viewer", "other", "guest")


@pytest.fixture
def grid(live_article, reader, other_reader):
    """A comment for each state × removed × author, its fields set as the workflow leaves them."""
    now = timezone.now()
    authors = {"viewer": reader, "other": other_reader, "guest": None}
    made = []
    for state, removed, author in itertools.product(State.values, (False, True), AUTHORS):
        ever_published = state == State.PUBLISHED or removed
        made.append(
            Comment.objects.create(
                article=live_article,
                author=authors[author],
                guest_name="Gail Guest" if author == "guest" else "",
                body=f"{state} {removed} {author}",
                state=state,
                published_at=now if state == State.PUBLISHED else None,
                first_published_at=now if ever_published else None,
                removed_at=now if removed else None,
            )
        )
    return made


def test_visible_and_is_visible_agree(grid):
    assert {c.pk for c in Comment.objects.visible()} == {c.pk for c in grid if c.is_visible}
    # Published and not removed, for each author: three of the twelve.
    assert len([c for c in grid if c.is_visible]) == len(AUTHORS)


@pytest.mark.parametrize("who", ["anonymous", "author", "another reader"])
def test_shown_condition_and_is_shown_to_agree(grid, reader, other_reader, who):
    viewer = {"anonymous": AnonymousUser(), "author": reader, "another reader": other_reader}[who]
    in_query = {c.pk for c in Comment.objects.filter(shown_condition(viewer))}
    in_python = {c.pk for c in grid if c.is_shown_to(viewer)}
    assert in_query == in_python
    visible = {c.pk for c in grid if c.is_visible}
    if who == "anonymous":
        assert in_python == visible, "nobody's own: a guest's held comment is nobody's to see"
    else:
        # Their own draft and edited ones, not removed, besides the visible ones.
        assert len(in_python - visible) == 2


def test_a_guests_comment_taken_back_shows_an_anonymous_reader_a_tombstone_not_its_text(
    client, live_article, other_reader, moderator, post_comment
):
    """A guest's comment and an anonymous reader both have no account: that is no ownership."""
    guest_comment = post_comment(live_article, "Guest words under review", guest=True)
    comment_moderate(comment=guest_comment, move="publish", user=moderator)
    post_comment(live_article, "An answer that stays", author=other_reader, parent=guest_comment)
    guest_comment.refresh_from_db()
    comment_moderate(comment=guest_comment, move="unpublish", user=moderator)

    page = client.get(live_article.get_absolute_url()).content.decode()

    assert "Guest words under review" not in page
    assert "comment-pending" not in page
    assert f'id="comment-{guest_comment.pk}"' in page, "kept for its reply"
    assert "Comment removed" in page
    assert "An answer that stays" in page
