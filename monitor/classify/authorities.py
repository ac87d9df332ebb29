"""The gazetteer of regulators and the matcher that finds them in text.

Owns: finding authority mentions in English and French text (official names,
acronyms, press nicknames such as "the UK data watchdog", "le gendarme de la
Bourse", "la Cnil irlandaise", "Texas attorney general", "Brussels fines ..."),
and comparing authority names
(`canonical_authority`, `same_authority`). Does not own: deciding which mention
is the actor of a sanction (see `fields.py`), loading the data (see
`gazetteer.py`). Pure functions over an immutable gazetteer loaded once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from monitor.classify.authority_descriptors import generic_descriptors, place_descriptors
from monitor.classify.gazetteer import Acronym, Authority, Gazetteer, gazetteer
from monitor.classify.textfold import fold, fold_lower

# Without a place, only the French press nicknames default to the French authority.
_FR_DEFAULT_NOUNS = ("gendarme", "gendarmes", "regulateur", "regulateurs", "superviseur")

__all__ = [
    "Authority",
    "AuthorityMatch",
    "canonical_authority",
    "find_authorities",
    "is_place",
    "lookup_authority",
    "same_authority",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthorityMatch:
    """A mention of an authority in a text; `span` indexes the original text."""

    authority: Authority
    span: tuple[int, int]
    kind: str  # "name", "acronym", "descriptor", "state_ag", "context" or "generic"

    @property
    def name(self) -> str:
        return self.authority.name

    @property
    def country(self) -> str:
        return self.authority.country


def _pick(cands: list[Authority], low: str, gz: Gazetteer) -> Authority:
    """Several authorities share an alias ("Datatilsynet", "CNPD"): the text's country decides."""
    if len(cands) == 1:
        return cands[0]
    counts = gz.place_counts(low)
    return max(
        cands, key=lambda a: (counts.get(a.place, 0) + counts.get(a.country, 0), -cands.index(a))
    )


def _acronym_ok(entry: Acronym, low: str) -> bool:
    if entry.requires and not any(w in low for w in entry.requires):
        return False
    return not any(w in low for w in entry.excludes)


def _exact_matches(text: str, low: str, gz: Gazetteer) -> Iterator[AuthorityMatch]:
    for m in gz.name_re.finditer(low):
        if m.group(0) in gz.names:
            auth = _pick(gz.names[m.group(0)], low, gz)
            yield AuthorityMatch(authority=auth, span=m.span(), kind="name")
    for m in gz.acronym_re.finditer(fold(text)):
        entries = [e for e in gz.acronyms.get(m.group(0), []) if _acronym_ok(e, low)]
        if entries:
            auth = _pick([e.authority for e in entries], low, gz)
            yield AuthorityMatch(authority=auth, span=m.span(), kind="acronym")


def _normalise_key(word: str | None) -> str:
    word = (word or "").strip()
    return re.sub(r"\s+", " ", word)


def _descriptor(
    place: str | None, sector_word: str, gz: Gazetteer, low: str = ""
) -> Authority | None:
    sector = gz.sector_of.get(_normalise_key(sector_word))
    code = gz.place_of.get(_normalise_key(place)) if place else _home(sector, low, gz)
    if not sector or not code:
        return None
    return gz.defaults.get((code, sector))


def _home(sector: str | None, low: str, gz: Gazetteer) -> str:
    """ "le gendarme de la vie privée" is the CNIL unless the story is about one other country."""
    counts = gz.place_counts(low)
    foreign = [(n, c) for c, n in counts.items() if c != "FR" and (c, sector) in gz.defaults]
    if foreign and max(foreign)[0] > counts.get("FR", 0):
        return max(foreign)[1]
    return "FR"


def _descriptor_matches(low: str, gz: Gazetteer) -> Iterator[AuthorityMatch]:
    for rx in (gz.desc_en, gz.desc_en_post):
        for m in rx.finditer(low):
            auth = _descriptor(m.group("place"), m.group("sector"), gz)
            if auth:
                yield AuthorityMatch(authority=auth, span=m.span(), kind="descriptor")
    for m in gz.desc_fr.finditer(low):
        place = m.group("place1") or m.group("place2")
        if place is None and m.group("noun") not in _FR_DEFAULT_NOUNS:
            continue
        place = place[:-1] if place and place not in gz.place_of and place.endswith("s") else place
        auth = _descriptor(place, m.group("sector"), gz, low)
        if auth:
            yield AuthorityMatch(authority=auth, span=m.span(), kind="descriptor")


# Words without which a pattern cannot match: a substring test skips the regex pass.
_AG_WORDS = ("attorney", "procureur", "ag")
_EU_WORDS = ("eu", "l'ue", "brussels", "bruxelles", "bloc")


def _local_matches(text: str, low: str, gz: Gazetteer) -> Iterator[AuthorityMatch]:
    """Authorities named by pattern: a bare "attorney general" in a story about one US state,
    "Birmingham City Council", "le préfet de l'Isère"."""
    bare = list(gz.bare_ag.finditer(low)) if "attorney" in low else []
    states = {gz.states[m.group(0)] for m in gz.state_word.finditer(low)} if bare else set()
    if len(states) == 1:
        name = f"{states.pop()} Attorney General"
        auth = Authority(name=name, country="US", sector="justice", place="US")
        for m in bare:
            yield AuthorityMatch(authority=auth, span=m.span(), kind="state_ag")
    for m in gz.council.finditer(text) if "Council" in text else ():
        auth = Authority(name=m.group("name"), country="GB", sector="local", place="GB")
        yield AuthorityMatch(authority=auth, span=m.span("name"), kind="state_ag")
    for m in gz.criminal_court.finditer(low) if "correctionnel" in low else ():
        where = text[m.start("prep") : m.end("city")] if m.group("city") else ""
        name = f"tribunal correctionnel {where}".strip()
        auth = Authority(name=name, country="FR", sector="justice", place="FR")
        yield AuthorityMatch(authority=auth, span=m.span(), kind="state_ag")
    for m in gz.prefect.finditer(low) if "pref" in low else ():
        prep = text[m.start("prep") : m.end("prep")].lower()
        name = f"préfecture {prep}{text[m.start('dept') : m.end('dept')]}"
        auth = Authority(name=name, country="FR", sector="local", place="FR")
        yield AuthorityMatch(authority=auth, span=m.span(), kind="state_ag")


def _special_matches(text: str, low: str, gz: Gazetteer) -> Iterator[AuthorityMatch]:
    for m in gz.state_ag.finditer(low) if any(w in low for w in _AG_WORDS) else ():
        if m.group("all"):
            name = "State attorneys general"
        else:
            state = gz.states[_normalise_key(m.group("s1") or m.group("s2") or m.group("s3"))]
            name = f"{state} Attorney General"
        auth = Authority(name=name, country="US", sector="justice", place="US")
        yield AuthorityMatch(authority=auth, span=m.span(), kind="state_ag")
    yield from _local_matches(text, low, gz)
    commission = gz.by_name.get("european commission")
    for m in gz.eu_subject.finditer(low) if any(w in low for w in _EU_WORDS) else ():
        if commission:
            yield AuthorityMatch(authority=commission, span=m.span("eu"), kind="context")


def _relocate(match: AuthorityMatch, low: str, gz: Gazetteer) -> AuthorityMatch:
    """ "la Cnil irlandaise", "l'AMF américaine": a French body named with a foreign adjective."""
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


def _generic_use(match: AuthorityMatch, text: str, low: str, gz: Gazetteer) -> AuthorityMatch:
    """ "Italie : l'autorité de la concurrence inflige...": a French body's name written in
    lower case is a common noun; in a story about one other country it is that country's."""
    auth = match.authority
    if match.kind != "name" or auth.country != "FR" or not text[match.span[0]].islower():
        return match
    code = _home(auth.sector, low, gz)
    other = gz.defaults.get((code, auth.sector)) if code != "FR" else None
    return (
        match
        if other is None
        else AuthorityMatch(authority=other, span=match.span, kind="descriptor")
    )


def _non_overlapping(cands: list[AuthorityMatch]) -> list[AuthorityMatch]:
    rank = {"name": 0, "acronym": 1, "state_ag": 2, "descriptor": 3, "context": 4, "generic": 5}
    chosen: list[AuthorityMatch] = []
    for c in sorted(cands, key=lambda c: (c.span[0] - c.span[1], rank[c.kind], c.span[0])):
        if all(c.span[1] <= o.span[0] or c.span[0] >= o.span[1] for o in chosen):
            chosen.append(c)
    return sorted(chosen, key=lambda c: c.span)


def _resolve_vague(low: str, found: list[AuthorityMatch], gz: Gazetteer) -> list[AuthorityMatch]:
    """ "UK watchdog" names no sector: it is the UK authority the text names elsewhere."""
    if not found:
        return found  # a vague mention only ever repeats an authority named elsewhere
    extra: list[AuthorityMatch] = []
    for rx in (gz.vague_en, gz.vague_fr):
        for m in rx.finditer(low):
            word = _normalise_key(m.group("place"))
            code = gz.place_of.get(word) or gz.place_of.get(word[:-1])
            same = [f for f in found if code in (f.authority.place, f.authority.country)]
            if same and all(m.end() <= f.span[0] or m.start() >= f.span[1] for f in found):
                extra.append(
                    AuthorityMatch(authority=same[0].authority, span=m.span(), kind="descriptor")
                )
    return sorted(found + extra, key=lambda c: c.span) if extra else found


def find_authorities(text: str) -> list[AuthorityMatch]:
    """Return the authority mentions in `text`, in order, without overlaps.

    Longer mentions win over shorter ones inside them ("l'Autorité de la
    concurrence italienne" is the Italian AGCM, not the French authority).
    """
    if not isinstance(text, str) or not text:
        return []
    gz = gazetteer()
    low = fold_lower(text)
    found = [
        _relocate(_generic_use(m, text, low, gz), low, gz)
        for m in _non_overlapping(list(_all_matches(text, low, gz)))
    ]
    if not found:  # "The DPA fined a bank": an authority the text leaves unnamed
        return [
            AuthorityMatch(authority=a, span=span, kind=kind)
            for a, span, kind in generic_descriptors(text)
        ]
    return _resolve_vague(low, found, gz)


def mentions_authority(text: str) -> bool:
    """Tell whether `text` names any authority: `bool(find_authorities(text))`, stopping at
    the first mention."""
    if not isinstance(text, str) or not text:
        return False
    return next(_all_matches(text, fold_lower(text), gazetteer()), None) is not None


def _all_matches(text: str, low: str, gz: Gazetteer) -> Iterator[AuthorityMatch]:
    yield from _exact_matches(text, low, gz)
    yield from _descriptor_matches(low, gz)
    yield from _special_matches(text, low, gz)
    for auth, span, kind in place_descriptors(text, low):
        yield AuthorityMatch(authority=auth, span=span, kind=kind)


def is_place(name: str) -> bool:
    """Tell whether a name is a country, nationality, region, US state or large city."""
    gz = gazetteer()
    low = _normalise_key(fold_lower(name)).strip(" .")
    return low in gz.place_of or low in gz.cities or low in gz.states


def lookup_authority(name: str | None) -> Authority | None:
    """Return the gazetteer entry a name or alias denotes, or None."""
    cands = _candidates(name)
    return cands[0] if cands else None


def _candidates(name: str | None) -> list[Authority]:
    if not isinstance(name, str) or not name.strip():
        return []
    gz = gazetteer()
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
