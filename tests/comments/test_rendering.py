"""A comment's body is plain text: paragraphs kept, links clickable with rel set, everything else
escaped, and hostile input renders fast and as text, on the page as in the stored HTML."""

import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from comments.models import Comment
from comments.rendering import MAX_LINKS, render_body
from comments.services import comment_post

DATA = Path(__file__).resolve().parents[1] / "data" / "xss"
PAYLOADS = [
    line
    for line in (DATA / "payloads-allthethings.txt").read_text(encoding="utf-8").splitlines()
    if line.strip()
]
ALLOWED_TAGS = {"p", "br", "a"}


class _Markup(HTMLParser):
    """The tags and attributes an HTML parser finds, and the text a reader would see."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text += data


def parse(html: str) -> _Markup:
    markup = _Markup()
    markup.feed(html)
    markup.close()
    return markup


def assert_only_safe_markup(html: str):
    for tag, attrs in parse(html).tags:
        assert tag in ALLOWED_TAGS, f"unexpected <{tag}> in {html[:120]!r}"
        if tag == "a":
            assert set(attrs) == {"href", "rel"}, attrs
            assert attrs["href"].startswith(("http://", "https://")), attrs["href"]
            assert attrs["rel"] == "nofollow ugc noopener"
        else:
            assert attrs == {}, attrs


def test_the_payload_list_and_its_licence_are_in_the_tests_data():
    assert len(PAYLOADS) > 1000
    assert "MIT" in (DATA / "LICENSE-PayloadsAllTheThings").read_text(encoding="utf-8")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_payload_renders_as_text_and_nothing_else(payload):
    html = render_body(payload)

    assert_only_safe_markup(html)
    # What a reader sees is what was typed (line breaks aside).
    assert parse(html).text.replace("\n", "") == payload.strip().replace("\n", "")


def test_the_whole_payload_list_as_one_body_renders_as_text():
    body = "\n".join(PAYLOADS)[:4000]

    assert_only_safe_markup(render_body(body))


@pytest.mark.parametrize(
    "body",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">click</a>',
        "javascript:alert(document.cookie)",
        '"><svg onload=alert(1)>',
        'https://example.com/"onmouseover=alert(1)//',
        "https://example.com/<script>alert(1)</script>",
        "www.example.com'onclick='alert(1)",
    ],
)
def test_classic_attacks_stay_text(body):
    html = render_body(body)

    assert_only_safe_markup(html)
    assert "<script" not in html and "<img" not in html and "<svg" not in html
    assert parse(html).text == body


def test_paragraphs_and_line_breaks_are_kept():
    html = render_body("First paragraph,\nsecond line.\r\n\r\nSecond paragraph.")

    assert html == "<p>First paragraph,<br>second line.</p>\n<p>Second paragraph.</p>"


def test_links_become_clickable_with_rel_set_and_trailing_punctuation_outside():
    html = render_body("See https://example.com/report?id=1&x=2. Or (www.example.org).")

    assert (
        '<a href="https://example.com/report?id=1&amp;x=2" rel="nofollow ugc noopener">'
        "https://example.com/report?id=1&amp;x=2</a>." in html
    )
    assert (
        '(<a href="https://www.example.org" rel="nofollow ugc noopener">www.example.org</a>).'
        in html
    )


def test_a_link_with_balanced_brackets_keeps_them():
    html = render_body("https://en.wikipedia.org/wiki/Settlement_(finance)")

    assert 'href="https://en.wikipedia.org/wiki/Settlement_(finance)"' in html


def test_only_web_links_are_made_and_only_so_many():
    body = " ".join(f"https://example.com/{n}" for n in range(MAX_LINKS + 5))
    body += " ftp://example.com mailto:a@example.com"

    html = render_body(body)

    assert html.count("<a ") == MAX_LINKS
    assert "ftp://example.com" in parse(html).text
    assert 'href="ftp' not in html and 'href="mailto' not in html


@pytest.mark.parametrize(
    "body",
    [
        "https://" + "a" * 2990,
        "www." * 750,
        ("https://x.com/(" * 200)[:3000],
        ("http://" + ")" * 400 + " ") * 7,
        "x" * 3000,
        ("<" * 1500 + "&" * 1500),
        ("https://a.b/" + "." * 480 + " ") * 6,
        "\n" * 3000,
        "a\n\n" * 1000,
    ],
)
def test_rendering_a_hostile_3000_character_body_stays_fast(body):
    start = time.perf_counter()
    for _ in range(10):
        render_body(body)
    elapsed = (time.perf_counter() - start) / 10

    assert elapsed < 0.05, f"{elapsed * 1000:.1f} ms for one render"


def test_the_html_is_made_once_at_save_not_per_request(live_article, reader):
    comment = Comment.objects.create(article=live_article, author=reader, body="https://a.example")

    stored = Comment.objects.values_list("body_html", flat=True).get(pk=comment.pk)

    assert stored == (
        '<p><a href="https://a.example" rel="nofollow ugc noopener">https://a.example</a></p>'
    )


SPECIAL_BODIES = {
    "a 4,000-character word": "W" * 4000,
    "right-to-left override": "\u202eevil.exe\u202c and \u2067isolated\u2069 \u200fmark",
    "emoji": "Rates 📉📈 🏦💷 👩🏽‍💻 🇬🇧 — fine ✅",
}


@pytest.mark.parametrize("name", SPECIAL_BODIES)
def test_special_bodies_show_as_text_on_the_page_inside_their_box(
    name, client, live_article, reader
):
    body = SPECIAL_BODIES[name]
    comment_post(article=live_article, author=reader, body=body)

    page = client.get(live_article.get_absolute_url()).content.decode()

    # In a box that wraps long words and isolates direction overrides (site.css).
    assert f'<div class="comment-body" dir="auto"><p>{body}</p></div>' in page
