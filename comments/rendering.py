"""A comment's plain text as HTML: everything escaped, paragraphs kept, web links made clickable.

Rendered once when the comment is saved, never per request. The work is linear in the text and
bounded: one pass of a regex with no nested repetition, and at most MAX_LINKS links (Django's
`urlize` has had denial-of-service bugs, so it is not used here).
"""

import re

from django.utils.html import escape

MAX_LINKS = 20
# Longer runs are left as text: no real link is this long, and the cap bounds the work.
MAX_URL_LENGTH = 500
LINK_REL = "nofollow ugc noopener"

_URL = re.compile(
    r"\b(?:https?://|www\.)[^\s<>\"'`\x00-\x1f\x7f]{1,%s}" % MAX_URL_LENGTH,  # noqa: UP031
    re.IGNORECASE,
)
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# Punctuation that ends a sentence rather than a link ("see https://example.com.").
_TRAILING = ".,;:!?*'\""


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _split_trailing(url: str) -> tuple[str, str]:
    """Trailing punctuation, and closing brackets with no opening one, stay outside the link."""
    end = len(url)
    while end:
        char = url[end - 1]
        opening = {")": "(", "]": "["}.get(char)
        unbalanced = opening is not None and url.count(opening, 0, end) < url.count(char, 0, end)
        if char not in _TRAILING and not unbalanced:
            break
        end -= 1
    return url[:end], url[end:]


def _link(url: str) -> str:
    href = url if url.lower().startswith(("http://", "https://")) else f"https://{url}"
    return f'<a href="{escape(href)}" rel="{LINK_REL}">{escape(url)}</a>'


def _linkify(text: str, budget: list[int]) -> str:
    out = []
    position = 0
    for match in _URL.finditer(text):
        if budget[0] <= 0:
            break
        url, trailing = _split_trailing(match.group(0))
        if url.lower() in ("http://", "https://", "www.") or not url:
            continue
        budget[0] -= 1
        out.append(escape(text[position : match.start()]))
        out.append(_link(url))
        out.append(escape(trailing))
        position = match.end()
    out.append(escape(text[position:]))
    return "".join(out)


def render_body(text: str) -> str:
    """Plain text to safe HTML: <p> per paragraph, <br> per line break, links with rel set."""
    text = normalise_newlines(text).strip()
    if not text:
        return ""
    budget = [MAX_LINKS]
    paragraphs = []
    for block in _PARAGRAPH_BREAK.split(text):
        lines = [_linkify(line, budget) for line in block.strip("\n").split("\n")]
        paragraphs.append("<p>" + "<br>".join(lines) + "</p>")
    return "\n".join(paragraphs)
