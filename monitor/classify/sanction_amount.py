"""Which amount in a story is the sanction.

Owns: choosing, among the amounts `money.find_amounts` found, the one the
authority imposed: close to a sanction word ("fine of", "£7.5m penalty",
"amende de", "condamné à", "paiera"), in the headline or lead first, never a
conversion, a turnover, a statutory maximum ("up to 4%"), a daily penalty
payment or a refund; and the exact figure when the headline rounds it ("£7.5m"
vs "£7,552,800"). Also reads an amount whose currency is left implicit
("doit encore 5,2 millions à la CNIL"). Does not own: parsing amounts (see
`money.py`). Pure functions.
"""

from __future__ import annotations

import re

from monitor.classify.cues import Cue
from monitor.classify.money import Money, find_amounts

Spans = tuple[tuple[int, int], ...]
_LEAD = 2

_NOT_SANCTION_BEFORE = re.compile(
    r"\b(?:up\s+to|as\s+much\s+as|maximum|jusqu'a|revenues?|turnover|chiffre\s+d'affaires|sales"
    r"|profits?|benefices?|valued|valorisee?|worth|raised|levee|acquisition|rachat|bought|acquired"
    r"|market\s+value|capitalisation|invest(?:ed|ing|i|ie|is|it|issements?)|investments?\s+of|previous(?:ly)?|precedente?|earlier|last\s+year"
    r"|l'an\s+dernier|plafond|cap\s+of|budget|salaire|salary|bonus|dividends?|daily|astreinte"
    r"|rembourser|refund\w*|restitution|compensation|indemnis\w*|redress|took|taken|stole|stolen"
    r"|swindled|defrauded|scammed|extracted|obtained|generated|earned|losses|lost|damages?"
    r"|prejudice|detourne\w*|escroqu\w*|requis|requested|sought|reclam\w*|reduced\s+from"
    r"|down\s+from|cut\s+from|ramenee?\s+de|reduite?\s+de|au\s+lieu\s+de|instead\s+of"
    r"|initial|initially|initialement|original|originally|conditional|threat(?:ened)?\s+of|under\s+threat|sous\s+peine"
    r"|recover\w*|recuperer|recouvrer)\b[^.;]{0,25}$"
)
_NOT_SANCTION_AFTER = re.compile(
    r"^\s*(?:in\s+(?:annual\s+)?(?:revenue|sales|turnover|profit)|of\s+(?:annual\s+)?(?:turnover"
    r"|revenue)|de\s+chiffre\s+d'affaires|a\s+(?:year|day)|par\s+(?:an|jour)|per\s+(?:year|day)"
    r"|each\s+day|de\s+benefice|in\s+funding|from\s+(?:consumers|customers|investors|victims|clients"
    r"|users)|(?:aux|a\s+des|des)\s+(?:consommateurs|clients|investisseurs|victimes|epargnants))\b"
)
_SANCTION_BEFORE = re.compile(
    r"\b(?:fine[sd]?|penalty|penalties|amende|sanction\w*|settlement|pay|pays|paid|payer|verser"
    r"|verse|versera|paie|paye|paiera|hit\s+with|slapped\s+with|inflige\w*|ecope\w*"
    r"|d'un\s+montant\s+de|to\s+the\s+tune\s+of|a\s+hauteur\s+de|condamnee?s?\s+a|s'eleve\s+a"
    r"|totalling|total\s+of|imposed|imposes|impose|doit(?:\s+encore)?|owes?|redevable\s+de)\s*(?:of\s+|de\s+|d')?(?:a\s+|an\s+|une\s+|un\s+)?"
    r"(?:record\s+|total\s+|combined\s+|civil\s+)?[^\s\d]{0,3}$"
)
_SANCTION_AFTER = re.compile(
    r"^\s*(?:\(\S+\)\s*)?(?:record\s+|civil\s+|administrative\s+)?(?:fine|penalty|amende|sanction"
    r"|settlement|d'amende)"
)
# "5,2 millions" with no currency: the sum of a story whose currency goes without saying.
_BARE_AMOUNT = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:[,.]\d{1,3})?)\s?(millions?|milliards?|billion|bn|m)(?![\w€$£])"
    r"(?!\s+(?:de\s+|d'|of\s+)?(?!(?:à|a|au|aux|to|for|pour|contre|against|on|sur)\b)[^\W\d])"
)
# fmt: off
_HOME_CURRENCY = {
    "FR": "EUR", "EU": "EUR", "DE": "EUR", "IT": "EUR", "ES": "EUR", "NL": "EUR", "BE": "EUR",
    "IE": "EUR", "LU": "EUR", "AT": "EUR", "PT": "EUR", "GR": "EUR", "FI": "EUR", "HR": "EUR",
    "GB": "GBP", "US": "USD", "CH": "CHF", "SE": "SEK", "NO": "NOK", "DK": "DKK", "PL": "PLN",
}
# fmt: on


def _sentence_of(sentences: Spans, pos: int) -> int:
    for i, (s, e) in enumerate(sentences):
        if s <= pos < e or (i == 0 and pos <= e):
            return i
    return len(sentences)


# "The fine of EUR 60,000 was reduced to EUR 48,000": the sum that stands is the last one.
_REDUCED_TO = re.compile(
    r"\b(?:reduced|lowered|cut|decreased|revised|ramenee?s?|reduite?s?|abaissee?s?|revue?s?"
    r"\s+a\s+la\s+baisse)\s+(?:it\s+|down\s+)?(?:to|a)\s+(?:ca\.\s+|approx\.\s+)?[^\s\d]{0,3}$"
)
_LATER_REDUCED = re.compile(
    r"^[^.;]{0,30}\b(?:was|were|has\s+been|a\s+ete|est)\s+(?:later\s+)?(?:reduced|reduite?|ramenee?)\b"
)


def _score(
    low: str, sentences: Spans, span: tuple[int, int], cues: list[Cue]
) -> tuple[int, int, int] | None:
    """Rank a candidate amount; lower is better. None when it is not a sanction."""
    before = low[max(0, span[0] - 45) : span[0]]
    after = low[span[1] : span[1] + 40]
    if _REDUCED_TO.search(before):
        return (0, 0, 0)
    if _LATER_REDUCED.match(after):
        return None
    if _NOT_SANCTION_BEFORE.search(before) or _NOT_SANCTION_AFTER.match(after):
        return None
    strong = bool(_SANCTION_BEFORE.search(before) or _SANCTION_AFTER.match(after))
    idx = _sentence_of(sentences, span[0])
    sent = sentences[idx] if idx < len(sentences) else (0, len(low))
    near = [
        abs(c.span[0] - span[0])
        for c in cues
        if sent[0] <= c.span[0] < sent[1] and not c.hypothetical
    ]
    if not strong and not near:
        return None
    return (min(idx, _LEAD + 1), 0 if strong else 1, min(near, default=999))


def _is_conversion(text: str, m: Money) -> bool:
    before = text[max(0, m.span[0] - 12) : m.span[0]]
    return "(" in before or bool(re.search(r"(?i)\b(?:soit|equivalent|or|ou)\b", before))


def _most_precise(best: Money, amounts: list[Money]) -> Money:
    """A headline's "£7.5m" and the text's "£7,552,800" are one fine: keep the exact figure."""
    close = [best] + [
        m
        for m in amounts
        if m.currency == best.currency
        and not m.approximate
        and abs(m.value - best.value) <= 0.02 * best.value
    ]
    return max(close, key=lambda m: (len(f"{m.value:.0f}".rstrip("0")), -m.span[0]))


def pick_amount(
    text: str, low: str, sentences: Spans, amounts: list[Money], cues: list[Cue]
) -> Money | None:
    """Return the imposed amount among `amounts`, or None.

    Args:
        text: the story (headline, blank line, body).
        low: `text` accent-folded and lower-cased (same length).
        sentences: sentence spans; sentence 0 is the headline.
        amounts: what `find_amounts(text)` returned.
        cues: the sanction cues of `text`.
    """
    scored = []
    for m in amounts:
        if m.approximate and _is_conversion(text, m):
            continue
        score = _score(low, sentences, m.span, cues)
        if score is not None:
            scored.append((m.approximate, score, m.span, m))
    if not scored:
        return None
    best = min(scored, key=lambda s: s[:3])[3]
    return _most_precise(best, amounts)


def bare_amount(
    text: str,
    low: str,
    sentences: Spans,
    cues: list[Cue],
    country: str | None,
    amounts: list[Money] | None = None,
) -> Money | None:
    """Read "5,2 millions" with the currency of the story's other sums (`amounts`, found
    in `text` when not given), else the authority's."""
    currencies = [m.currency for m in (find_amounts(text) if amounts is None else amounts)]
    currency = currencies[0] if currencies else _HOME_CURRENCY.get(country or "")
    if currency is None:
        return None
    for m in _BARE_AMOUNT.finditer(text):
        if _score(low, sentences, m.span(), cues) is None:
            continue
        number = m.group(1)
        if "," in number and len(number.split(",")[1]) == 3:
            continue  # "1,200 million": leave thousands separators to find_amounts
        parsed = find_amounts(f"{currency} {number.replace(',', '.')}{_scale(m.group(2))}")
        if parsed:
            return Money(value=parsed[0].value, currency=currency, span=m.span(), approximate=True)
    return None


def _scale(word: str) -> str:
    return "bn" if word.lower().startswith(("milliard", "billion", "bn")) else "m"
