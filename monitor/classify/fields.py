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

import re
from dataclasses import dataclass

from monitor.classify.authorities import AuthorityMatch, find_authorities, same_authority
from monitor.classify.cues import Cue, find_cues, pick_action
from monitor.classify.facts import find_date, find_law
from monitor.classify.money import Money, find_amounts
from monitor.classify.sanction_amount import bare_amount, pick_amount
from monitor.classify.targets import (
    described_target,
    same_target,
    subject_target,
    target_in_sentence,
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


def _document(title: str, text: str, lang: str | None) -> _Doc:
    doc = f"{title}\n\n{text}"
    sentences = [(0, len(title)), *_split(text, len(title) + 2)]
    return _Doc(text=doc, low=fold_lower(doc), sentences=tuple(sentences), lang=lang)


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
    for sent in doc.sentences:
        here = [a for a in auths if _in(a.span, sent)]
        if not here:
            continue
        if len({a.name for a in here}) == 1:
            return here[0]
        return _actor(doc, here, [c for c in cues if _in(c.span, sent) and not c.hypothetical])
    return auths[0] if auths else None


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
    return action


def _pick_target(doc: _Doc, auths: list[AuthorityMatch], cues: list[Cue]) -> str | None:
    """Sanction patterns in the headline and lead, then a described name ("la société X"),
    then the lead's subject, then sanction patterns in later sentences."""
    lead = list(range(min(len(doc.sentences), _LEAD + 1)))
    cue_sents = sorted({_sentence_of(doc, c.span[0]) for c in cues if not c.hypothetical})
    later = [i for i in cue_sents if i > _LEAD and i < len(doc.sentences)]
    body = lead[1:]
    steps = [(target_in_sentence, lead), (described_target, lead), (subject_target, body)]
    for finder, order in [*steps, (target_in_sentence, later)]:
        for i in order:
            name = _target_from(doc, i, auths, finder)
            if name:
                return name
    return None


def _target_from(doc: _Doc, i: int, auths: list[AuthorityMatch], finder) -> str | None:
    s, e = doc.sentences[i]

    def excluded(a: int, b: int) -> bool:
        return any(x.span[0] < s + b and s + a < x.span[1] for x in auths)

    hit = finder(doc.text[s:e], excluded)
    return hit[1] if hit else None


def extract_fields(title: str, text: str, lang: str | None) -> EventFields:
    """Extract authority, target, action, amount, country, law and date.

    Args:
        title: the headline (may be empty).
        text: the article body or summary (may be empty).
        lang: "en", "fr" or None; used for number formats.

    Returns:
        EventFields with None wherever the text does not say.
    """
    title = title if isinstance(title, str) else ""
    text = text if isinstance(text, str) else ""
    doc = _document(
        title.strip()[:1000], text.strip()[:MAX_TEXT], lang if isinstance(lang, str) else None
    )
    auths = find_authorities(doc.text)
    cues = find_cues(doc.text)
    authority = _pick_authority(doc, auths, cues)
    country = authority.country if authority else None
    money = pick_amount(doc.text, doc.low, doc.sentences, find_amounts(doc.text, doc.lang), cues)
    if money is None:
        money = bare_amount(doc.text, doc.low, doc.sentences, cues, country)
    lead_end = doc.sentences[min(_LEAD, len(doc.sentences) - 1)][1]
    return EventFields(
        authority=authority.name if authority else None,
        target=_pick_target(doc, auths, cues),
        action=_pick_action(doc, cues, money),
        amount=money.value if money else None,
        currency=money.currency if money else None,
        country=country,
        law=find_law(doc.low, lead_end),
        event_date=find_date(doc.text, lead_end),
    )
