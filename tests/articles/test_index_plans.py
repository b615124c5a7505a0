"""Every ordering and filter the public listings and the desk use has an index: on PostgreSQL,
with sequential scans priced out (`SET enable_seqscan = off`), the plan of each query these pages
make reads the articles, comments and placements tables through an index. (The planner still
picks a sequential scan when no index can serve, so one showing up means an index is missing.)
The plans on a loaded archive: `benchmarks/archive.py --plans`."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Author, Tag
from comments.services import comment_post
from tests.factories import publish

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="query plans are checked on PostgreSQL"
)

TABLES = ("articles_article", "comments_comment", "sponsors_placement")

PUBLIC = [
    "/",
    "/?page=2",
    "/channels/capital-markets/",
    "/channels/capital-markets/?page=2",
    "/tags/rates/",
    "/authors/alice-morgan/",
]
DESK = [
    "/admin/articles/article/",
    "/admin/articles/article/?state__exact=published",
    "/admin/articles/article/?channel__id__exact={channel}",
    "/admin/articles/article/?queue=awaiting_edit",
    "/admin/articles/article/?q=rally",
    "/admin/comments/comment/",
    "/admin/comments/comment/?queue=all",
    "/admin/comments/comment/?state__exact=draft",
    "/admin/comments/comment/?article__id__exact={article}",
    "/admin/comments/comment/?q=quetzal",
    "/admin/sponsors/placement/",
    "/admin/sponsors/placement/?state__exact=published",
]


@pytest.fixture
def archive(make_article, editor, publisher, reader):
    rates = Tag.objects.create(name="Rates", slug="rates")
    alice = Author.objects.create(name="Alice Morgan", slug="alice-morgan")
    articles = []
    for n in range(45):
        article = make_article(headline=f"Markets rally, day {n}")
        article.tags.add(rates)
        article.authors.add(alice)
        articles.append(publish(article, editor=editor, publisher=publisher) if n % 5 else article)
    for n in range(5):
        comment_post(article=articles[1], body=f"Comment {n}", author=reader)
    return articles


def plans_reading_a_table_whole(queries) -> list[str]:
    bad = []
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            for query in queries:
                sql = query["sql"]
                if not sql.startswith("SELECT") or not any(t in sql for t in TABLES):
                    continue
                cursor.execute(f"EXPLAIN {sql}")
                plan = "\n".join(row[0] for row in cursor.fetchall())
                if any(f"Seq Scan on {table}" in plan for table in TABLES):
                    bad.append(f"{sql}\n{plan}")
        finally:
            cursor.execute("RESET enable_seqscan")
    return bad


def captured(client, url):
    client.get(url)  # warm the caches: the plans that matter are the ones every request makes
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return queries


@pytest.mark.parametrize("url", PUBLIC)
def test_the_public_listings_read_through_indexes(client, archive, url):
    assert plans_reading_a_table_whole(captured(client, url)) == []


def test_the_article_page_reads_its_article_and_comments_through_indexes(client, archive):
    url = archive[1].get_absolute_url()

    assert plans_reading_a_table_whole(captured(client, url)) == []


@pytest.mark.parametrize("url", DESK)
def test_the_desk_lists_read_through_indexes(admin_client, archive, channel, url):
    url = url.format(channel=channel.pk, article=archive[1].pk)

    assert plans_reading_a_table_whole(captured(admin_client, url)) == []
