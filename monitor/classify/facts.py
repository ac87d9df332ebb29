"""Small facts of an enforcement story: the law invoked and the date stated.

Owns: the table of laws named in English and French news (GDPR/RGPD, UK GDPR,
Data Protection Act 2018, DMA, DSA, CCPA, COPPA, loi Informatique et Libertés,
Competition Act, Article 102 TFEU...) with their canonical names, and parsing
full dates ("23 May 2022", "May 23, 2022", "le 1er juin 2023", "2022-05-23").
Does not own: the other fields (see `fields.py`). Pure functions.
"""

from __future__ import annotations

import datetime as dt
import re

# (pattern on accent-folded lower-case text, canonical name); the earliest mention wins.
_LAWS: tuple[tuple[str, str], ...] = (
    (
        r"uk\s+gdpr|u\.k\.\s+gdpr|rgpd\s+britannique|uk\s+general\s+data\s+protection\s+regulation",
        "UK GDPR",
    ),
    (
        r"gdpr|rgpd|dsgvo|general\s+data\s+protection\s+regulation"
        r"|reglement\s+general\s+(?:europeen\s+)?sur\s+la\s+protection\s+des\s+donnees"
        r"|(?:eu|european|europe's|bloc's)\s+(?:data\s+protection|privacy|data\s+privacy)\s+"
        r"(?:rules|law|laws|regulation)"
        r"|(?:regles|reglementation|legislation)\s+europeennes?\s+(?:de|sur\s+la)\s+protection\s+des\s+donnees",
        "GDPR",
    ),
    (r"data\s+protection\s+act\s+2018|dpa\s+2018", "Data Protection Act 2018"),
    (r"data\s+protection\s+act\s+1998", "Data Protection Act 1998"),
    (r"pecr|privacy\s+and\s+electronic\s+communications\s+regulations", "PECR"),
    (
        r"dma|digital\s+markets\s+act|(?:reglement|legislation|loi)\s+sur\s+les\s+marches\s+numeriques",
        "DMA",
    ),
    (
        r"dsa|digital\s+services\s+act|(?:reglement|legislation|loi)\s+sur\s+les\s+services\s+numeriques",
        "DSA",
    ),
    (
        r"ai\s+act|artificial\s+intelligence\s+act|reglement\s+(?:europeen\s+)?sur\s+l'(?:ia|intelligence"
        r"\s+artificielle)",
        "AI Act",
    ),
    (r"ccpa|california\s+consumer\s+privacy\s+act", "CCPA"),
    (r"cpra|california\s+privacy\s+rights\s+act", "CPRA"),
    (r"coppa|children's\s+online\s+privacy\s+protection\s+act", "COPPA"),
    (r"hipaa|health\s+insurance\s+portability\s+and\s+accountability\s+act", "HIPAA"),
    (r"bipa|biometric\s+information\s+privacy\s+act", "BIPA"),
    (r"fcra|fair\s+credit\s+reporting\s+act", "FCRA"),
    (r"tcpa|telephone\s+consumer\s+protection\s+act", "TCPA"),
    (r"ftc\s+act|federal\s+trade\s+commission\s+act", "FTC Act"),
    (r"sherman\s+act", "Sherman Act"),
    (r"clayton\s+act", "Clayton Act"),
    (r"fcpa|foreign\s+corrupt\s+practices\s+act", "FCPA"),
    (r"bank\s+secrecy\s+act", "Bank Secrecy Act"),
    (r"securities\s+exchange\s+act", "Securities Exchange Act"),
    (r"loi\s+(?:dite\s+)?[\"«]?\s*informatique\s+et\s+libertes", "loi Informatique et Libertés"),
    (r"code\s+de\s+la\s+consommation", "Code de la consommation"),
    (r"code\s+monetaire\s+et\s+financier", "Code monétaire et financier"),
    (r"loi\s+sapin\s+(?:ii|2)", "loi Sapin II"),
    (r"competition\s+act(?:\s+1998)?", "Competition Act"),
    (r"enterprise\s+act(?:\s+2002)?", "Enterprise Act 2002"),
    (r"online\s+safety\s+act", "Online Safety Act"),
    (r"gambling\s+act(?:\s+2005)?", "Gambling Act 2005"),
    (r"financial\s+services\s+and\s+markets\s+act|fsma\s+2000", "FSMA"),
    (r"consumer\s+protection\s+from\s+unfair\s+trading\s+regulations", "CPRs"),
    (r"market\s+abuse\s+regulation|reglement\s+(?:sur\s+les\s+)?abus\s+de\s+marche", "MAR"),
    (r"mifid\s*(?:ii|2)?", "MiFID II"),
    (r"eprivacy|e-privacy", "ePrivacy Directive"),
    (
        r"article\s+102\s+(?:du\s+)?(?:tfeu|tfue|of\s+the\s+(?:tfeu|treaty))|art\.\s*102\s+tf[eu]{2}",
        "Article 102 TFEU",
    ),
    (
        r"article\s+101\s+(?:du\s+)?(?:tfeu|tfue|of\s+the\s+(?:tfeu|treaty))|art\.\s*101\s+tf[eu]{2}",
        "Article 101 TFEU",
    ),
)
# One word-start check for all the laws, not one per law: the engine then tries the
# alternatives only where a word begins with a letter (4x faster on long articles).
_LAW_RE = re.compile(
    r"(?<![\w])(?=[a-z])(?:"
    + "|".join(f"(?P<l{i}>{p})" for i, (p, _) in enumerate(_LAWS))
    + r")(?![\w])"
)

# fmt: off
_MONTHS = {
    "january": 1, "jan": 1, "janvier": 1, "february": 2, "feb": 2, "fevrier": 2, "février": 2,
    "march": 3, "mar": 3, "mars": 3, "april": 4, "apr": 4, "avril": 4, "may": 5, "mai": 5,
    "june": 6, "jun": 6, "juin": 6, "july": 7, "jul": 7, "juillet": 7, "august": 8, "aug": 8,
    "aout": 8, "août": 8, "september": 9, "sept": 9, "sep": 9, "septembre": 9, "october": 10,
    "oct": 10, "octobre": 10, "november": 11, "nov": 11, "novembre": 11, "december": 12,
    "dec": 12, "decembre": 12, "décembre": 12,
}
# fmt: on
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
# One word-start check before the alternatives, as for the laws (same matches, faster).
_DATE_RE = re.compile(
    r"(?i)(?<!\w)(?=[0-9a-z])(?:"
    rf"\b(?P<d1>1er|\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m1>{_MONTH})\.?,?\s+(?P<y1>(?:19|20)\d\d)\b"
    rf"|\b(?P<m2>{_MONTH})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>(?:19|20)\d\d)\b"
    r"|\b(?P<y3>(?:19|20)\d\d)-(?P<m3>\d\d)-(?P<d3>\d\d)\b)"
)


def find_law(low: str, lead_end: int) -> str | None:
    """Return the canonical law named first in the lead, else first in the text.

    Args:
        low: accent-folded lower-case text (see `textfold.fold_lower`).
        lead_end: offset where the lead ends.
    """
    hits = [(m.start(), m.lastgroup) for m in _LAW_RE.finditer(low)]
    if not hits:
        return None
    lead = [h for h in hits if h[0] < lead_end] or hits
    group = lead[0][1] or "l0"
    return _LAWS[int(group[1:])][1]


def _date(m: re.Match[str]) -> str | None:
    day = m.group("d1") or m.group("d2") or m.group("d3")
    month = m.group("m1") or m.group("m2") or m.group("m3")
    year = m.group("y1") or m.group("y2") or m.group("y3")
    try:
        mon = int(month) if month.isdigit() else _MONTHS[month.lower()]
        return dt.date(int(year), mon, 1 if day == "1er" else int(day)).isoformat()
    except (KeyError, ValueError):
        return None


def find_date(text: str, lead_end: int) -> str | None:
    """Return the first full date (YYYY-MM-DD) stated in the lead, else in the text."""
    dates = [(m.start(), d) for m in _DATE_RE.finditer(text) if (d := _date(m))]
    if not dates:
        return None
    lead = [d for d in dates if d[0] < lead_end] or dates
    return lead[0][1]
