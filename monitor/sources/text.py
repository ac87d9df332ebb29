"""Plain-text helpers for untrusted markup: HTML fragments to text, whitespace.

Owns: converting small HTML fragments (feed summaries) to readable text.
Does not own: main-content extraction from pages (see `extract.py`).
"""

from __future__ import annotations

import re

import lxml.html
from lxml.etree import ParserError

_WS = re.compile(r"[ \t\r\f\v\u00a0\u202f]+")
_BLANKS = re.compile(r"\n{3,}")
_INVISIBLE = ("script", "style", "noscript", "template", "iframe", "object", "svg", "head")


def html_to_text(fragment: str) -> str:
    """Text content of an HTML fragment, whitespace collapsed; never raises."""
    if "<" not in fragment and "&" not in fragment:
        return normalise_space(fragment)
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (ParserError, ValueError):
        return normalise_space(re.sub(r"<[^>]*>", " ", fragment))
    for el in list(root.iter(*_INVISIBLE)):  # their text is code or styling, never prose
        el.drop_tree()
    for br in root.iter("br", "p", "div", "li"):
        br.tail = "\n" + (br.tail or "")
    return normalise_space(root.text_content())


def normalise_space(text: str) -> str:
    """Collapse runs of spaces (incl. no-break spaces) and of blank lines."""
    lines = [_WS.sub(" ", line).strip() for line in text.splitlines()]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()
