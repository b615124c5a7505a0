"""Reader search over live articles' headlines, standfirsts and bodies.

On PostgreSQL: full-text search (websearch syntax, English stemming) on each article's stored
search document (headline weighing most, then standfirst, then body; written by the trigger of
migration 0005, GIN-indexed). Ranking reads the newest RANKED_MATCHES matches only: a word in
every article would otherwise rank the whole archive on every request, and a newsroom's reader
wants the best of the recent coverage, not the best of ten years. Elsewhere (SQLite, in
development): every word must appear somewhere, newest first.

Highlights are made safe here, whatever the database: the text is escaped and only our own
<mark> tags are added. ts_headline returns its input unescaped, so PostgreSQL marks matches with
private-use characters and Python turns them into tags after escaping the rest.
"""

import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Article

# The longest query: the search form, both search boxes and the search itself read this one.
QUERY_MAX_LENGTH = 200
# The plain fallback ANDs one LIKE per word: a bound keeps the query small.
FALLBACK_MAX_TERMS = 10
SEARCH_CONFIG = "english"
SEARCH_INDEX_NAME = "article_search"
RANKED_MATCHES = 1000
EXCERPT_WORDS = 35

# Unicode private-use characters: never in a headline a reader sees, so safe as match markers.
MARK_START = "\ue000"
MARK_STOP = "\ue001"
_MARKERS = re.compile(f"([{MARK_START}{MARK_STOP}])")


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


def results_capped(count: int) -> bool:
    """Whether a result count is the ranking's cap rather than a true total."""
    return uses_full_text() and count >= RANKED_MATCHES


def search_terms(query: str) -> list[str]:
    """The words of a query for the plain fallback: quotes, operators and symbols dropped."""
    words = re.findall(r"\w+", query)
    return list(dict.fromkeys(word.casefold() for word in words))[:FALLBACK_MAX_TERMS]


def article_search(*, query: str) -> QuerySet[Article]:
    """Live articles matching `query`, best first, ready for a listing (channel, sponsor and
    authors fetched with the page)."""
    articles = Article.objects.for_listing()
    if uses_full_text():
        search_query = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
        newest_matches = (
            Article.objects.live()
            .filter(search_document=search_query)
            .order_by("-published_at", "-id")
            .values("pk")[:RANKED_MATCHES]
        )
        return (
            articles.filter(pk__in=newest_matches)
            .annotate(
                rank=SearchRank(F("search_document"), search_query),
                headline_marked=_marked("headline", search_query, highlight_all=True),
                standfirst_marked=_marked("standfirst", search_query, highlight_all=True),
                excerpt_marked=_marked(
                    "body_text",
                    search_query,
                    max_words=EXCERPT_WORDS,
                    min_words=15,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                ),
            )
            .order_by("-rank", "-published_at", "-id")
        )
    terms = search_terms(query)
    if not terms:
        return articles.none()
    for term in terms:
        articles = articles.filter(
            Q(headline__icontains=term)
            | Q(standfirst__icontains=term)
            | Q(body_text__icontains=term)
        )
    return articles


def _marked(field: str, search_query: SearchQuery, **options) -> SearchHeadline:
    return SearchHeadline(
        field,
        search_query,
        config=SEARCH_CONFIG,
        start_sel=MARK_START,
        stop_sel=MARK_STOP,
        **options,
    )


def search_highlight(*, articles: list[Article], query: str) -> list[Article]:
    """Give each article of a page `search_headline`, `search_standfirst` and
    `search_excerpt`: escaped HTML with the matches in <mark>."""
    terms = None if uses_full_text() else search_terms(query)
    for article in articles:
        if terms is None:
            article.search_headline = marked_to_html(article.headline_marked)
            article.search_standfirst = marked_to_html(article.standfirst_marked)
            article.search_excerpt = marked_to_html(article.excerpt_marked)
        else:
            article.search_headline = highlight(article.headline, terms=terms)
            article.search_standfirst = highlight(article.standfirst, terms=terms)
            article.search_excerpt = highlight(excerpt(article.body_text, terms=terms), terms=terms)
    return articles


def marked_to_html(text: str) -> SafeString:
    """ts_headline's output, markers turned into <mark>, everything else escaped. Built from
    the pieces, so stray or unbalanced markers can never produce broken or unsafe markup."""
    parts, inside = [], False
    for piece in _MARKERS.split(text or ""):
        if piece in (MARK_START, MARK_STOP):
            inside = piece == MARK_START
        elif piece:
            parts.append(f"<mark>{escape(piece)}</mark>" if inside else escape(piece))
    return mark_safe("".join(parts))


def highlight(text: str, *, terms: list[str]) -> SafeString:
    """`text` escaped, with each occurrence of a term (any case) in <mark>."""
    if not terms or not text:
        return escape(text or "")
    pattern = re.compile(
        "|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True)), re.IGNORECASE
    )
    parts, start = [], 0
    for match in pattern.finditer(text):
        parts.append(escape(text[start : match.start()]))
        parts.append(f"<mark>{escape(match.group())}</mark>")
        start = match.end()
    parts.append(escape(text[start:]))
    return mark_safe("".join(parts))


def excerpt(text: str, *, terms: list[str], words: int = EXCERPT_WORDS) -> str:
    """About `words` words of `text` around the first term it contains (its start if none)."""
    tokens = text.split()
    lowered = [token.casefold() for token in tokens]
    first = next((i for i, token in enumerate(lowered) if any(term in token for term in terms)), 0)
    start = max(0, min(first - words // 3, len(tokens) - words))
    chosen = " ".join(tokens[start : start + words])
    return ("… " if start else "") + chosen + (" …" if start + words < len(tokens) else "")


def admin_search(queryset: QuerySet[Article], term: str) -> QuerySet[Article]:
    """The article list's search box, over every article whatever its state: each word in the
    headline, the standfirst or the slug, or the words in the body. On PostgreSQL the body is
    read through the stored search document (GIN-indexed), never a LIKE over every body; on
    SQLite (development) through the body's plain text."""
    term = term.strip()[:QUERY_MAX_LENGTH]
    words = search_terms(term)
    if not words:
        return queryset
    in_fields = Q()
    for word in words:
        in_fields &= (
            Q(headline__icontains=word) | Q(standfirst__icontains=word) | Q(slug__icontains=word)
        )
    if uses_full_text():
        query = SearchQuery(term, search_type="websearch", config=SEARCH_CONFIG)
        in_body = Q(search_document=query)
    else:
        in_body = Q()
        for word in words:
            in_body &= Q(body_text__icontains=word)
    return queryset.filter(in_fields | in_body)
