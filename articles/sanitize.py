"""Body HTML is cleaned on every save with an allow-list, whatever the client sent."""

import re
from html.parser import HTMLParser

import nh3

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "ul", "ol", "li", "blockquote", "a", "code", "pre", "hr",
    "table", "thead", "tbody", "tr", "th", "td", "caption", "figure", "figcaption",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}
URL_ATTRIBUTES = {"href"}

# Control characters and whitespace hide a scheme from a URL parser ("java&#1;script:" is a
# relative URL to nh3) but some readers drop them; read the scheme with them removed.
_URL_NOISE = re.compile(r"[\x00-\x20\x7f-\xa0\s]+")
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):", re.IGNORECASE)


def _url_filter(tag: str, attribute: str, value: str) -> str | None:
    """Drop a URL attribute whose scheme, read without hidden characters, is not allowed, and
    an empty title (the editor's link dialog sends one when left blank)."""
    if attribute == "title" and not value.strip():
        return None
    if attribute in URL_ATTRIBUTES:
        scheme = _SCHEME.match(_URL_NOISE.sub("", value))
        if scheme and scheme.group(1).lower() not in URL_SCHEMES:
            return None
    return value


def clean_body(html: str, *, sponsored: bool = False) -> str:
    """Allow-listed tags and attributes only; links keep http(s) and mailto, nothing else.
    Stray text such as a pasted "]" stays text. Links in paid content say so to search
    engines (rel="sponsored")."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_url_filter,
        url_schemes=URL_SCHEMES,
        link_rel="sponsored noopener noreferrer" if sponsored else "noopener noreferrer",
        strip_comments=True,
    ).strip()


_INLINE_TAGS = {"a", "b", "strong", "em", "i", "u", "s", "sub", "sup", "code"}


class _TextCollector(HTMLParser):
    """The text of cleaned body HTML, a space at every block tag so "<p>a</p><p>b</p>" stays
    two words while "<em>fin</em>tech" stays one (entities decoded: "&amp;" is "&")."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in _INLINE_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag not in _INLINE_TAGS:
            self.parts.append(" ")

    def handle_data(self, data):
        self.parts.append(data)


def body_plain_text(html: str) -> str:
    """What search reads of a body: its words, without markup, whitespace collapsed."""
    collector = _TextCollector()
    collector.feed(html or "")
    collector.close()
    return " ".join("".join(collector.parts).split())
