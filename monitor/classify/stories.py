"""Same-event story assignment across outlets and languages (in-memory core).

Owns: `StoryClusterer`, which puts each new article into an existing story or
a new one and keeps the window of recent articles and stories in memory (the
story records themselves are built by `story_state.StoryState`). For each
article:

1. near-duplicate: a MinHash LSH hit within the time window whose story's
   facts do not conflict -> same story, `duplicate_of` the original article;
2. else the k nearest title+lead embeddings within the window (usearch) are
   grouped by story; a story is kept only if its merged facts do not conflict
   (`story_facts.compare`) and the cosine similarity reaches a bar that is
   lower the more the facts confirm the match (`REQUIRED_SIMILARITY`);
3. else a new story.

Cost per article does not grow with the store: both indexes hold only the
window: an item leaves them `window_days` after it *arrived* (fetched, else
its event time), behind the latest arrival. Matching itself compares event
times (published, else fetched). Evicting by arrival rather than by event
time keeps a back-fill intact: a first poll that brings months of items feed
by feed, newest first, must not evict one outlet's report of an event before
another outlet's report of it is analysed. Does not own: SQL
(`monitor.store.stories`), embedding (the Encoder) or field extraction
(`fields.py`); `monitor.clustering` wires them.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from monitor.classify import dedup
from monitor.classify.classifier import embed_text
from monitor.classify.dedup import NearDuplicateIndex, Signature
from monitor.classify.story_facts import Evidence, FactPolicy, compare
from monitor.classify.story_state import Member, StoryState
from monitor.classify.vector_index import VectorIndex
from monitor.config import DedupSettings
from monitor.models import EventFields, Label, Story

NEIGHBOURS = 32
FUTURE_SLACK_S = 86_400  # a published date this far after fetching is a feed error
# Similarity bar, relative to `similarity_threshold`, by how much the facts agree.
# Calibrated on tests/data/stories (bench/eval_cluster.py): USE scores EN/FR
# reports of one event as low as 0.5 and look-alike events up to 0.78, so the
# facts, not the embedding, separate look-alikes.
REQUIRED_SIMILARITY: dict[Evidence, float] = {
    Evidence.STRONG: -0.25,
    Evidence.WEAK: -0.10,
    Evidence.NONE: +0.07,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class ClusterDoc:
    """What the clusterer needs to know about one article."""

    id: int
    title: str
    text: str
    lang: str | None
    published: str | None
    source: str
    fetched: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Assignment:
    """Where one article went, and its story as it stands afterwards.

    `reason` is "new", "near_duplicate", "similar" or "repeat" (already
    assigned); `similarity` is the estimated Jaccard for a near-duplicate and
    the cosine to the closest member for "similar". `changed` says the
    story's version moved (always true for a new story).
    """

    article_id: int
    story_id: int
    is_new_story: bool
    duplicate_of: int | None
    reason: str
    similarity: float | None
    story: Story
    changed: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredMember:
    """A stored article of a recent story, to rebuild the clusterer after a restart."""

    story_id: int
    doc: ClusterDoc
    vector: npt.NDArray[np.float32] | None
    signature: Signature | None
    fields: EventFields
    label: Label = "other"
    score: float = 0.0
    duplicate_of: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class _Match:
    story_id: int
    duplicate_of: int | None
    reason: str
    similarity: float


def story_text(title: str, text: str) -> str:
    """The text embedded for story matching: the classifier's title + lead.

    Deliberately the same text as `classifier.embed_text`, so the pipeline can
    pass the vectors `Classifier.classify_with_vectors` already computed.
    """
    return embed_text(title, text)


def _parse(ts: str | None) -> datetime | None:
    if not ts:
        return None
    try:
        parsed = datetime.fromisoformat(ts.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def event_time(published: str | None, fetched: str | None) -> datetime | None:
    """When an article happened for windowing: published, else fetched.

    A published date well after the fetch time is a feed error; the fetch
    time is used then, so one bogus date cannot push the window forward.
    """
    pub, got = _parse(published), _parse(fetched)
    if pub is not None and (got is None or pub.timestamp() <= got.timestamp() + FUTURE_SLACK_S):
        return pub
    return got


def arrival_time(doc: ClusterDoc, event_ts: float) -> float:
    """When `doc` reached us (its fetch time), never before its event time."""
    got = _parse(doc.fetched)
    return event_ts if got is None else max(got.timestamp(), event_ts)


class StoryClusterer:
    """Assigns articles to same-event stories; state is in memory, bounded by the window."""

    def __init__(
        self,
        encoder_dim: int,
        settings: DedupSettings,
        *,
        policy: FactPolicy | None = None,
        model: str = "",
    ) -> None:
        self.dim = encoder_dim
        self.settings = settings
        self.policy = policy or FactPolicy()
        self.model = model
        self.window_s = settings.window_days * 86_400.0
        self._hasher = dedup.MinHasher(settings.num_perm)
        self.reset()

    def reset(self) -> None:
        """Forget everything (the caller then restores from the store)."""
        self._vectors = VectorIndex(self.dim)
        self._near = NearDuplicateIndex(
            threshold=self.settings.minhash_threshold, num_perm=self.settings.num_perm
        )
        self._items: dict[int, tuple[int, float, int]] = {}  # article -> (story, ts, root)
        self._heap: list[tuple[float, int]] = []  # (arrival ts, article): eviction order
        self._stories: dict[int, StoryState] = {}
        self._horizon = float("-inf")  # newest event time seen (dates undated articles)
        self._arrived = float("-inf")  # newest arrival seen (drives eviction)
        self._next_id = 1

    def stats(self) -> dict[str, int]:
        """Sizes of the in-memory state (for benchmarks and health checks)."""
        return {
            "indexed": len(self._items),
            "stories": len(self._stories),
            "vectors": len(self._vectors),
            "signatures": len(self._near),
            "rebuilds": self._vectors.rebuilds,
        }

    def signature_of(self, doc: ClusterDoc) -> Signature | None:
        return self._hasher.signature(doc.title, doc.text)

    def assign(
        self,
        doc: ClusterDoc,
        vector: npt.ArrayLike,
        fields: EventFields | None = None,
        *,
        label: Label = "other",
        score: float = 0.0,
        signature: Signature | None = None,
    ) -> Assignment:
        """Put `doc` into a story; `vector` is the encoded `story_text` of the doc."""
        if doc.id in self._items:
            return self._repeat(doc.id)
        member = self._member(doc, fields or EventFields(), label, score, None)
        self._horizon = max(self._horizon, member.ts)
        arrival = arrival_time(doc, member.ts)
        self._advance(arrival)
        sig = signature if signature is not None else self.signature_of(doc)
        vec = np.asarray(vector, dtype=np.float32).reshape(self.dim)
        match = self._near_duplicate(sig, member) or self._similar(vec, member)
        if match is None:
            story_id, self._next_id = self._next_id, self._next_id + 1
            self._stories[story_id] = StoryState(story_id)
        else:
            story_id = match.story_id
            member = replace(member, duplicate_of=match.duplicate_of)
        self._index(story_id, member, vec, sig, arrival)
        state = self._stories[story_id]
        changed = state.publish(self.policy, new_outlet=state.absorb(member))
        assert state.story is not None
        return Assignment(
            article_id=doc.id,
            story_id=story_id,
            is_new_story=match is None,
            duplicate_of=member.duplicate_of,
            reason=match.reason if match else "new",
            similarity=match.similarity if match else None,
            story=state.story,
            changed=changed,
        )

    def restore(
        self, members: Iterable[StoredMember], stories: Iterable[Story], next_story_id: int
    ) -> None:
        """Rebuild the state from stored recent stories (their members and records).

        Every member counts towards its story's facts and outlets; only those
        that arrived inside the window (behind the latest arrival) enter the indexes.
        """
        rows = sorted(
            ((self._member(m.doc, m.fields, m.label, m.score, m.duplicate_of), m) for m in members),
            key=lambda r: (r[0].ts, r[0].article_id),
        )
        if rows:
            self._horizon = max(self._horizon, rows[-1][0].ts)
        arrivals = {m.article_id: arrival_time(s.doc, m.ts) for m, s in rows}
        self._arrived = max(self._arrived, *arrivals.values()) if arrivals else self._arrived
        cutoff = self._arrived - self.window_s
        for member, stored in rows:
            state = self._stories.setdefault(stored.story_id, StoryState(stored.story_id))
            state.absorb(member)
            arrival = arrivals[member.article_id]
            if arrival >= cutoff and member.article_id not in self._items:
                self._index(stored.story_id, member, stored.vector, stored.signature, arrival)
        records = {s.id: s for s in stories}
        for sid in list(self._stories):
            state = self._stories[sid]
            if state.live == 0:
                del self._stories[sid]
                continue
            state.publish(self.policy, new_outlet=False)
            if sid in records:  # the stored record (its version) is what readers have seen
                state.story = records[sid]
        self._next_id = max(self._next_id, next_story_id, max(self._stories, default=0) + 1)

    # -- internals ---------------------------------------------------------------------

    def _member(
        self,
        doc: ClusterDoc,
        fields: EventFields,
        label: Label,
        score: float,
        duplicate_of: int | None,
    ) -> Member:
        when = event_time(doc.published, doc.fetched)
        if when is None:  # no date at all: it happened "now", i.e. at the newest article seen
            when = datetime.fromtimestamp(max(self._horizon, 0.0), UTC)
        return Member(
            article_id=doc.id,
            ts=when.timestamp(),
            at=when.astimezone(UTC).isoformat(timespec="seconds"),
            lang=doc.lang,
            source=doc.source,
            title=doc.title,
            fields=fields,
            label=label,
            score=score,
            duplicate_of=duplicate_of,
            outlet=dedup.fold(doc.source) or doc.source,
        )

    def _advance(self, arrival: float) -> None:
        """Move the window forward to `arrival`; forget what arrived before it by a window."""
        self._arrived = max(self._arrived, arrival)
        cutoff = self._arrived - self.window_s
        while self._heap and self._heap[0][0] < cutoff:
            _, article_id = heapq.heappop(self._heap)
            story_id, _, _ = self._items.pop(article_id)
            self._vectors.remove(article_id)
            self._near.remove(article_id)
            state = self._stories.get(story_id)
            if state is not None:
                state.live -= 1
                if state.live <= 0:
                    del self._stories[story_id]

    def _index(
        self,
        story_id: int,
        member: Member,
        vector: npt.ArrayLike | None,
        sig: Signature | None,
        arrival: float,
    ) -> None:
        root = member.duplicate_of if member.duplicate_of is not None else member.article_id
        self._items[member.article_id] = (story_id, member.ts, root)
        heapq.heappush(self._heap, (arrival, member.article_id))
        if vector is not None:
            self._vectors.add(member.article_id, vector)
        if sig is not None:
            self._near.add(member.article_id, sig)
        self._stories.setdefault(story_id, StoryState(story_id)).live += 1

    def _consistent(self, story_id: int, member: Member) -> Evidence | None:
        """Evidence level when `member` may belong to the story, None on a fact conflict."""
        state = self._stories.get(story_id)
        if state is None or state.story is None:
            return None
        check = compare(
            member.fields,
            state.story.fields,
            self.policy,
            label_a=member.label,
            label_b=state.story.label,
        )
        return None if check.conflict else check.evidence

    def _near_duplicate(self, sig: Signature | None, member: Member) -> _Match | None:
        if sig is None:
            return None
        for key, score in self._near.query(sig):
            story_id, ts, root = self._items[key]
            in_window = abs(ts - member.ts) <= self.window_s
            if in_window and self._consistent(story_id, member) is not None:
                return _Match(
                    story_id=story_id, duplicate_of=root, reason="near_duplicate", similarity=score
                )
        return None

    def _similar(self, vector: npt.NDArray[np.float32], member: Member) -> _Match | None:
        floor = self.settings.similarity_threshold + min(REQUIRED_SIMILARITY.values())
        best: dict[int, float] = {}
        for key, sim in self._vectors.search(vector, NEIGHBOURS):
            if sim < floor:
                break  # most similar first: no later neighbour can pass any bar
            story_id, ts, _ = self._items[key]
            if abs(ts - member.ts) <= self.window_s and sim > best.get(story_id, -1.0):
                best[story_id] = sim
        ranked: list[tuple[Evidence, float, int]] = []
        for story_id, sim in best.items():
            evidence = self._consistent(story_id, member)
            if evidence is None:
                continue
            if sim >= self.settings.similarity_threshold + REQUIRED_SIMILARITY[evidence]:
                ranked.append((evidence, sim, -story_id))
        if not ranked:
            return None
        # Stronger factual evidence first, then similarity, then the older story.
        _, sim, neg_id = max(ranked)
        return _Match(story_id=-neg_id, duplicate_of=None, reason="similar", similarity=sim)

    def _repeat(self, article_id: int) -> Assignment:
        story_id, _, root = self._items[article_id]
        story = self._stories[story_id].story
        assert story is not None
        return Assignment(
            article_id=article_id,
            story_id=story_id,
            is_new_story=False,
            duplicate_of=None if root == article_id else root,
            reason="repeat",
            similarity=None,
            story=story,
            changed=False,
        )
