"""The thread on the article page: a fixed number of queries however long it is, pages by a
stable key, permalinks that find their page, nesting, tombstones, and who sees what."""

import re
import time

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from comments.models import Comment
from comments.services import comment_remove, comment_set_pick
from finextra.workflow import State

QUERY_BUDGET = 6


def queries_for(client, url) -> int:
    """The queries of a page as readers get it: after one request has filled the caches."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def comment_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<li class="comment[^"]*" id="comment-(\d+)"', html)]


def bulk_thread(article, author, *, top_level: int, replies_each: int = 0):
    """Published comments made fast (bulk, the count kept as the service would keep it)."""
    now = timezone.now()
    common = {
        "article": article,
        "author": author,
        "state": State.PUBLISHED,
        "published_at": now,
        "first_published_at": now,
    }
    tops = Comment.objects.bulk_create(
        Comment(body=f"Top {n}", body_html=f"<p>Top {n}</p>", **common) for n in range(top_level)
    )
    replies = []
    for top in tops:
        parent = top
        for n in range(replies_each):
            reply = Comment(
                body=f"Reply {n} to {top.pk}",
                body_html=f"<p>Reply {n} to {top.pk}</p>",
                parent=parent,
                root=top,
                depth=parent.depth + 1,
                **common,
            )
            reply.save()
            replies.append(reply)
            parent = reply if n % 2 else top
    Article.objects.filter(pk=article.pk).update(comment_count=F("comment_count") + len(tops))
    return tops, replies


@pytest.fixture
def warm(client, live_article):
    client.get(live_article.get_absolute_url())  # the cached channel menu


def test_the_thread_costs_two_queries_with_10_or_500_comments_and_none_with_0(
    client, live_article, reader, warm
):
    url = live_article.get_absolute_url()
    with_none = queries_for(client, url)

    bulk_thread(live_article, reader, top_level=4, replies_each=2)  # 12 comments
    with_ten = queries_for(client, url)

    bulk_thread(live_article, reader, top_level=16, replies_each=30)  # 512 in all
    with_five_hundred = queries_for(client, url)

    assert with_ten == with_none + 2
    assert with_five_hundred == with_ten
    assert with_five_hundred <= QUERY_BUDGET


def test_a_thread_of_500_replies_under_one_comment_costs_the_same(
    client, live_article, reader, warm
):
    url = live_article.get_absolute_url()
    bulk_thread(live_article, reader, top_level=1, replies_each=1)
    small = queries_for(client, url)

    bulk_thread(live_article, reader, top_level=1, replies_each=500)

    assert queries_for(client, url) == small
    start = time.perf_counter()
    page = client.get(url).content.decode()
    elapsed = time.perf_counter() - start
    assert len(comment_ids(page)) == 503
    assert elapsed < 2, f"{elapsed:.2f}s for a page of 503 comments"


def test_a_signed_in_reader_adds_only_the_session_and_the_user(
    client, live_article, reader, other_reader, warm
):
    bulk_thread(live_article, other_reader, top_level=10, replies_each=3)
    url = live_article.get_absolute_url()
    anonymous = queries_for(client, url)

    client.force_login(reader)
    client.get(url)

    assert queries_for(client, url) == anonymous + 2


def test_the_page_shows_the_count_from_the_article(client, live_article, reader, post_comment):
    for n in range(3):
        post_comment(live_article, f"Number {n}", author=reader)

    page = client.get(live_article.get_absolute_url()).content.decode()

    assert '<a href="#comments">3 comments</a>' in page
    assert "Comments: (3)" in page
    assert "Be the first to comment" not in page


def test_with_no_comments_the_page_invites_the_first(client, live_article):
    page = client.get(live_article.get_absolute_url()).content.decode()

    assert '<a href="#comments">Be the first to comment</a>' in page
    assert "Comments: (0)" in page
    assert '<p class="empty-state">Be the first to comment</p>' in page


# Pages by a stable key.


def test_long_threads_are_paginated_by_a_stable_key(client, live_article, reader, settings):
    settings.COMMENTS_PAGE_SIZE = 5
    tops, _ = bulk_thread(live_article, reader, top_level=12)
    url = live_article.get_absolute_url()

    first = client.get(url).content.decode()
    assert comment_ids(first) == [c.pk for c in tops[:5]]
    next_link = re.search(r'href="\?after=(\d+)#comments" rel="next"', first).group(1)
    assert int(next_link) == tops[4].pk

    # A new comment meanwhile does not shift the pages already read.
    bulk_thread(live_article, reader, top_level=1)
    second = client.get(url, {"after": next_link}).content.decode()
    assert comment_ids(second) == [c.pk for c in tops[5:10]]
    previous = re.search(r'href="\?before=(\d+)#comments" rel="prev"', second).group(1)
    assert comment_ids(client.get(url, {"before": previous}).content.decode()) == [
        c.pk for c in tops[:5]
    ]


def test_replies_come_with_their_top_level_comment_on_its_page(
    client, live_article, reader, settings
):
    settings.COMMENTS_PAGE_SIZE = 2
    tops, replies = bulk_thread(live_article, reader, top_level=3, replies_each=2)

    second = client.get(live_article.get_absolute_url(), {"after": tops[1].pk}).content.decode()

    assert comment_ids(second) == [tops[2].pk, *[r.pk for r in replies if r.root_id == tops[2].pk]]


@pytest.mark.parametrize("cursor", ["abc", "-1", "p", "9" * 40, "1;drop"])
def test_a_malformed_page_key_shows_the_first_page(client, live_article, reader, cursor):
    bulk_thread(live_article, reader, top_level=2)

    response = client.get(live_article.get_absolute_url(), {"after": cursor, "before": cursor})

    assert response.status_code == 200
    assert len(comment_ids(response.content.decode())) == 2


def test_a_permalink_opens_the_page_that_holds_the_comment(client, live_article, reader, settings):
    settings.COMMENTS_PAGE_SIZE = 5
    tops, replies = bulk_thread(live_article, reader, top_level=12, replies_each=1)
    target = next(r for r in replies if r.root_id == tops[7].pk)

    response = client.get(f"/comments/{target.pk}/")

    assert response.status_code == 302
    assert response["Location"] == (
        f"{live_article.get_absolute_url()}?after={tops[4].pk}#comment-{target.pk}"
    )
    page = client.get(response["Location"].split("#")[0]).content.decode()
    assert f'id="comment-{target.pk}"' in page


def test_a_permalink_on_the_first_page_has_no_key(client, live_article, reader):
    tops, _ = bulk_thread(live_article, reader, top_level=3)

    response = client.get(f"/comments/{tops[1].pk}/")

    assert response["Location"] == f"{live_article.get_absolute_url()}#comment-{tops[1].pk}"


@pytest.mark.parametrize("path", ["/comments/abc/", "/comments/99999999/"])
def test_a_malformed_or_unknown_permalink_is_not_found(client, db, path):
    assert client.get(path).status_code == 404


def test_editors_picks_come_first(client, live_article, reader, editor):
    tops, _ = bulk_thread(live_article, reader, top_level=3)
    comment_set_pick(comment=tops[2], user=editor, pick=True)

    page = client.get(live_article.get_absolute_url()).content.decode()

    assert comment_ids(page) == [tops[2].pk, tops[0].pk, tops[1].pk]
    assert "Editor’s pick" in page


# Nesting.


def test_deep_replies_show_at_the_deepest_level_saying_whom_they_answer(
    client, live_article, reader, other_reader, post_comment, settings
):
    settings.COMMENTS_MAX_DEPTH = 2
    top = post_comment(live_article, "Level zero", author=reader)
    one = post_comment(live_article, "Level one", author=other_reader, parent=top)
    two = post_comment(live_article, "Level two", author=reader, parent=one)
    three = post_comment(live_article, "Level three", author=other_reader, parent=two)

    page = client.get(live_article.get_absolute_url()).content.decode()

    # Two nested lists, not three: "Level three" sits beside "Level two".
    assert page.count('<ol class="comment-replies">') == 2
    section = page[page.index(f'id="comment-{three.pk}"') :]
    assert "in reply to <bdi>Riley Reader</bdi>" in section[: section.index("Level three")]
    assert three.depth == 3


# Who sees what.


def test_the_text_of_an_unpublished_comment_is_shown_only_to_its_author_and_moderators(
    client, live_article, reader, other_reader, moderator, post_comment
):
    Article.objects.filter(pk=live_article.pk).update(comment_mode="premoderated")
    live_article.refresh_from_db()
    post_comment(live_article, "My secret draft", author=reader)
    url = live_article.get_absolute_url()

    assert "My secret draft" not in client.get(url).content.decode()
    client.force_login(other_reader)
    assert "My secret draft" not in client.get(url).content.decode()
    client.force_login(moderator)
    assert "My secret draft" not in client.get(url).content.decode()
    assert client.get("/admin/comments/comment/").status_code == 200
    assert "My secret draft" in client.get("/admin/comments/comment/").content.decode()
    client.force_login(reader)
    assert "My secret draft" in client.get(url).content.decode()


def test_a_guests_pending_comment_is_not_reachable_by_its_permalink(
    client, live_article, post_comment
):
    pending = post_comment(live_article, "Guest text", guest=True)

    assert client.get(f"/comments/{pending.pk}/").status_code == 404


def test_a_removed_comment_with_replies_leaves_a_tombstone_and_its_text_goes(
    client, live_article, reader, other_reader, moderator, post_comment
):
    top = post_comment(live_article, "Offensive words", author=reader)
    post_comment(live_article, "A fair answer", author=other_reader, parent=top)
    lonely = post_comment(live_article, "Removed alone", author=reader)
    comment_remove(comment=top, user=moderator)
    comment_remove(comment=lonely, user=moderator)

    page = client.get(live_article.get_absolute_url()).content.decode()

    assert "Offensive words" not in page
    assert "Removed alone" not in page
    assert page.count("Comment removed") == 1
    assert "A fair answer" in page
    assert "Comments: (1)" in page
    assert f'id="comment-{lonely.pk}"' not in page


def test_a_removed_reply_in_the_middle_of_a_chain_leaves_a_tombstone(
    client, live_article, reader, other_reader, moderator, post_comment
):
    top = post_comment(live_article, "Start", author=reader)
    middle = post_comment(live_article, "Middle, removed", author=other_reader, parent=top)
    post_comment(live_article, "End", author=reader, parent=middle)
    comment_remove(comment=middle, user=moderator)

    page = client.get(live_article.get_absolute_url()).content.decode()

    assert "Middle, removed" not in page
    assert "Comment removed" in page
    assert page.index("Start") < page.index("Comment removed") < page.index("End")


def test_staff_comments_carry_a_badge(client, live_article, moderator, reader, post_comment):
    post_comment(live_article, "From the desk", author=moderator)
    post_comment(live_article, "From a reader", author=reader)

    page = client.get(live_article.get_absolute_url()).content.decode()

    assert page.count("Finextra staff</span>") == 1
    assert page.index("From the desk") > page.index("Finextra staff")
