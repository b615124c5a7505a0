"""Article bodies are cleaned on every save: hostile markup never reaches the page, the
newsroom's own markup does, and dirty pasted text stays text."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from articles.models import Article

PAYLOADS_FILE = Path(__file__).resolve().parents[1] / "data" / "xss" / "payloads-allthethings.txt"

# Tags that run or load something, or restyle the page: none may come out of a body.
DANGEROUS_TAGS = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "style", "link",
    "meta", "base", "svg", "math", "img", "video", "audio", "source", "form", "input",
    "button", "textarea", "select", "template", "noscript", "xml", "xss", "marquee", "isindex",
}  # fmt: skip
# The layout's own <head> links a stylesheet and sets meta tags, and its header holds the
# search form (a GET form: input and button); a body may do none of these (checked alone).
LAYOUT_TAGS = {"link", "meta", "form", "input", "button"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "background"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
# Some readers drop these from a URL before reading its scheme ("jav\tascript:").
URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")

# Text never holds a raw "<" (it is escaped), so these find only real tags.
TAG = re.compile(r"<[a-z][^>]*>", re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<\s*script", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""\b(?:href|src)\s*=\s*["']?[\x00-\x20]*javascript:""", re.I)
# The layout's own structured data: a JSON-LD data block (never run) whose text holds no "<"
# (articles/templatetags/discovery.py escapes it); a body may not have one (checked alone).
LAYOUT_JSON_LD = re.compile(r'<script type="application/ld\+json">[^<]*</script>')


class _Markup(HTMLParser):
    """Reads HTML the way a browser tokenises it (entities in attributes decoded) and notes
    anything that could run script or restyle the page."""

    def __init__(self, allowed_tags=frozenset()):
        super().__init__(convert_charrefs=True)
        self.dangerous_tags = DANGEROUS_TAGS - allowed_tags
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def _check(self, tag, attrs):
        if tag in self.dangerous_tags:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name == "style":
                self.problems.append(f"<{tag} style=…>")
            if name in URL_ATTRIBUTES and value:
                url = URL_NOISE.sub("", value).lower()
                if url.startswith(BAD_SCHEMES):
                    self.problems.append(f"<{tag} {name}={value[:40]!r}>")


def problems_in(html: str, *, whole_page: bool = False) -> list[str]:
    """What in `html` could run script or restyle the page (a body, or the whole page)."""
    if whole_page:
        html = LAYOUT_JSON_LD.sub("", html, count=1)
    parser = _Markup(allowed_tags=LAYOUT_TAGS if whole_page else frozenset())
    parser.feed(html)
    parser.close()
    problems = parser.problems
    if SCRIPT_TAG.search(html):
        problems.append("'<script' in the markup")
    for tag in TAG.findall(html):
        if EVENT_HANDLER.search(tag):
            problems.append(f"an on…= attribute inside {tag[:60]}")
        if JAVASCRIPT_URL.search(tag):
            problems.append(f"javascript: in an href or src inside {tag[:60]}")
    return problems


def stored_body(article) -> str:
    return Article.objects.values_list("body", flat=True).get(pk=article.pk)


def rendered_body(client, article) -> str:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    start = content.index('<div class="article-body">') + len('<div class="article-body">')
    end = content.index("</div>\n", start)
    return content[start:end]


def save_body(article, body):
    article.body = body
    article.save(update_fields=["body"])
    return stored_body(article)


def test_the_page_renders_the_stored_body_as_it_is(client, live_article):
    body = save_body(live_article, "<p>Plain <strong>bold</strong> and <em>italic</em>.</p>")

    assert rendered_body(client, live_article) == body


# Hostile markup, one kind at a time.

HOSTILE = {
    "script tag": ("<p>Before</p><script>alert(1)</script><p>After</p>", "alert(1)"),
    "onerror attribute": ('<p>Text<img src="x" onerror="alert(1)"></p>', "onerror"),
    "onclick on an allowed tag": ('<p onclick="alert(1)">Click</p>', "onclick"),
    "javascript link": ('<p><a href="javascript:alert(1)">Link</a></p>', "javascript:"),
    "obfuscated javascript link": (
        '<p><a href="jav&#x09;ascript:alert(1)">Link</a></p>',
        "ascript:",
    ),
    "javascript link hidden by control characters": (
        "<p><a href=java&#1&#2&#11&#12script:javascript:alert(1)>Link</a></p>",
        "href",
    ),
    "iframe": ('<p>Video:</p><iframe src="https://evil.example/"></iframe>', "iframe"),
    "style attribute": ('<p style="position:fixed;top:0">Overlay</p>', "style="),
    "style tag": ("<style>body{display:none}</style><p>Text</p>", "display:none"),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_markup_is_stripped_from_the_stored_body_and_the_page(client, live_article, kind):
    body, telltale = HOSTILE[kind]

    stored = save_body(live_article, body)
    shown = rendered_body(client, live_article)

    assert telltale not in stored
    assert problems_in(stored) == []
    assert shown == stored
    page = client.get(live_article.get_absolute_url()).content.decode()
    assert problems_in(page, whole_page=True) == []


def test_text_around_hostile_markup_is_kept(live_article):
    stored = save_body(live_article, "<p>Before</p><script>alert(1)</script><p>After</p>")

    assert stored == "<p>Before</p><p>After</p>"


def test_a_stray_bracket_from_pasted_copy_stays_as_text(client, live_article):
    stored = save_body(live_article, "<p>]As part of the EU AI Start-Up Initiative, more.</p>")

    assert stored == "<p>]As part of the EU AI Start-Up Initiative, more.</p>"
    assert "<p>]As part of the EU AI Start-Up Initiative, more.</p>" in (
        client.get(live_article.get_absolute_url()).content.decode()
    )


def test_a_stray_bracket_outside_any_paragraph_stays_as_text(live_article):
    assert save_body(live_article, "]As part of the plan") == "]As part of the plan"


def test_the_newsrooms_own_markup_survives(client, live_article):
    body = (
        "<h2>What happened</h2>"
        "<p>The <strong>exchange</strong> said it was <em>confident</em>.</p>"
        "<ul><li>First point</li><li>Second point</li></ul>"
        "<blockquote><p>A quotation.</p></blockquote>"
        '<p><a href="https://www.example.com/report">the report</a></p>'
    )

    stored = save_body(live_article, body)
    page = client.get(live_article.get_absolute_url()).content.decode()

    for markup in [
        "<h2>What happened</h2>",
        "<strong>exchange</strong>",
        "<em>confident</em>",
        "<ul><li>First point</li><li>Second point</li></ul>",
        "<blockquote><p>A quotation.</p></blockquote>",
        '<a href="https://www.example.com/report"',
        ">the report</a>",
    ]:
        assert markup in stored
        assert markup in page


def test_links_open_without_handing_the_page_to_the_target(live_article):
    stored = save_body(live_article, '<p><a href="https://www.example.com/">x</a></p>')

    assert 'rel="noopener noreferrer"' in stored


# Every payload of the project's XSS corpus, through the model's save.


def xss_payloads() -> list[str]:
    # Split on "\n" only: one payload holds a form feed, which splitlines() would break on.
    return PAYLOADS_FILE.read_text(encoding="utf-8").split("\n")[:-1]


def test_the_xss_corpus_is_the_full_copy():
    payloads = xss_payloads()

    assert len(payloads) == 1732
    assert (PAYLOADS_FILE.parent / "LICENSE-PayloadsAllTheThings").exists()


def test_no_payload_of_the_xss_corpus_reaches_the_article_page_as_live_markup(client, live_article):
    """Every payload is saved as the body and its stored body checked. The page shows the
    stored body as it is, so the page is rendered (and checked whole) for every distinct body
    that kept any markup, and for one payload in 25 besides: rendering all would take long."""
    failures = {}
    rendered = set()
    for number, payload in enumerate(xss_payloads()):
        stored = save_body(live_article, payload)
        problems = problems_in(stored)
        if ("<" in stored and stored not in rendered) or number % 25 == 0:
            rendered.add(stored)
            page = client.get(live_article.get_absolute_url()).content.decode()
            if f'<div class="article-body">{stored}</div>' not in page:
                problems.append("the page does not show the stored body as it is")
            problems += problems_in(page, whole_page=True)
        if problems:
            failures[payload] = problems

    assert failures == {}
    assert len(rendered) > 150


def test_page_around_a_hostile_body_is_intact(client, live_article):
    """A payload that tries to close the body's container does not break out of it."""
    save_body(live_article, '</div></article><script>alert(1)</script><div class="x">')

    page = client.get(live_article.get_absolute_url()).content.decode()

    assert problems_in(page, whole_page=True) == []
    assert page.count('<div class="article-body">') == 1
    assert "</article>" in page.split('<div class="article-body">', 1)[1]
