"""Scraper noise that extractors let through, removed line by line (EN and FR).

Owns: the patterns for boilerplate lines ("Source link", "Read more: ...",
"Previous article ...", share widgets, cookie banners, photo credits and
captions, newsletter boxes) and `strip_noise`, a pure function. Does not own:
main-content detection (trafilatura does that).
"""

from __future__ import annotations

import re

_LINE_PATTERNS = [
    # links out and navigation between articles
    r"source\s*(link|:)?",
    r"lien source",
    r"source\s*:\s*\S+",
    r"(read|see) (more|also)\b.*",
    r"related( articles?| stories)?\s*:.*",
    r"more on this\b.*",
    r"lire (aussi|également|la suite)\b.*",
    r"à lire (aussi|également)\b.*",
    r"voir aussi\b.*",
    r"(previous|next) (article|post|story)\b.*",
    r"article (précédent|suivant)\b.*",
    r"(continue|keep) reading\b.*",
    r"click here\b.*",
    r"cliquez ici\b.*",
    # share widgets
    r"(share|partager|tweet|email)( (this|on|sur|par|cet article)\b.*)?",
    r"(share|partager) (on|sur) (x|twitter|facebook|linkedin|whatsapp)\b.*",
    r"(facebook|twitter|linkedin|whatsapp|x|email|e-mail|copy link|copier le lien)"
    r"( ?[|·•/] ?(facebook|twitter|linkedin|whatsapp|x|email|e-mail|copy link|copier le lien))+",
    # images and credits
    r"(photo|image|illustration|crédit|credit|picture|photograph)\s*(:|©|credit\b).*",
    r"©.*",
    r"\(?(photo|image)\s*(by|de|par)\b.*",
    # cookie banners and newsletters
    # a banner sentence is short; an article paragraph *about* cookie banners is kept
    r"(?=.{0,300}$).*\b(we use cookies|nous utilisons des cookies)\b.*",
    r"(accept all( cookies)?|tout accepter|reject all|tout refuser|manage cookies)",
    r".*\b(sign up|subscribe) (to|for) (our|the) newsletter\b.*",
    r".*\b(inscrivez-vous|abonnez-vous) à (notre|la) newsletter\b.*",
    r"advertisement|publicité|sponsored|sponsorisé",
    # bylines and ad-hoc furniture
    r"(follow|suivez)[- ](us|nous)\b.*",
    r"[^.!?|]{2,60}\|",  # a byline left over from "Author | date" furniture
]
NOISE_LINE = re.compile(r"^\s*(?:" + "|".join(_LINE_PATTERNS) + r")\s*$", re.IGNORECASE)
_SHORT_CAPTION = re.compile(r"^.{0,200}\((photo|image|credit|crédit)[^)]*\)\s*$", re.IGNORECASE)


def strip_noise(
    text: str, *, title: str | None = None, captions: frozenset[str] = frozenset()
) -> str:
    """Drop boilerplate lines from extracted text; keep every other line as is.

    Args:
        text: extracted article text, one paragraph per line.
        title: the headline; a first line repeating it is dropped.
        captions: figure captions found in the page; lines equal to one are dropped.
    """
    kept: list[str] = []
    folded_captions = {_fold(c) for c in captions if c.strip()}
    for i, line in enumerate(text.splitlines()):
        stripped = line.strip()
        if not stripped:
            continue
        if i == 0 and title and _fold(stripped) == _fold(title):
            continue
        if NOISE_LINE.match(stripped) or _SHORT_CAPTION.match(stripped):
            continue
        if _fold(stripped) in folded_captions:
            continue
        kept.append(stripped)
    return "\n".join(kept)


def _fold(s: str) -> str:
    return " ".join(s.lower().split())


# Separators between a headline and the site name in <title>/og:title ("X | CBC News").
_TITLE_SEP = re.compile(r"\s+(?:\||·|•|\*|::|–|—|-)\s+")
_DOMAINISH = re.compile(
    r"^[\w.-]+\.(?:com|net|org|ca|fr|co\.uk|uk|be|ch|eu|io|info|news)$", re.IGNORECASE
)
_BYLINE = re.compile(r"^(?:by|par)\s+\S.{0,60}$", re.IGNORECASE)


def strip_site_suffix(title: str, sitename: str | None = None) -> str:
    """Drop trailing site furniture from a page title: "Headline | TechCrunch" -> "Headline".

    A trailing segment goes when it names the site (`sitename`, or a domain-like
    word), or is a byline ("by Jane Doe"); after " | " or " * " (not used inside
    headlines) any last segment of at most four words goes too. At least three
    words of headline always remain, so "Epstein ... - then ..." keeps its dash.
    """
    site = _fold(sitename or "")
    out = title.strip()
    while True:
        seps = list(_TITLE_SEP.finditer(out))
        if not seps:
            return out
        cut = seps[-1]
        head, last, sep = out[: cut.start()], out[cut.end() :].strip(), cut.group().strip()
        folded = _fold(last)
        furniture = (
            (bool(site) and bool(folded) and (folded in site or site in folded))
            or _DOMAINISH.match(last) is not None
            or _BYLINE.match(last) is not None
            or (sep in ("|", "*") and len(last.split()) <= 4)
        )
        if len(head.split()) < 3 or not furniture:
            return out
        out = head.rstrip()
