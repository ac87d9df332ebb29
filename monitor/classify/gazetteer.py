"""Loading the regulator gazetteer and compiling its matchers.

Owns: reading `data/authorities.json` once (places, sectors, US states, cities,
authorities with aliases) into indexes and the regexes that `authorities.py`
runs: official names, acronyms, "the <place> <sector> watchdog" descriptors in
English and French, US state attorneys general, UK councils, French prefects.
Does not own: matching policy (see `authorities.py`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from monitor.classify.textfold import fold, fold_lower


@dataclass(frozen=True, slots=True, kw_only=True)
class Authority:
    """One regulator: canonical short name, ISO country ("EU" for EU bodies), sector."""

    name: str
    country: str
    sector: str
    place: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Acronym:
    authority: Authority
    requires: tuple[str, ...]
    excludes: tuple[str, ...]


_EN_NOUNS = (
    "watchdogs?|regulators?|regulatory authority|regulatory body|authority|authorities|agency"
    "|commission|commissioner|supervisors?|supervisory authority|enforcers?|office|ombudsman"
    "|inspectorate|body|chief|board|agencies"
)
_EN_QUALIFIERS = (
    "national|federal|state|top|main|own|chief|independent|official|government|regional|local"
    "|new|powerful|lead|leading|financial"
)
_FR_NOUNS = (
    "gendarmes?|regulateurs?|autorites?|agences?|commissions?|superviseurs?|garants?|organismes?"
    "|instances?|inspections?|commissaires?|offices?|bureaux?|services?|conseils?"
)
_FR_QUALIFIERS = r"(?:\s+(?:nationale?|federale?|independante?|publique|administrative))?"
_EU_SUBJECT = (
    r"(?<![\w'])(?:the\s+)?(?P<eu>eu|european union|brussels|bruxelles|l'ue|l'union europeenne"
    r"|the bloc)(?:'s)?\s+(?:(?:has|have|had|on\s+\w+day|today|yesterday|finally|also|again"
    r"|lundi|mardi|mercredi|jeudi|vendredi|a)\s+){0,2}(?:fine[sd]?|hits?|slaps?|penali[sz]e[sd]?"
    r"|orders?|ordered|bans?|banned|sanctionne|inflige|condamne|frappe|met\s+en\s+demeure"
    r"|punishes|punit|epingle|charges|charged)(?![\w])"
)


def _alternation(words: list[str]) -> str:
    """One regex matching any of `words` (spaces match any whitespace), longest first.

    Built as a trie ("c(?:ma|n(?:il|mc))") rather than a flat "cnmc|cnil|cma":
    Python's regex engine tries a flat alternation's branches one by one at every
    position, so a gazetteer of hundreds of names cost most of the cue features'
    time. Deeper branches are tried before a word ends here, so at each position
    the longest word wins, as in a longest-first alternation.
    """
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in {w for w in words if w}:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_pattern(trie)


def _trie_pattern(node: dict[str, dict]) -> str:  # type: ignore[type-arg]
    branches = [
        (r"\s+" if ch == " " else re.escape(ch)) + _trie_pattern(child)
        for ch, child in sorted(node.items())
        if ch
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:  # a word may end here: try the longer words first
        return f"(?:{body})?"
    return body


class Gazetteer:
    """Indexes and regexes built once from the JSON data."""

    def __init__(self, doc: dict) -> None:
        self.by_name: dict[str, Authority] = {}
        self.names: dict[str, list[Authority]] = {}
        self.acronyms: dict[str, list[Acronym]] = {}
        self.defaults: dict[tuple[str, str], Authority] = {}
        self.place_of: dict[str, str] = {}
        for code, langs in doc["places"].items():
            for word in langs["en"] + langs["fr"]:
                self.place_of.setdefault(fold_lower(word), code)
        self.sector_of: dict[str, str] = {}
        for sector, langs in doc["sectors"].items():
            for word in langs["en"] + langs["fr"]:
                self.sector_of.setdefault(fold_lower(word), sector)
        self.states = {fold_lower(w): st for st, ws in doc["us_states"].items() for w in ws}
        self.cities = frozenset(fold_lower(w) for w in doc.get("cities", []))
        for raw in doc["authorities"]:
            self._add(raw)
        self._compile(doc)

    def place_counts(self, low: str) -> dict[str, int]:
        """How often each place code's words (longer than 3 letters) occur in folded `low`."""
        counts: dict[str, int] = {}
        for word, code in self.place_of.items():
            if len(word) > 3 and word in low:
                counts[code] = counts.get(code, 0) + low.count(word)
        return counts

    def _add(self, raw: dict) -> None:
        auth = Authority(
            name=raw["name"],
            country=raw["country"],
            sector=raw["sector"],
            place=raw.get("place", raw["country"]),
        )
        self.by_name[fold_lower(auth.name)] = auth
        for sector in raw.get("default", []):
            self.defaults.setdefault((auth.place, sector), auth)
        # An acronym-like canonical name ("SEC", "AP") must keep its case: "sec" is French.
        own = [auth.name] if " " in auth.name and auth.name not in raw.get("acronyms", []) else []
        for alias in [*own, *raw.get("names", [])]:
            entries = self.names.setdefault(fold_lower(alias), [])
            if auth not in entries:
                entries.append(auth)
        req = tuple(fold_lower(w) for w in raw.get("requires", []))
        exc = tuple(fold_lower(w) for w in raw.get("excludes", []))
        for acr in raw.get("acronyms", []):
            self.acronyms.setdefault(fold(acr), []).append(
                Acronym(authority=auth, requires=req, excludes=exc)
            )

    def _compile(self, doc: dict) -> None:
        """Regexes for names, acronyms and "<place> <sector> watchdog" descriptors."""
        places_en = self.places_en = [
            fold_lower(w) for p in doc["places"].values() for w in p["en"]
        ]
        places_fr = self.places_fr = [
            fold_lower(w) for p in doc["places"].values() for w in p["fr"]
        ]
        sec_en = [fold_lower(w) for s in doc["sectors"].values() for w in s["en"]]
        sec_fr = [fold_lower(w) for s in doc["sectors"].values() for w in s["fr"]]
        self.name_re = re.compile(rf"(?<![\w])(?:{_alternation(list(self.names))})(?![\w])")
        self.acronym_re = re.compile(
            rf"(?<![\w@/.])(?:{_alternation(list(self.acronyms))})(?![\w@]|-\w|\.\w)"
        )
        pen, pfr = _alternation(places_en), _alternation(places_fr)
        sen, sfr = _alternation(sec_en), _alternation(sec_fr)
        self.desc_en = re.compile(
            rf"(?<![\w])(?P<place>{pen})(?:'s|')?\s+(?:(?:{_EN_QUALIFIERS})\s+){{0,2}}"
            rf"(?P<sector>{sen})\s+(?:(?:and|&)\s+(?:{sen})\s+)?(?:{_EN_NOUNS})(?![\w])"
        )
        self.desc_en_post = re.compile(
            rf"(?<![\w])(?P<sector>{sen})\s+(?:{_EN_NOUNS})\s+(?:of|in|for)\s+(?:the\s+)?"
            rf"(?P<place>{pen})(?![\w])"
        )
        self.desc_fr = re.compile(
            rf"(?<![\w])(?P<noun>{_FR_NOUNS}){_FR_QUALIFIERS}(?:\s+(?P<place1>{pfr})s?)?"
            rf"\s+(?P<sector>{sfr})(?:\s+(?P<place2>{pfr})s?)?(?![\w])"
        )
        self.vague_en = re.compile(
            rf"(?<![\w])(?P<place>{pen})(?:'s|')?\s+(?:(?:{_EN_QUALIFIERS})\s+){{0,2}}"
            r"(?:watchdogs?|regulators?|authorities|enforcers?|supervisors?)(?![\w])"
        )
        self.vague_fr = re.compile(
            r"(?<![\w])(?:gendarmes?|regulateurs?|autorites|superviseurs?)"
            rf"\s+(?P<place>{pfr})s?(?![\w])"
        )
        self.fr_place_after = re.compile(rf"\s+(?P<place>{pfr})s?(?![\w])")
        self._compile_local()

    def _compile_local(self) -> None:
        """Patterns for authorities not listed one by one: US states, UK councils, prefects."""
        st = _alternation(list(self.states))
        self.state_ag = re.compile(
            rf"(?<![\w])(?:(?P<s1>{st})(?:'s)?\s+(?:state\s+)?(?:attorney[ -]general|ag)(?![\w])"
            rf"|attorney[ -]general\s+of\s+(?:the\s+state\s+of\s+)?(?P<s2>{st})(?![\w])"
            r"|procureure?\s+generale?\s+(?:de\s+l'etat\s+)?(?:de\s+l'|de\s+|du\s+|d')"
            rf"(?P<s3>{st})(?![\w])"
            r"|(?P<all>(?:state\s+)?attorneys[ -]general|procureurs\s+generaux))"
        )
        self.bare_ag = re.compile(r"(?<![\w.])(?<!us\s)(?<!u\.s\.\s)attorney[ -]general(?![\w])")
        self.state_word = re.compile(rf"(?<![\w])(?:{st})(?![\w])")
        self.council = re.compile(
            r"(?<![\w-])(?P<name>(?:[A-Z][\w']{1,30}(?:-[A-Z][\w']{1,30})?\s+){1,3}"
            r"(?:City|County|Borough|District)\s+Council)(?![\w])"
        )
        self.prefect = re.compile(
            r"(?<![\w])pref(?:et|ete|ecture)\s+(?P<prep>de\s+la\s+|de\s+l'|de\s+|du\s+|des\s+|d')"
            r"(?P<dept>[a-z][\w-]+)"
        )
        # A criminal court rules on a prosecutor's case: "le tribunal correctionnel de Paris".
        self.criminal_court = re.compile(
            r"(?<![\w])tribunal\s+correctionnel(?:\s+(?P<prep>de\s+|d')(?P<city>[a-z][\w-]+))?"
        )
        self.eu_subject = re.compile(_EU_SUBJECT)


@cache
def gazetteer() -> Gazetteer:
    """The gazetteer, loaded from the package data on first use."""
    text = resources.files("monitor.classify").joinpath("data/authorities.json").read_text("utf-8")
    return Gazetteer(json.loads(text))
