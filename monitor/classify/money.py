"""Money amounts in English and French news text.

Owns: finding amounts such as "£7.5m", "$1.2 billion", "US$10m", "20 M€",
"1,2 milliard d'euros", "150 000 euros" or "CHF 3m" and turning them into
`Money` (value in units, ISO 4217 currency, span, approximate flag). An amount
is `approximate` when it reads as a conversion or an estimate: in parentheses
right after another amount, or after "about", "soit", "environ", "près de",
"equivalent to"... Does not own: deciding which amount is the sanction (see
`fields.py`). Pure functions; never raises on odd input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPACES = "\u00a0\u202f\u2009\u2007"


@dataclass(frozen=True, slots=True, kw_only=True)
class Money:
    """One amount found in a text; `value` is in units (7500000.0, not 7.5)."""

    value: float
    currency: str
    span: tuple[int, int]
    approximate: bool = False


# fmt: off
# Currency written before the number. Longest first so that "US$" beats "$".
_PREFIX: dict[str, str] = {
    "us$": "USD", "u.s.$": "USD", "a$": "AUD", "au$": "AUD", "c$": "CAD", "ca$": "CAD",
    "nz$": "NZD", "hk$": "HKD", "s$": "SGD", "r$": "BRL", "mx$": "MXN", "$": "USD",
    "£": "GBP", "€": "EUR", "¥": "JPY", "₹": "INR", "₩": "KRW", "₺": "TRY", "rs.": "INR",
    "rs": "INR", "chf": "CHF",
}
_CODES = (
    "EUR", "GBP", "USD", "CHF", "SEK", "NOK", "DKK", "PLN", "JPY", "CNY", "RMB", "INR", "AUD",
    "CAD", "KRW", "BRL", "TRY", "NZD", "HKD", "SGD", "CZK", "HUF", "RON", "BGN", "MXN", "ZAR",
    "RUB",
)

# Currency written after the number (and scale), lower-cased, longest first.
_SUFFIX: dict[str, str] = {
    "€": "EUR", "euros": "EUR", "euro": "EUR", "eur": "EUR",
    "livres sterling": "GBP", "livre sterling": "GBP", "livres": "GBP", "livre": "GBP",
    "pounds sterling": "GBP", "pounds": "GBP", "pound": "GBP", "sterling": "GBP", "£": "GBP",
    "us dollars": "USD", "u.s. dollars": "USD", "dollars américains": "USD",
    "dollars us": "USD", "australian dollars": "AUD", "dollars australiens": "AUD",
    "canadian dollars": "CAD", "dollars canadiens": "CAD", "dollars": "USD", "dollar": "USD",
    "$": "USD", "swiss francs": "CHF", "francs suisses": "CHF", "francs": "CHF",
    "swedish kronor": "SEK", "swedish crowns": "SEK", "couronnes suédoises": "SEK",
    "kronor": "SEK", "danish kroner": "DKK", "couronnes danoises": "DKK",
    "norwegian kroner": "NOK", "couronnes norvégiennes": "NOK", "kroner": "DKK",
    "couronnes": "DKK", "crowns": "DKK", "czech crowns": "CZK", "couronnes tchèques": "CZK",
    "krone": "DKK", "kr.": "DKK", "kr": "DKK", "złotych": "PLN", "zlotych": "PLN",
    "zlotys": "PLN", "zloty": "PLN", "złoty": "PLN", "zł": "PLN", "yen": "JPY",
    "yens": "JPY", "yuan": "CNY", "yuans": "CNY", "renminbi": "CNY", "rupees": "INR",
    "roupies": "INR", "won": "KRW", "wons": "KRW", "reais": "BRL", "réais": "BRL",
    "turkish lira": "TRY", "livres turques": "TRY", "lira": "TRY", "liras": "TRY",
    "forints": "HUF", "forint": "HUF", "lei": "RON", "korun": "CZK", "kč": "CZK",
    "roubles": "RUB", "rubles": "RUB",
}
for _code in _CODES:
    _SUFFIX[_code.lower()] = "CNY" if _code == "RMB" else _code

_SCALE: dict[str, float] = {
    "thousand": 1e3, "k": 1e3, "mille": 1e3, "million": 1e6, "millions": 1e6, "mn": 1e6,
    "mln": 1e6, "mio": 1e6, "mio.": 1e6, "m": 1e6, "billion": 1e9, "billions": 1e9,
    "milliard": 1e9, "milliards": 1e9, "bn": 1e9, "b": 1e9, "md": 1e9, "mds": 1e9,
    "mrd": 1e9, "mrd.": 1e9, "mld": 1e9, "trillion": 1e12, "tn": 1e12, "crore": 1e7,
    "crores": 1e7, "lakh": 1e5, "lakhs": 1e5,
}
_WORD_NUMBERS: dict[str, float] = {
    "a": 1, "an": 1, "one": 1, "un": 1, "une": 1, "two": 2, "deux": 2, "three": 3,
    "trois": 3, "four": 4, "quatre": 4, "five": 5, "cinq": 5, "six": 6, "seven": 7,
    "sept": 7, "eight": 8, "huit": 8, "nine": 9, "neuf": 9, "ten": 10, "dix": 10,
    "twenty": 20, "vingt": 20, "half a": 0.5, "demi": 0.5, "a half": 0.5,
}
# fmt: on


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_SP = f"[ {_SPACES}]"
_NUM = (
    r"(?<![\w.,])(?:\d{1,3}(?:(?:,\d{3})+(?:\.\d+)?|(?:\.\d{3})+(?:,\d+)?"
    rf"|(?:{_SP}\d{{3}})+(?:,\d+)?)|\d+(?:[.,]\d+)?)(?![.,]?\d)"
)
_WORDNUM = rf"(?<![\w])(?:{_alt(list(_WORD_NUMBERS))})"
_LETTER_SCALES = [k for k in _SCALE if len(k) <= 2 and k not in ("mn", "tn", "bn", "md")]
_WORD_SCALES = [k for k in _SCALE if k not in _LETTER_SCALES]
# After a prefix currency, a one-letter scale must be glued to the number ("£7.5m", not
# "€5 m" which is a length); before a suffix currency it may stand apart ("20 M€").
_SCALE_RE = rf"(?:{_SP}?(?:{_alt(_WORD_SCALES)})|(?:{_alt(_LETTER_SCALES)}))(?![^\W\d_])"
_SCALE_ANY = rf"(?:{_SP}?(?:{_alt(list(_SCALE))})(?![^\W\d_]))"
_BIG_SCALE = r"(?:million|millions|milliard|milliards|billion|billions|trillion|crores?)"
_CODE_RE = rf"(?:{'|'.join(_CODES)})"
_PREFIX_RE = rf"(?:{_alt(list(_PREFIX))}|{_CODE_RE})"
# "d'euros", "de livres", "of euros" link the scale word to the currency in French.
_LINK = r"(?:(?:d['’]|de |of ))?"
# A symbol followed by digits belongs to the next amount: "in 2022 £7.5m".
_SUFFIX_RE = rf"(?:{_alt(list(_SUFFIX))})(?![^\W\d_])(?!{_SP}?\d)"

# Every branch starts where no letter precedes: one shared check, and a look at the first
# character, let the engine skip most positions at once (same matches, faster).
_MONEY = re.compile(
    rf"(?<![^\W\d_])(?=[\d$£€¥₹₩₺a-zA-Z])(?:(?P<pre>(?<![^\W\d_]){_PREFIX_RE}){_SP}?(?P<num>{_NUM})(?P<scale>{_SCALE_RE})?"
    rf"(?:{_SP}?(?P<post1>{_SUFFIX_RE}))?"
    rf"|(?P<num2>{_NUM})(?P<scale2>{_SCALE_ANY})?{_SP}?{_LINK}(?P<post2>{_SUFFIX_RE})"
    rf"|(?P<word>{_WORDNUM}){_SP}(?P<scale3>{_BIG_SCALE}){_SP}{_LINK}(?P<post3>{_SUFFIX_RE})"
    rf"|(?P<pre4>(?<![^\W\d_]){_PREFIX_RE}){_SP}?(?P<word4>{_WORDNUM}){_SP}(?P<scale4>{_BIG_SCALE}))",
    re.IGNORECASE,
)

# Words just before an amount that make it a conversion or an estimate.
_APPROX_BEFORE = re.compile(
    r"(?:\babout|\baround|\broughly|\bapproximately|\bapprox\.?|\bnearly|\balmost|\bsome"
    r"|\bclose to|\bcirca|\bequivalent to|\bthe equivalent of|\bequal to|\bequating to"
    r"|\bequivalent of|\bworth about|\benviron|\bsoit|\bprès de|\bpresque|\bquelque"
    r"|\bapproximativement|\bl['’]équivalent de|\béquivalent à|\bautour de|\bpas loin de"
    r"|~|≈|\bc\.)"
    r"[\s(]*(?:de\s+|d['’]\s*)?$",
    re.IGNORECASE,
)
_APPROX_AFTER = re.compile(r"^\s*(?:environ|approximately|or so)\b", re.IGNORECASE)
# The gap between an amount and a parenthesised conversion: "£7.5m (€8.85m)".
_PAREN_GAP = re.compile(r"\s*(?:[^\W\d]+\s+){0,2}[(\[]\s*(?:[^\W\d]+\.?\s+){0,3}")
_SLASH_GAP = re.compile(r"\s*(?:/|;|,?\s*or|,?\s*ou)\s*")


def _fold_number(raw: str, *, has_scale: bool, french: bool) -> float | None:
    """Parse a number written with EN or FR separators."""
    s = raw
    for ch in " " + _SPACES:
        s = s.replace(ch, "")
    if "," in s and "." in s:
        # The later separator is the decimal one: "7,552,800.50" or "1.234.567,89".
        if s.rfind(",") > s.rfind("."):
            s = s.replace(".", "").replace(",", ".")
        else:
            s = s.replace(",", "")
    elif "," in s:
        s = _one_separator(s, ",", decimal_if=french and has_scale)
    elif "." in s:
        s = _one_separator(s, ".", decimal_if=has_scale)
    try:
        return float(s)
    except ValueError:
        return None


def _one_separator(s: str, sep: str, *, decimal_if: bool) -> str:
    """Decide whether `sep` groups thousands or marks decimals."""
    parts = s.split(sep)
    grouped = len(parts) > 1 and all(len(p) == 3 for p in parts[1:]) and len(parts[0]) <= 3
    if len(parts) > 2 and grouped:
        return "".join(parts)
    if len(parts) == 2 and grouped and not decimal_if:
        # "7,552" in English or "12.500" in French/German: thousands.
        return "".join(parts)
    if len(parts) == 2:
        return parts[0] + "." + parts[1]
    return "".join(parts)


def _looks_french(text: str) -> bool:
    low = text.lower()
    hits = sum(low.count(w) for w in (" le ", " la ", " les ", " des ", " une ", " d'euros"))
    return hits >= 2 and hits > low.count(" the ")


def _currency(m: re.Match[str], text: str) -> str | None:
    pre = m.group("pre") or m.group("pre4")
    if pre:
        code = pre.lower()
        return _PREFIX.get(code) or _SUFFIX.get(code)
    post = (m.group("post1") or m.group("post2") or m.group("post3") or "").lower()
    code = _SUFFIX.get(post)
    if post in ("won", "wons", "lira", "lei", "livre", "livres") and not _scale_raw(m):
        # Too often ordinary words ("the firm won", "3 livres"): need "billion won" or
        # a sum that no one counts in books ("250 000 livres").
        num = (m.group("num2") or "").replace(",", "").replace(".", "")
        if not post.startswith("livre") or len(re.sub(r"\D", "", num)) < 4:
            return None
    if code == "DKK" and post.startswith(("kr", "cour", "crown")):
        return _nordic(text)
    if code == "DKK" and re.search(r"norw|norv|norway|norge", text, re.IGNORECASE):
        return "NOK"
    return code


def _nordic(text: str) -> str:
    """Bare "kr" is Swedish, Danish or Norwegian: the country named decides."""
    low = text.lower()
    for words, code in (
        (("swed", "suéd", "suede", "sverige"), "SEK"),
        (("norw", "norv", "norge"), "NOK"),
    ):
        if any(w in low for w in words):
            return code
    return "DKK"


def _scale_raw(m: re.Match[str]) -> str | None:
    return m.group("scale") or m.group("scale2") or m.group("scale3") or m.group("scale4")


def _value(m: re.Match[str], *, french: bool) -> float | None:
    scale_raw = _scale_raw(m)
    scale = 1.0
    if scale_raw:
        scale = _SCALE.get(scale_raw.strip(" " + _SPACES).lower(), 1.0)
    word = m.group("word") or m.group("word4")
    if word:
        base: float | None = _WORD_NUMBERS.get(" ".join(word.lower().split()))
    else:
        num = m.group("num") or m.group("num2") or ""
        base = _fold_number(num, has_scale=scale_raw is not None, french=french)
    if base is None:
        return None
    return base * scale


def _approximate(text: str, start: int, end: int, prev_end: int | None) -> bool:
    before = text[max(0, start - 40) : start]
    if _APPROX_BEFORE.search(before) or _APPROX_AFTER.match(text[end : end + 20]):
        return True
    if prev_end is not None and 0 <= start - prev_end <= 30:
        gap = text[prev_end:start]
        if _PAREN_GAP.fullmatch(gap) or _SLASH_GAP.fullmatch(gap):
            return True
    return False


def find_amounts(text: str, lang: str | None = None) -> list[Money]:
    """Return every money amount in `text`, in order of appearance.

    Args:
        text: any text; odd input yields an empty list, never an exception.
        lang: "fr" or "en" when known; decides "1,200 millions" (FR: 1.2
            million) against "$1,200 million" (EN: 1.2 billion).

    Returns:
        Amounts with `approximate=True` for conversions and estimates.
    """
    if not isinstance(text, str) or not text:
        return []
    french = lang == "fr" if lang else _looks_french(text)
    found: list[Money] = []
    prev_end: int | None = None
    for m in _MONEY.finditer(text):
        currency = _currency(m, text)
        value = _value(m, french=french)
        if currency is None or value is None or value <= 0 or value != value:
            continue
        start, end = m.span()
        approx = _approximate(text, start, end, prev_end)
        found.append(Money(value=value, currency=currency, span=(start, end), approximate=approx))
        prev_end = end
    return found
