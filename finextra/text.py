"""Text as people paste it: what XML cannot carry, and the invisible characters a headline or a
name must not hold.

XML 1.0 allows tab, newline and carriage return among the C0 controls, and no U+FFFE, U+FFFF or
lone surrogate; one such character in a feed or a sitemap makes the whole document malformed
(Django's feeds refuse to write it at all, with a 500). Word's line break inside a paragraph
(Shift+Enter) is a vertical tab, U+000B, which arrives with pasted headlines.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_PAGE_BREAKS = re.compile("[\x0b\x0c]")
# Line and page breaks, as a single-line field reads them: one space each.
_LINE_BREAKS = re.compile("\r\n|[\t\n\r\x0b\x0c\x85\u2028\u2029]")
# In multi-line text Word's line break is a line break.
_WORD_BREAKS = re.compile("[\x0b\x0c\u2028\u2029]")


def xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 cannot carry; Word's line break (and a page
    break) reads as the space it was meant as, so words do not run together."""
    if not text:
        return text
    return _XML_ILLEGAL.sub("", _PAGE_BREAKS.sub(" ", text))


def single_line(text: str) -> str:
    """Line breaks (Word's vertical tab among them) read as the spaces an editor meant."""
    return _LINE_BREAKS.sub(" ", text) if text else text


def multi_line(text: str) -> str:
    return _WORD_BREAKS.sub("\n", text) if text else text


def _is_forbidden(char: str, *, allowed: str) -> bool:
    if char in allowed:
        return False
    # Cc: the C0 and C1 controls and DEL; Cs: lone surrogates; U+FFFE and U+FFFF: not
    # characters at all. None of them shows as anything a reader could read.
    return unicodedata.category(char) in ("Cc", "Cs") or char in "\ufffe\uffff"


@deconstructible
class NoControlCharacters:
    """Refuses invisible control characters, naming them, so the editor can find them."""

    def __init__(self, allowed: str = ""):
        self.allowed = allowed

    def __call__(self, value):
        found = sorted({char for char in str(value) if _is_forbidden(char, allowed=self.allowed)})
        if found:
            raise ValidationError(
                "This contains an invisible control character (%(characters)s), usually pasted "
                "from another program. Delete it and type that part again.",
                code="control_characters",
                params={"characters": ", ".join(f"U+{ord(char):04X}" for char in found)},
            )

    def __eq__(self, other):
        return isinstance(other, NoControlCharacters) and other.allowed == self.allowed
