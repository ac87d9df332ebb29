"""Structured facts of an enforcement story, from its title and text.

Owns: `extract_fields(title, text, lang) -> EventFields`: the authority that
acts (preferring the headline, then the lead), its country, the action, the
imposed amount and currency (never a conversion, a turnover or a statutory
maximum), the sanctioned target, the law and the stated date. Also re-exports
`same_authority` and `same_target` that dedup uses to check that two stories
agree. Does not own: whether the story is an enforcement event (the
classifier's job). Pure; never raises on odd input.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from monitor.classify.authorities import AuthorityMatch, find_authorities, same_authority
from monitor.classify.cues import Cue, find_cues, pick_action
from monitor.classify.facts import find_date, find_law
from monitor.classify.measures import find_measures
from monitor.classify.money import Money, find_amounts
from monitor.classify.persons import is_person
from monitor.classify.sanction_amount import bare_amount, pick_amount
from monitor.classify.targets import (
    PUBLISHED_BY,
    described_target,
    same_target,
    subject_target,
    target_in_sentence,
    with_partners,
)
from monitor.classify.textfold import fold_lower
from monitor.models import Action, EventFields

__all__ = ["extract_fields", "same_authority", "same_target"]

_UP = "A-ZÀÂÄÁÇÉÈÊËÍÎÏÓÔÖÚÙÛÜŒ"
_SENTENCE_END = re.compile(rf"(?<=[.!?…])[\"”»)]?\s+(?=[\"“«(]?[{_UP}0-9])|\n\s*")
_ABBREV = re.compile(
    r"(?:\b(?:U\.S|U\.K|Inc|Ltd|Co|Corp|Mr|Mrs|Ms|Dr|St|No|Mme|Jr|Sr|approx|vs)|\b[A-Z])\.$"
)
_LEAD = 2  # the headline plus this many sentences make the lead
# Who, what and how much are told early; reading only the start keeps long pages cheap.
MAX_TEXT = 12_000


@dataclass(frozen=True, slots=True, kw_only=True)
class _Doc:
    text: str
    low: str
    sentences: tuple[tuple[int, int], ...]  # sentence 0 is the headline
    lang: str | None


def _split(text: str, offset: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if _ABBREV.search(text[max(0, m.start() - 6) : m.start()]):
            continue
        if text[start : m.start()].strip():
            spans.append((offset + start, offset + m.start()))
        start = m.end()
    if text[start:].strip():
        spans.append((offset + start, offset + len(text)))
    return spans


# Share buttons that extractors leave inside a paragraph ("Share on Facebook Share on X The
# AEPD has fined..."): blanked, so that "X" is never read as a name.
_SHARE_WIDGETS = re.compile(
    r"(?:\b(?:Share|Partager)\s+(?:on|sur|via|par)\s+(?:Facebook|X|Twitter|LinkedIn|WhatsApp"
    r"|E-?mail|Reddit|Telegram|Bluesky|Messenger|Pinterest)\b[\s|·•]*)+"
)


def _blank_widgets(text: str) -> str:
    if "Share" not in text and "Partager" not in text:
        return text
    return _SHARE_WIDGETS.sub(lambda m: " " * len(m.group(0)), text)


# A dateline or agency tag opening the text ("STAMFORD, Conn. (Reuters) -", "LONDON, March 3
# (Reuters) -", "AP -", "PARIS --") or a byline line ("By Jane Smith, Technology Reporter"):
# blanked, so that neither a city nor a reporter is read as the sanctioned firm.
_DATELINE = re.compile(
    r"^\s*(?:[A-Z][A-Z.'/ -]{1,40}(?:,\s*[A-Z][\w.]*\.?(?:\s+\d{1,2})?)?\s*(?:\([^)\n]{1,30}\))?"
    r"\s*(?:-{1,2}|–|—)\s+"
    r"|By\s+[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,3}(?:,[^\n]{0,60})?(?:\s*\|[^\n]{0,40})?\n)"
)


def _blank_dateline(text: str) -> str:
    m = _DATELINE.match(text)
    if m is None or find_authorities(m.group(0)):  # "CNIL – mise en demeure de...": the actor
        return text
    return " " * m.end() + text[m.end() :]


def _document(title: str, text: str, lang: str | None) -> _Doc:
    text = _blank_dateline(_blank_widgets(text))
    doc = f"{title}\n\n{text}"
    sentences = [(0, len(title)), *_split(text, len(title) + 2)]
    return _Doc(text=doc, low=fold_lower(doc), sentences=tuple(sentences), lang=lang)


def _cues_by_part(doc: _Doc) -> list[Cue]:
    """Cues of the headline, then of the text: no cue spans the two, and a hedge at the end
    of the headline ("could face fines") does not make the lead's first cue hypothetical."""
    title_end = doc.sentences[0][1]
    offset = title_end + 2
    shifted = [
        dataclasses.replace(c, span=(c.span[0] + offset, c.span[1] + offset))
        for c in find_cues(doc.text[offset:])
    ]
    return find_cues(doc.text[:title_end]) + shifted


def _sentence_of(doc: _Doc, pos: int) -> int:
    for i, (s, e) in enumerate(doc.sentences):
        if s <= pos < e or (i == 0 and pos <= e):
            return i
    return len(doc.sentences)


def _in(span: tuple[int, int], sent: tuple[int, int]) -> bool:
    return sent[0] <= span[0] and span[1] <= sent[1]


def _pick_authority(
    doc: _Doc, auths: list[AuthorityMatch], cues: list[Cue]
) -> AuthorityMatch | None:
    """The acting authority: in the headline if named there, else in the lead, else first."""
    for i, sent in enumerate(doc.sentences):
        here = [a for a in auths if _in(a.span, sent)]
        if not here:
            continue
        if len({a.name for a in here}) == 1:
            return _named_later(doc, auths, here[0], i)
        return _actor(doc, here, [c for c in cues if _in(c.span, sent) and not c.hypothetical])
    return auths[0] if auths else None


def _named_later(doc: _Doc, auths: list[AuthorityMatch], pick: AuthorityMatch, i: int):
    """A descriptor ("China's market regulator") gives way to the authority of the same
    country that the lead then names ("the State Administration for Market Regulation")."""
    if pick.kind != "descriptor":
        return pick
    lead_end = doc.sentences[min(_LEAD, len(doc.sentences) - 1)][1]
    start = doc.sentences[i][1]
    for a in auths:
        if start <= a.span[0] < lead_end and a.kind in ("name", "acronym"):
            return a if a.authority.country == pick.authority.country else pick
    return pick


def _actor(doc: _Doc, here: list[AuthorityMatch], cues: list[Cue]) -> AuthorityMatch:
    """Among several authorities in a sentence: the one after "by"/"par", else the subject of
    the first cue ("the FCA and the PRA fined": the first of a coordinated pair)."""
    for a in here:
        if re.search(
            r"(?:\bby|\bpar|\bfrom)\s+(?:the\s+|la\s+|le\s+|l')?$", doc.low[: a.span[0]][-20:]
        ):
            return a
    if not cues:
        return here[0]
    before = [a for a in here if a.span[1] <= cues[0].span[0]]
    if not before:
        return here[0]
    pick = len(before) - 1
    while pick > 0 and re.fullmatch(
        r"\s*(?:,|and|et|&)\s*(?:the\s+|la\s+|le\s+|l')?",
        doc.low[before[pick - 1].span[1] : before[pick].span[0]],
    ):
        pick -= 1
    return before[pick]


def _pick_action(doc: _Doc, cues: list[Cue], money: Money | None) -> Action | None:
    """The headline's own word wins ("X to pay" is a settlement even if the lead says
    penalty); else the lead's, else the whole text's. A sum with no other word is a fine."""
    lead_end = doc.sentences[min(_LEAD, len(doc.sentences) - 1)][1]
    action = (
        pick_action([c for c in cues if c.span[1] <= doc.sentences[0][1]])
        or pick_action([c for c in cues if c.span[1] <= lead_end])
        or pick_action(cues)
    )
    if money is not None and action in (None, "other"):
        return "fine"
    if money is not None and action == "order" and _ORDERED_TO_PAY.search(doc.low):
        return "fine"  # "orders X to pay ¥1.2bn": a penalty, unless it is redress
    return action


_ORDERED_TO_PAY = re.compile(
    r"\b(?:order\w*|ordonn\w*|condamn\w*)\b[^.]{0,60}?\b(?:to\s+pay|de\s+payer|a\s+payer"
    r"|de\s+verser|a\s+verser)\b(?![^.]{0,50}\b(?:refund|compensat|redress|rembours|indemni"
    r"|dedommag|restitu|back\s+to|aux\s+(?:clients|consommateurs)|to\s+(?:customers|consumers)))"
)
# A bare "$" is the local dollar of a Canadian, Australian... authority ("le CRTC impose une
# pénalité de 75 000 $"); "US$" and "USD" stay US dollars.
_LOCAL_DOLLAR = {"CA": "CAD", "AU": "AUD", "NZ": "NZD", "SG": "SGD", "HK": "HKD"}


def _background_sum(doc: _Doc, cues: list[Cue], money: Money) -> bool:
    """A sum told only after the lead of a story whose lead names another measure (an order,
    a formal notice, a ban, a reprimand) is background: a possible fine, an earlier one."""
    lead_end = doc.sentences[min(_LEAD, len(doc.sentences) - 1)][1]
    if money.span[0] < lead_end:
        return False
    return _pick_action(doc, [c for c in cues if c.span[1] <= lead_end], None) in (
        "order",
        "formal_notice",
        "ban",
        "other",
    )


def _imposed_amount(doc: _Doc, cues: list[Cue], country: str | None) -> Money | None:
    amounts = find_amounts(doc.text, doc.lang)
    money = pick_amount(doc.text, doc.low, doc.sentences, amounts, cues)
    if money is None:
        money = bare_amount(doc.text, doc.low, doc.sentences, cues, country, amounts)
    return _local_dollar(doc, money, country)


def _local_dollar(doc: _Doc, money: Money | None, country: str | None) -> Money | None:
    if money is None or money.currency != "USD" or country not in _LOCAL_DOLLAR:
        return money
    written = doc.low[money.span[0] : money.span[1] + 12]
    if re.search(r"\bus\b|u\.s|usd|americ", written):
        return money
    return dataclasses.replace(money, currency=_LOCAL_DOLLAR[country])


# A headline that names a relative of the sanctioned firm: "l'éditeur de Replika condamné",
# "la filiale britannique de Coinbase", "TikTok's owner", "the company behind Lumio".
_RELATIVE_BEFORE = re.compile(
    r"(?:\b(?:editeur|operateur|filiale|subsidiary|unit|arm|branche|maison\s+mere|proprietaire|owner"
    r"|maker|operator|developer|exploitant|createur|concepteur|publisher|parent|(?:company"
    r"|firm|group|societe|entreprise|groupe)\s+(?:behind|derriere))(?:\s+[a-z-]+){0,2}?\s+"
    r"(?:de\s+|d'|du\s+|of\s+|behind\s+|derriere\s+)(?:l'|la\s+|le\s+|the\s+)?"
    r"(?:(?:application|appli|app|site|plateforme|platform|service|marque|brand|chatbot|jeu"
    r"|game|reseau\s+social|social\s+network|messagerie)\s+)?)$"
)
_RELATIVE_AFTER = re.compile(
    r"^(?:['’]s\s+(?:[\w-]+\s+){0,2}?(?:arm|unit|subsidiary|owner|parent|maker|operator"
    r"|developer|publisher)|\s+(?:operator|owner|parent|maker|developer|publisher|chatbot|app"
    r"|service))\b"
)


def cased_headline(title: str, lang: str | None = None) -> bool:
    """Tell whether a headline is ALL CAPS or (in English) Title Case: every word then looks
    like a name. (French headlines are in sentence case: their capitals are names.)"""
    letters = [c for c in title if c.isalpha()]
    if len(letters) >= 8 and sum(c.isupper() for c in letters) >= 0.8 * len(letters):
        return True
    if lang == "fr":
        return False
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", title) if len(w) > 3]
    return len(words) >= 4 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


def _pick_target(doc: _Doc, auths: list[AuthorityMatch], cues: list[Cue]) -> str | None:
    """Sanction patterns in the headline and lead, then a described name ("la société X"),
    then the lead's subject, then sanction patterns in later sentences. A headline name
    that only relates to the firm ("l'éditeur de Replika") gives way to a name in the lead;
    an ALL CAPS or Title Case headline is read after the lead, not before it."""
    lead = list(range(min(len(doc.sentences), _LEAD + 1)))
    title = doc.text[: doc.sentences[0][1]]
    body = lead[1:]
    cased = len(lead) > 1 and cased_headline(title, doc.lang)
    if cased:
        lead = [*body, 0]
    cue_sents = sorted({_sentence_of(doc, c.span[0]) for c in cues if not c.hypothetical})
    later = [i for i in cue_sents if i > _LEAD and i < len(doc.sentences)]
    steps = [(target_in_sentence, lead), (described_target, lead), (subject_target, body)]
    relative: str | None = None
    person: str | None = None  # a byline ("By Jane Smith") or an executive: kept as a last resort
    for finder, order in [*steps, (target_in_sentence, later)]:
        for i in order:
            hit = _target_from(doc, i, auths, finder)
            if hit is None or (relative and same_target(relative, hit[1])):
                continue
            if i == 0 and relative is None and _names_a_relative(doc, hit):
                relative = hit[1]
                continue
            if i == 0 and cased and hit[1].lower() not in doc.low[len(title) :]:
                continue  # "Regulator Raids Offices": a capitalised phrase, not a name
            if is_person(hit[1]):
                person = person or hit[1]
                continue
            return _publisher(doc, hit, auths) or hit[1]
    return relative or person


def _publisher(doc: _Doc, hit: tuple[int, str], auths: list[AuthorityMatch]) -> str | None:
    """The company a sanctioned brand is published or owned by, when the text says so."""
    end = doc.text.find(hit[1], hit[0])
    m = PUBLISHED_BY.match(doc.text, end + len(hit[1])) if end >= 0 else None
    if m is None or any(a.span[0] < m.end(1) and m.start(1) < a.span[1] for a in auths):
        return None
    return m.group(1)


def _not_targets(
    auths: list[AuthorityMatch], acting: AuthorityMatch | None
) -> list[AuthorityMatch]:
    """Authorities that cannot be the target: all but a local body that did not act (a
    council or a "préfecture" is the target when the ICO or the CNIL sanctions it)."""
    return [
        a
        for a in auths
        if a.authority.sector != "local" or (acting is not None and a.authority == acting.authority)
    ]


def _names_a_relative(doc: _Doc, hit: tuple[int, str]) -> bool:
    start, end = hit[0], hit[0] + len(hit[1])
    return bool(
        _RELATIVE_BEFORE.search(doc.low[max(0, start - 50) : start])
        or _RELATIVE_AFTER.match(doc.text[end : end + 40])
    )


def _target_from(doc: _Doc, i: int, auths: list[AuthorityMatch], finder) -> tuple[int, str] | None:
    """(offset in the document, name) of the target `finder` sees in sentence `i`."""
    s, e = doc.sentences[i]

    def excluded(a: int, b: int) -> bool:
        return any(x.span[0] < s + b and s + a < x.span[1] for x in auths)

    hit = finder(doc.text[s:e], excluded)
    if hit and _LISTED_AFTER.search(doc.text[s : s + hit[0]]):
        # "douze sites, dont Cinestream et Filmotop": every name listed is a target
        hit = with_partners(doc.text[s:e], hit, excluded)
    return (s + hit[0], hit[1]) if hit else None


_LISTED_AFTER = re.compile(r"(?:\bdont|\bincluding|\bnotamment|\bsuch\s+as)\s+$")


def extract_fields(title: str, text: str, lang: str | None, *, imposed: bool = True) -> EventFields:
    """Extract authority, target, action, amount, country, law and date.

    Args:
        title: the headline (may be empty).
        text: the article body or summary (may be empty).
        lang: "en", "fr" or None; used for number formats.
        imposed: False for an investigation: nothing is imposed yet, so the action and
            the amount are not read (they stay None) and the rest costs less.

    Returns:
        EventFields with None wherever the text does not say.
    """
    title = title if isinstance(title, str) else ""
    text = text if isinstance(text, str) else ""
    doc = _document(
        title.strip()[:1000], text.strip()[:MAX_TEXT], lang if isinstance(lang, str) else None
    )
    auths = find_authorities(doc.text)
    cues = _cues_by_part(doc)
    authority = _pick_authority(doc, auths, cues)
    country = (authority.country or None) if authority else None  # "" = a generic "the DPA"
    money = _imposed_amount(doc, cues, country) if imposed else None
    if money is not None and _background_sum(doc, cues, money):
        money = None
    lead_end = doc.sentences[min(_LEAD, len(doc.sentences) - 1)][1]
    action = _pick_action(doc, cues, money) if imposed else None
    lead_cues = [c for c in cues if c.span[1] <= lead_end]
    return EventFields(
        authority=authority.name if authority else None,
        target=_pick_target(doc, _not_targets(auths, authority), cues),
        action=action,
        measures=find_measures(doc.text[:lead_end], lead_cues, action),
        amount=money.value if money else None,
        currency=money.currency if money else None,
        country=country,
        law=find_law(doc.low, lead_end),
        event_date=find_date(doc.text, lead_end),
    )
