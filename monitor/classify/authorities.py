"""The gazetteer of regulators and the matcher that finds them in text.

Owns: loading `data/authorities.json`, finding authority mentions in English and
French text (official names, acronyms, press nicknames such as "the UK data
watchdog", "le gendarme de la Bourse", "la Cnil irlandaise", "Texas attorney
general", "Brussels fines ..."), and comparing authority names
(`canonical_authority`, `same_authority`). Does not own: deciding which mention
is the actor of a sanction (see `fields.py`). Pure functions over an immutable
gazetteer loaded once.
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
class AuthorityMatch:
    """A mention of an authority in a text; `span` indexes the original text."""

    authority: Authority
    span: tuple[int, int]
    kind: str  # "name", "acronym", "descriptor", "state_ag" or "context"

    @property
    def name(self) -> str:
        return self.authority.name

    @property
    def country(self) -> str:
        return self.authority.country


@dataclass(frozen=True, slots=True, kw_only=True)
class _Acronym:
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
    "|instances?"
)
# Without a place, only the French press nicknames default to the French authority.
_FR_DEFAULT_NOUNS = ("gendarme", "gendarmes", "regulateur", "regulateurs", "superviseur")
_EU_SUBJECT = (
    r"(?<![\w'])(?:the\s+)?(?P<eu>eu|european union|brussels|bruxelles|l'ue|l'union europeenne"
    r"|the bloc)(?:'s)?\s+(?:(?:has|have|had|on\s+\w+day|today|yesterday|finally|also|again"
    r"|lundi|mardi|mercredi|jeudi|vendredi|a)\s+){0,2}(?:fine[sd]?|hits?|slaps?|penali[sz]e[sd]?"
    r"|orders?|ordered|bans?|banned|sanctionne|inflige|condamne|frappe|met\s+en\s+demeure"
    r"|punishes|punit|epingle|charges|charged)(?![\w])"
)


def _alternation(words: list[str]) -> str:
    parts = sorted({w for w in words if w}, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in parts)


class _Gazetteer:
    """Indexes and regexes built once from the JSON data."""

    def __init__(self, doc: dict) -> None:
        self.by_name: dict[str, Authority] = {}
        self.names: dict[str, list[Authority]] = {}
        self.acronyms: dict[str, list[_Acronym]] = {}
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
        for raw in doc["authorities"]:
            self._add(raw)
        self._compile(doc)

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
            self.acronyms.setdefault(fold(acr), []).append(_Acronym(authority=auth, requires=req, excludes=exc))

    def _compile(self, doc: dict) -> None:
        places_en = [fold_lower(w) for p in doc["places"].values() for w in p["en"]]
        places_fr = [fold_lower(w) for p in doc["places"].values() for w in p["fr"]]
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
            rf"(?<![\w])(?P<noun>{_FR_NOUNS})(?:\s+(?P<place1>{pfr})s?)?\s+(?P<sector>{sfr})"
            rf"(?:\s+(?P<place2>{pfr})s?)?(?![\w])"
        )
        self.vague_en = re.compile(
            rf"(?<![\w])(?P<place>{pen})(?:'s|')?\s+(?:(?:{_EN_QUALIFIERS})\s+){{0,2}}"
            r"(?:watchdogs?|regulators?|authorities|enforcers?|supervisors?)(?![\w])"
        )
        self.vague_fr = re.compile(
            rf"(?<![\w])(?:gendarmes?|regulateurs?|autorites|superviseurs?)\s+(?P<place>{pfr})s?(?![\w])"
        )
        self.fr_place_after = re.compile(rf"\s+(?P<place>{pfr})s?(?![\w])")
        st = _alternation(list(self.states))
        self.state_ag = re.compile(
            rf"(?<![\w])(?:(?P<s1>{st})(?:'s)?\s+(?:state\s+)?(?:attorney[ -]general|ag)(?![\w])"
            rf"|attorney[ -]general\s+of\s+(?:the\s+state\s+of\s+)?(?P<s2>{st})(?![\w])"
            rf"|procureure?\s+generale?\s+(?:de\s+l'etat\s+)?(?:de\s+l'|de\s+|du\s+|d')(?P<s3>{st})(?![\w])"
            r"|(?P<all>(?:state\s+)?attorneys[ -]general|procureurs\s+generaux))"
        )
        self.eu_subject = re.compile(_EU_SUBJECT)


@cache
def _gazetteer() -> _Gazetteer:
    text = resources.files("monitor.classify").joinpath("data/authorities.json").read_text("utf-8")
    return _Gazetteer(json.loads(text))


def _place_counts(low: str, gz: _Gazetteer) -> dict[str, int]:
    counts: dict[str, int] = {}
    for word, code in gz.place_of.items():
        if len(word) > 3 and word in low:
            counts[code] = counts.get(code, 0) + low.count(word)
    return counts


def _pick(cands: list[Authority], low: str, gz: _Gazetteer) -> Authority:
    """Several authorities share an alias ("Datatilsynet", "CNPD"): the text's country decides."""
    if len(cands) == 1:
        return cands[0]
    counts = _place_counts(low, gz)
    return max(cands, key=lambda a: (counts.get(a.place, 0) + counts.get(a.country, 0), -cands.index(a)))


def _acronym_ok(entry: _Acronym, low: str) -> bool:
    if entry.requires and not any(w in low for w in entry.requires):
        return False
    return not any(w in low for w in entry.excludes)


def _exact_matches(text: str, low: str, gz: _Gazetteer) -> list[AuthorityMatch]:
    out = [
        AuthorityMatch(authority=_pick(gz.names[m.group(0)], low, gz), span=m.span(), kind="name")
        for m in gz.name_re.finditer(low)
        if m.group(0) in gz.names
    ]
    for m in gz.acronym_re.finditer(fold(text)):
        entries = [e for e in gz.acronyms.get(m.group(0), []) if _acronym_ok(e, low)]
        if entries:
            auth = _pick([e.authority for e in entries], low, gz)
            out.append(AuthorityMatch(authority=auth, span=m.span(), kind="acronym"))
    return out


def _normalise_key(word: str | None) -> str:
    word = (word or "").strip()
    return re.sub(r"\s+", " ", word)


def _descriptor(place: str | None, sector_word: str, gz: _Gazetteer) -> Authority | None:
    sector = gz.sector_of.get(_normalise_key(sector_word))
    code = gz.place_of.get(_normalise_key(place)) if place else "FR"
    if not sector or not code:
        return None
    return gz.defaults.get((code, sector))


def _descriptor_matches(low: str, gz: _Gazetteer) -> list[AuthorityMatch]:
    out: list[AuthorityMatch] = []
    for rx in (gz.desc_en, gz.desc_en_post):
        for m in rx.finditer(low):
            auth = _descriptor(m.group("place"), m.group("sector"), gz)
            if auth:
                out.append(AuthorityMatch(authority=auth, span=m.span(), kind="descriptor"))
    for m in gz.desc_fr.finditer(low):
        place = m.group("place1") or m.group("place2")
        if place is None and m.group("noun") not in _FR_DEFAULT_NOUNS:
            continue
        place = place[:-1] if place and place not in gz.place_of and place.endswith("s") else place
        auth = _descriptor(place, m.group("sector"), gz)
        if auth:
            out.append(AuthorityMatch(authority=auth, span=m.span(), kind="descriptor"))
    return out


def _special_matches(low: str, gz: _Gazetteer) -> list[AuthorityMatch]:
    out: list[AuthorityMatch] = []
    for m in gz.state_ag.finditer(low):
        if m.group("all"):
            name = "State attorneys general"
        else:
            state = gz.states[_normalise_key(m.group("s1") or m.group("s2") or m.group("s3"))]
            name = f"{state} Attorney General"
        auth = Authority(name=name, country="US", sector="justice", place="US")
        out.append(AuthorityMatch(authority=auth, span=m.span(), kind="state_ag"))
    commission = gz.by_name.get("european commission")
    for m in gz.eu_subject.finditer(low):
        if commission:
            out.append(AuthorityMatch(authority=commission, span=m.span("eu"), kind="context"))
    return out


def _relocate(match: AuthorityMatch, low: str, gz: _Gazetteer) -> AuthorityMatch:
    """"la Cnil irlandaise", "l'AMF américaine": a French body named with a foreign adjective."""
    auth = match.authority
    if auth.country != "FR" or match.kind == "descriptor":
        return match
    m = gz.fr_place_after.match(low, match.span[1])
    if not m:
        return match
    word = m.group("place")
    code = gz.place_of.get(word) or gz.place_of.get(word[:-1])
    other = gz.defaults.get((code or "", auth.sector))
    if other is None or code == "FR":
        return match
    return AuthorityMatch(authority=other, span=(match.span[0], m.end()), kind="descriptor")


def _non_overlapping(cands: list[AuthorityMatch]) -> list[AuthorityMatch]:
    rank = {"name": 0, "acronym": 1, "state_ag": 2, "descriptor": 3, "context": 4}
    chosen: list[AuthorityMatch] = []
    for c in sorted(cands, key=lambda c: (c.span[0] - c.span[1], rank[c.kind], c.span[0])):
        if all(c.span[1] <= o.span[0] or c.span[0] >= o.span[1] for o in chosen):
            chosen.append(c)
    return sorted(chosen, key=lambda c: c.span)


def _resolve_vague(
    low: str, found: list[AuthorityMatch], gz: _Gazetteer
) -> list[AuthorityMatch]:
    """"UK watchdog" names no sector: it is the UK authority the text names elsewhere."""
    extra: list[AuthorityMatch] = []
    for rx in (gz.vague_en, gz.vague_fr):
        for m in rx.finditer(low):
            word = _normalise_key(m.group("place"))
            code = gz.place_of.get(word) or gz.place_of.get(word[:-1])
            same = [f for f in found if code in (f.authority.place, f.authority.country)]
            if same and all(m.end() <= f.span[0] or m.start() >= f.span[1] for f in found):
                extra.append(AuthorityMatch(authority=same[0].authority, span=m.span(), kind="descriptor"))
    return sorted(found + extra, key=lambda c: c.span) if extra else found


def find_authorities(text: str) -> list[AuthorityMatch]:
    """Return the authority mentions in `text`, in order, without overlaps.

    Longer mentions win over shorter ones inside them ("l'Autorité de la
    concurrence italienne" is the Italian AGCM, not the French authority).
    """
    if not isinstance(text, str) or not text:
        return []
    gz = _gazetteer()
    low = fold_lower(text)
    cands = _exact_matches(text, low, gz)
    cands += _descriptor_matches(low, gz)
    cands += _special_matches(low, gz)
    found = [_relocate(m, low, gz) for m in _non_overlapping(cands)]
    return _resolve_vague(low, found, gz)


def lookup_authority(name: str | None) -> Authority | None:
    """Return the gazetteer entry a name or alias denotes, or None."""
    cands = _candidates(name)
    return cands[0] if cands else None


def _candidates(name: str | None) -> list[Authority]:
    if not isinstance(name, str) or not name.strip():
        return []
    gz = _gazetteer()
    low = re.sub(r"^(?:the|le|la|les|l')\s*", "", _normalise_key(fold_lower(name)))
    low = low.strip(" .,;:")
    if low in gz.by_name:
        return [gz.by_name[low]]
    if low in gz.names:
        return list(gz.names[low])
    exact = [e.authority for e in gz.acronyms.get(fold(name).strip(), [])]
    if exact:
        return exact
    matches = find_authorities(name)
    if matches:
        return [max(matches, key=lambda m: m.span[1] - m.span[0]).authority]
    return []


def canonical_authority(name: str | None) -> str | None:
    """Return the canonical short name of an authority, or None if unknown.

    >>> canonical_authority("Commission nationale de l'informatique et des libertés")
    'CNIL'
    """
    auth = lookup_authority(name)
    return auth.name if auth else None


def same_authority(a: str | None, b: str | None) -> bool:
    """Tell whether two names denote the same authority.

    Ambiguous aliases ("CNPD": Luxembourg or Portugal) match any of their
    readings. Unknown names are compared after folding case, accents and
    spaces. Returns False when either side is missing: unknown is not "same".
    """
    if not a or not b or not isinstance(a, str) or not isinstance(b, str):
        return False
    ca = {x.name for x in _candidates(a)} or {_normalise_key(fold_lower(a))}
    cb = {x.name for x in _candidates(b)} or {_normalise_key(fold_lower(b))}
    return bool(ca & cb)
