"""Authorities named by a descriptor that the gazetteer does not list one by one.

Owns: finding "the Spanish DPA", "the DPA of Hesse", "U.S. regulators", "le régulateur
russe", "la justice américaine", "le tribunal de Marseille" (place-bound descriptors), and
place-less ones ("the DPA", "the Authority", "regulators", "la justice", "le parquet") that
stand for an authority the text leaves unnamed. A place-bound descriptor whose sector the
gazetteer knows for that place is that body ("the Spanish DPA" is the AEPD); otherwise it
is an authority named as written, with the place's country. The words are data
(`data/authority_descriptors.json`). Does not own: gazetteer names and acronyms, or choosing
among mentions (see `authorities.py`). Pure functions over patterns compiled once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

from monitor.classify.gazetteer import Authority, Gazetteer, _alternation, gazetteer
from monitor.classify.textfold import fold

# A descriptor found here: (authority, span in the text, kind) with kind "descriptor"
# (bound to a place) or "generic" (no place: country unknown, written "").
Found = tuple[Authority, tuple[int, int], str]
_QUALIFIERS = r"(?:(?:top|main|chief|national|federal|state|independent|local|regional)\s+)?"
_ARTICLE = re.compile(r"^(?:(?:the|a|an|le|la|les)\s+|l')", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Patterns:
    place_en: re.Pattern[str]
    place_fr: re.Pattern[str]
    of_en: re.Pattern[str]
    court_fr: re.Pattern[str]
    generic: re.Pattern[str]
    generic_dp: frozenset[str]
    currency_country: dict[str, str]
    sector_of: dict[str, str]


def _generic_pattern(entries: list[str]) -> str:
    """Entries written lower case match in any case; a capitalised one keeps its case."""
    out = []
    for entry in sorted(entries, key=len, reverse=True):
        article, _, rest = entry.partition(" ") if " " in entry else ("", "", entry)
        if _ARTICLE.match(f"{article} ") is None:
            article, rest = "", entry
        body = re.escape(rest).replace(r"\ ", r"\s+")
        if rest == rest.lower():
            body = f"(?i:{body})"
        out.append(f"(?i:{re.escape(article)}\\s+){body}" if article else body)
    return rf"(?<![\w'])(?:{'|'.join(out)})(?![\w])"


@cache
def _patterns() -> _Patterns:
    raw = resources.files("monitor.classify").joinpath("data/authority_descriptors.json")
    doc = json.loads(raw.read_text("utf-8"))
    gz = gazetteer()
    pen, pfr = _alternation(gz.places_en), _alternation(gz.places_fr)
    sectors = {**doc["place_nouns_en"], **doc["place_nouns_fr"], **doc["of_nouns_en"]}
    nen, nfr = _alternation(list(doc["place_nouns_en"])), _alternation(list(doc["place_nouns_fr"]))
    states = _alternation(list(gz.states))
    return _Patterns(
        place_en=re.compile(
            rf"(?<![\w])(?P<place>{pen})(?:'s|')?\s+{_QUALIFIERS}(?P<noun>{nen})(?![\w])"
        ),
        place_fr=re.compile(
            rf"(?<![\w])(?P<noun>{nfr})(?:\s+(?:nationale?|federale?))?\s+(?P<place>{pfr})s?(?![\w])"
        ),
        of_en=re.compile(
            rf"(?<![\w])(?P<noun>{_alternation(list(doc['of_nouns_en']))})\s+(?:of|in|for)\s+"
            rf"(?:the\s+)?(?P<place>{pen}|{states})(?![\w])"
        ),
        court_fr=re.compile(
            rf"(?<![\w])(?i:(?P<noun>{_alternation(doc['court_nouns_fr'])}))\s+"
            r"(?P<prep>de\s+|d'|du\s+)"
            r"(?P<city>[A-Z][\w'-]+(?:[ -](?:sur|en|les|la|le)?[ -]?[A-Z][\w'-]+)?)"
        ),
        generic=re.compile(_generic_pattern(doc["generic_en"] + doc["generic_fr"])),
        generic_dp=frozenset(doc["generic_data_protection"]),
        currency_country=dict(doc["currency_country"]),
        sector_of=sectors,
    )


def _place_code(word: str, gz: Gazetteer) -> str | None:
    word = re.sub(r"\s+", " ", word)
    return gz.place_of.get(word) or (gz.states.get(word) and "US") or gz.place_of.get(word[:-1])


def _bound(text: str, span: tuple[int, int], code: str, sector: str, gz: Gazetteer) -> Authority:
    known = gz.defaults.get((code, sector)) if sector else None
    if known is not None:
        return known
    name = _ARTICLE.sub("", text[span[0] : span[1]].strip())
    return Authority(name=name, country=code.split("-")[0], sector=sector or "general", place=code)


def place_descriptors(text: str, low: str) -> Iterator[Found]:
    """Place-bound descriptors in `text` (`low` is its `fold_lower`)."""
    p, gz = _patterns(), gazetteer()
    for rx in (p.place_en, p.place_fr, p.of_en):
        for m in rx.finditer(low):
            place = m.group("place")
            if place == "us" and text[m.start("place") : m.end("place")] != "US":
                continue  # "told us officials"
            code = _place_code(place, gz)
            if code:
                sector = p.sector_of.get(re.sub(r"\s+", " ", m.group("noun")), "")
                yield _bound(text, m.span(), code, sector, gz), m.span(), "descriptor"
    for m in p.court_fr.finditer(fold(text)):
        name = text[m.start() : m.end()]
        auth = Authority(
            name=name[0].lower() + name[1:], country="FR", sector="justice", place="FR"
        )
        yield auth, m.span(), "descriptor"


_PERSONAL_DATA = re.compile(
    r"\b(?:gdpr|rgpd|personal\s+data|donnees\s+personnelles|data\s+protection)\b"
)
_CURRENCY = re.compile(r"(?<![A-Za-z])(?:[A-Z]{3}|lei|£)(?![A-Za-z])")


def generic_descriptors(text: str) -> Iterator[Found]:
    """Place-less descriptors: an authority the text leaves unnamed ("The DPA fined...").

    A data protection descriptor ("the DPA", "the supervisory authority", or "the
    Commissioner" in a story about personal data) is the authority of the one country
    the text points to: named ("a bank in Romania") or by its currency ("RON 9,000");
    else its country stays unknown.
    """
    p, gz = _patterns(), gazetteer()
    low = fold(text).lower()
    homes: list[Authority | None] = []  # looked for once, on the first such descriptor
    for m in p.generic.finditer(fold(text)):
        name = _ARTICLE.sub("", text[m.start() : m.end()])
        auth = Authority(name=name, country="", sector="general", place="")
        key = re.sub(r"\s+", " ", fold(name).lower())
        vague = key in ("authority", "commissioner") and not _PERSONAL_DATA.search(low)
        if key in p.generic_dp and not vague:
            if not homes:
                homes.append(_home_dpa(text, low, gz, p))
            auth = homes[0] or auth
        yield auth, m.span(), "generic"


def _home_dpa(text: str, low: str, gz: Gazetteer, p: _Patterns) -> Authority | None:
    codes = set(gz.place_counts(low))
    codes |= {p.currency_country[c] for c in _CURRENCY.findall(text) if c in p.currency_country}
    codes |= {p.currency_country[c.upper()] for c in re.findall(r"\blei\b", low)}
    codes = {c.split("-")[0] for c in codes}
    if len(codes) != 1:
        return None
    return gz.defaults.get((codes.pop(), "data_protection"))
