"""Reader search: live articles only, every word required, ranked on PostgreSQL (headline over
standfirst over body, through the GIN index) and newest first on SQLite, paginated with a fixed
number of queries, matches marked with <mark> in escaped text, and no input that breaks it."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import search
from articles.models import Article, Author
from articles.search import QUERY_MAX_LENGTH, SEARCH_INDEX_NAME, article_search
from articles.views import PAGE_SIZE
from finextra.services import transition
from sponsors.models import Sponsor

from .helpers import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(make_article, editor, publisher):
    """`live(**fields)`: a new article, published through the workflow."""

    def make(**fields):
        return publish(make_article(**fields), editor, publisher)

    return make


def results_html(client, query, **params) -> str:
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200, query
    return response.content.decode()


def unmarked(html) -> str:
    return html.replace("<mark>", "").replace("</mark>", "")


def found(query) -> list[str]:
    return [article.headline for article in article_search(query=query)]


def test_search_finds_live_articles_by_headline_standfirst_or_body(client, live):
    live(headline="Stablecoin rules arrive", slug="a")
    live(headline="Second story", slug="b", standfirst="New stablecoin licences.")
    live(headline="Third story", slug="c", body="<p>Banks weigh <em>stablecoin</em> risks.</p>")
    live(headline="Unrelated story", slug="d")

    html = results_html(client, "stablecoin")

    assert "3 results for “stablecoin”" in html
    for headline in ("rules arrive", "Second story", "Third story"):
        assert headline in html
    assert "Unrelated story" not in html


def test_drafts_scheduled_and_withdrawn_articles_never_appear(
    client, live, make_article, editor, publisher
):
    live(headline="Live tokenisation story", slug="live")
    make_article(headline="Draft tokenisation story", slug="draft")
    scheduled = make_article(headline="Scheduled tokenisation story", slug="scheduled")
    transition(obj=scheduled, move="mark_edited", user=editor)
    transition(obj=scheduled, move="publish", user=publisher, at=timezone.now() + timedelta(days=1))
    withdrawn = live(headline="Withdrawn tokenisation story", slug="withdrawn")
    transition(obj=withdrawn, move="withdraw", user=publisher, note="Legal.")

    html = unmarked(results_html(client, "tokenisation"))

    assert "Live tokenisation story" in html
    assert "1 result for" in html
    for hidden in ("Draft", "Scheduled", "Withdrawn"):
        assert f"{hidden} tokenisation story" not in html


def test_every_word_of_the_query_must_match(live):
    live(headline="Open banking in Brazil", slug="a")
    live(headline="Open banking in Europe", slug="b", body="<p>Brazil watches.</p>")
    live(headline="Brazil payments", slug="c")

    assert sorted(found("open brazil")) == ["Open banking in Brazil", "Open banking in Europe"]
    assert found("open banking mars") == []


def test_ranking_on_postgresql_and_date_order_on_sqlite(live):
    # Oldest first: the body match is the newest, the headline match the oldest.
    live(headline="Regulator fines broker", slug="a")
    live(headline="Quarterly results", slug="b", standfirst="The regulator was told.")
    live(headline="Market wrap", slug="c", body="<p>A regulator spoke on Friday.</p>")

    order = found("regulator")

    if connection.vendor == "postgresql":
        # Headline (A) over standfirst (B) over body (C), whatever the dates.
        assert order == ["Regulator fines broker", "Quarterly results", "Market wrap"]
    else:
        assert order == ["Market wrap", "Quarterly results", "Regulator fines broker"]


def test_postgresql_stems_words_and_sqlite_matches_substrings(live):
    live(headline="Banks are regulating crypto", slug="a")

    if connection.vendor == "postgresql":
        assert found("regulated") == ["Banks are regulating crypto"]  # one stem: "regul"
        assert found("bank -crypto") == []  # websearch syntax: "-" excludes a word
    else:
        assert found("regulat") == ["Banks are regulating crypto"]
        assert found("regulated") == []


def test_matches_are_marked_in_headline_standfirst_and_excerpt(client, live):
    live(
        headline="Instant payments go live",
        slug="a",
        standfirst="Instant transfers for all.",
        body="<p>Long before the launch, banks tested instant payments for a year.</p>",
    )

    html = results_html(client, "instant")

    assert "<mark>Instant</mark> payments go live" in html
    assert "<mark>Instant</mark> transfers for all." in html
    assert "banks tested <mark>instant</mark> payments" in html


def test_highlighting_escapes_the_text_around_the_marks(client, live):
    """ts_headline returns its input unescaped; text that looks like markup stays text."""
    live(
        headline="Beware <script>alert(1)</script> payloads",
        slug="a",
        standfirst='Beware of "<img src=x onerror=alert(2)>" in comments.',
        body="<p>Beware: a body quoting &lt;script&gt;alert(3)&lt;/script&gt; as text.</p>",
    )

    html = results_html(client, "beware")

    assert "<script>" not in html and "<img" not in html
    assert "<mark>Beware</mark> &lt;script&gt;alert(1)&lt;/script&gt; payloads" in html
    assert "<mark>Beware</mark> of &quot;&lt;img src=x onerror=alert(2)&gt;&quot; in" in html
    assert "<mark>Beware</mark>: a body quoting" in html
    if connection.vendor == "postgresql":
        # Its parser reads "<script>" as a tag, not words: the excerpt leaves the tags out.
        alert = results_html(client, "alert")
        assert "<script>" not in alert
        assert "a body quoting  alert(3)  as text." in alert
    else:
        # The fallback matches inside it, and still escapes all round the mark.
        assert "&lt;script&gt;<mark>alert</mark>(3)&lt;/script&gt;" in results_html(client, "alert")


def test_paid_content_keeps_its_label_in_results(client, live):
    sponsor = Sponsor.objects.create(name="Acme Bank", slug="acme-bank")
    live(headline="Treasury automation", slug="a", provenance="sponsored", sponsor=sponsor)

    html = results_html(client, "treasury")

    assert 'class="label label-sponsored"' in html
    assert "by Acme Bank" in html


def test_results_are_paginated_and_the_links_keep_the_query(client, live):
    for n in range(PAGE_SIZE + 3):
        live(headline=f"Ledger story {n}", slug=f"ledger-{n}")

    first = results_html(client, "ledger & story")
    second = results_html(client, "ledger & story", page=2)

    assert f"{PAGE_SIZE + 3} results" in first
    assert first.count('class="card search-result"') == PAGE_SIZE
    assert second.count('class="card search-result"') == 3
    assert 'href="?q=ledger%20%26%20story&amp;page=2"' in first
    assert client.get("/search/", {"q": "ledger", "page": 3}).status_code == 404
    assert client.get("/search/", {"q": "ledger", "page": "x"}).status_code == 404


def queries_for(client, query) -> int:
    client.get("/search/", {"q": query})  # the channel menu's cache is warm after this
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return len(queries)


def test_a_page_of_results_costs_three_queries_however_many_there_are(client, live):
    article = live(headline="Custody news 0", slug="custody-0")
    article.authors.add(Author.objects.create(name="Ana Ruiz", slug="ana-ruiz"))
    # count, the page (channel and sponsor joined), the page's authors
    assert queries_for(client, "custody") == 3
    for n in range(1, PAGE_SIZE + 5):
        live(headline=f"Custody news {n}", slug=f"custody-{n}")
    assert queries_for(client, "custody") == 3


def test_an_empty_query_shows_the_form_and_runs_no_search(client, live):
    live(headline="Anything at all", slug="a")

    for params in ({}, {"q": ""}, {"q": "   "}):
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/search/", params)
        html = response.content.decode()
        assert response.status_code == 200
        assert '<label for="id_q">Search articles</label>' in html
        assert "Anything at all" not in html and "result" not in html
        assert not [q for q in queries if "articles_article" in q["sql"]]


def test_a_too_long_query_is_refused_with_a_message_and_kept(client, live):
    live(headline="Long query target", slug="a")
    query = "target " * 40

    html = results_html(client, query)

    assert len(query) > QUERY_MAX_LENGTH
    assert f"Searches are up to {QUERY_MAX_LENGTH} characters long." in html
    # Both search boxes, the header's and the page's, stop the reader there first.
    assert html.count(f'maxlength="{QUERY_MAX_LENGTH}"') == 2
    assert 'aria-invalid="true"' in html
    assert f'value="{query}"' in html
    assert "Long query target" not in html


@pytest.mark.parametrize(
    "query",
    [
        '"unterminated quote',
        '""',
        "'",
        "or",
        "-",
        "!!! & | ( ) : * <-> \\",
        "fintech:* & !",
        "null\x00byte",
        "💸 payments 🚀",
        "%_ wildcard%",
        "the a of",  # stop words only: an empty tsquery on PostgreSQL
        "DROP TABLE articles_article; --",
    ],
)
def test_odd_input_never_breaks_the_page(client, live, query):
    live(headline="Payments everywhere 💸", slug="a")

    response = client.get("/search/", {"q": query})

    assert response.status_code == 200
    html = unmarked(response.content.decode())
    assert "Search articles" in html
    if query == "💸 payments 🚀":
        assert "Payments everywhere" in html
    if "\x00" in query:
        assert "Null characters are not allowed." in html
    if query == "%_ wildcard%":
        assert "Payments everywhere" not in html  # % and _ are not wildcards here


def test_the_header_has_a_search_form_that_works_without_javascript(client, live):
    live(headline="Header search target", slug="a")

    home = client.get("/").content.decode()

    assert '<form class="site-search" method="get" action="/search/" role="search">' in home
    assert '<label class="visually-hidden" for="site-search-q">Search articles</label>' in home
    assert 'name="q" id="site-search-q"' in home
    assert "Header search target" in unmarked(results_html(client, "header target"))


def test_the_body_text_is_kept_at_save_without_markup(make_article):
    article = make_article(
        body="<p>Fees &amp; charges</p><ul><li>one</li><li>t<em>wo</em></li></ul>"
    )

    assert Article.objects.get(pk=article.pk).body_text == "Fees & charges one two"

    article.body = "<p>Changed</p>"
    article.save(update_fields=["body"])
    assert Article.objects.get(pk=article.pk).body_text == "Changed"


def test_on_postgresql_the_gin_index_serves_the_search(live, channel):
    """With a newsroom's worth of live articles the planner reads the GIN index on the stored
    search document, which the trigger wrote for rows bulk-created without save()."""
    live(headline="Index check", slug="a")
    if connection.vendor != "postgresql":
        queryset = article_search(query="index check")
        assert "@@" not in str(queryset.query)  # the plain fallback: LIKE, nothing to index
        return
    published = Article.objects.get(slug="a").published_at
    Article.objects.bulk_create(
        Article(
            headline=f"Archive story {n}",
            slug=f"archive-{n}",
            standfirst="Payments, markets and regulation.",
            body_text=f"Archive body {n} about banks, cards and lending.",
            channel=channel,
            state="published",
            published_at=published,
        )
        for n in range(3000)
    )
    queryset = article_search(query="index check")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
        # Autovacuum's part: the index's fast-update list merged into the index proper.
        cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [SEARCH_INDEX_NAME])
    plan = queryset.explain()
    assert f"Bitmap Index Scan on {SEARCH_INDEX_NAME}" in plan, plan
    assert found("index check") == ["Index check"]


def test_the_search_document_follows_every_change_of_the_copy(live):
    """Saved through the model or changed by a bulk update(), an article is found by its new
    words and no longer by its old ones (on PostgreSQL the trigger rewrites the document)."""
    article = live(headline="Quarterly cardholder survey", slug="a")
    assert found("cardholder") == ["Quarterly cardholder survey"]

    article.headline = "Quarterly merchant survey"
    article.body = "<p>Acquirers report <em>chargeback</em> growth.</p>"
    article.save()
    assert found("cardholder") == []
    assert found("merchant chargeback") == ["Quarterly merchant survey"]

    Article.objects.filter(pk=article.pk).update(standfirst="Interchange fees under review.")
    assert found("interchange") == ["Quarterly merchant survey"]


def test_pages_never_load_the_search_document(client, live):
    """The stored document is for the database's search alone: the article page, listings and
    search results never carry its kilobytes to Python."""
    article = live(headline="Document weight check", slug="a")
    with CaptureQueriesContext(connection) as queries:
        for path in (article.get_absolute_url(), "/", "/search/?q=weight"):
            assert client.get(path).status_code == 200
    selects = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert selects
    for sql in selects:
        # As a selected column, not inside ts_rank() (which the database runs itself).
        assert not re.search(r'(SELECT|,) "\w+"\."search_document"', sql), sql


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plain fallback ranks nothing")
def test_a_very_common_word_ranks_only_the_newest_matches_and_says_so(client, live, monkeypatch):
    monkeypatch.setattr(search, "RANKED_MATCHES", 2)
    # Oldest first: the headline match is the oldest, so it falls outside the newest two.
    live(headline="Settlement everywhere", slug="a")
    live(headline="Second", slug="b", body="<p>About settlement.</p>")
    live(headline="Third", slug="c", standfirst="On settlement.")

    assert found("settlement") == ["Third", "Second"]  # standfirst (B) over body (C)
    html = unmarked(results_html(client, "settlement"))
    assert "At least 2 results for “settlement”" in html
    assert "the best matches among the newest 2 are shown" in html
    assert "Settlement everywhere" not in html

    monkeypatch.setattr(search, "RANKED_MATCHES", 5)
    html = unmarked(results_html(client, "settlement"))
    assert "3 results for “settlement”" in html
    assert "At least" not in html
