"""What a story is made of: its members and the record they add up to.

Owns: `Member` (one article as the clusterer remembers it) and `StoryState`,
which absorbs members incrementally and produces the `Story` record: facts
(majority of members, `story_facts.merge_fields`), label (most serious any
member has), languages, distinct outlets, first/last seen, representative
title, and the version, which moves when the story gains an outlet or its
facts, label or title change (the notify layer edits alerts on it). Cost per
member is bounded, whatever the story's size. Does not own: which story an
article joins (`stories.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from monitor.classify.story_facts import FactPolicy, merge_fields
from monitor.models import LABELS, EventFields, Label, Story

FACT_VOTERS = 64  # the first and the latest this many members vote on a story's facts


@dataclass(frozen=True, slots=True, kw_only=True)
class Member:
    """One article of a story."""

    article_id: int
    ts: float
    at: str  # ISO-8601 UTC of `ts`
    lang: str | None
    source: str
    outlet: str  # folded source name: outlets are counted case- and accent-blind
    title: str
    fields: EventFields
    label: Label
    score: float
    duplicate_of: int | None

    @property
    def rank(self) -> tuple[bool, bool, float, int]:
        """Representative order: originals, then English, then earliest.

        Duplicates never represent a story; English first because alerts are
        written in English; the earliest report names the event as it broke.
        """
        english = (self.lang or "").startswith("en")
        return (self.duplicate_of is not None, not english, self.ts, self.article_id)


@dataclass(slots=True)
class StoryState:
    """A story being built; `story` is its record as last published (None before any)."""

    id: int
    members: list[Member] = field(default_factory=list)
    story: Story | None = None
    live: int = 0  # members currently in the clusterer's indexes
    _outlets: set[str] = field(default_factory=set)
    _langs: set[str] = field(default_factory=set)
    _best: dict[str, float] = field(default_factory=dict)  # label -> highest score
    _rep: Member | None = None
    _first: str = ""
    _last: str = ""

    def absorb(self, m: Member) -> bool:
        """Take `m` in; True when it brings an outlet the story did not have."""
        self.members.append(m)
        new_outlet = m.outlet not in self._outlets
        self._outlets.add(m.outlet)
        if m.lang:
            self._langs.add(m.lang)
        self._best[m.label] = max(m.score, self._best.get(m.label, m.score))
        if self._rep is None or m.rank < self._rep.rank:
            self._rep = m
        self._first = min(self._first or m.at, m.at)
        self._last = max(self._last, m.at)
        return new_outlet

    def _facts(self, policy: FactPolicy) -> EventFields:
        voters = self.members
        if len(voters) > 2 * FACT_VOTERS:
            voters = voters[:FACT_VOTERS] + voters[-FACT_VOTERS:]
        return merge_fields([m.fields for m in voters], policy)

    def _label(self) -> tuple[Label, float]:
        """The most serious label any member has (enforcement > investigation > other)."""
        for label in LABELS:
            if label in self._best:
                return label, self._best[label]
        return "other", 0.0

    def publish(self, policy: FactPolicy, *, new_outlet: bool) -> bool:
        """Recompute `story`; bump its version when readers would see a change."""
        assert self._rep is not None, "a story has at least one member"
        old = self.story
        facts, (label, score), rep = self._facts(policy), self._label(), self._rep
        changed = (
            old is None
            or new_outlet
            or ((facts, label, rep.title) != (old.fields, old.label, old.title))
        )
        self.story = Story(
            id=self.id,
            first_seen=self._first,
            last_seen=self._last,
            title=rep.title,
            languages=tuple(sorted(self._langs)),
            representative_article_id=rep.article_id,
            label=label,
            score=score,
            fields=facts,
            source_count=len(self._outlets),
            version=1 if old is None else old.version + (1 if changed else 0),
        )
        return changed
