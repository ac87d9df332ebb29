"""Story clustering wired to the store: what the pipeline and `monitor cluster` call.

Owns: `load_clusterer` (a `StoryClusterer` rebuilt from the store's recent
stories after a restart), `assign_articles` (assign a batch of new articles
and persist stories, article links, vectors and signatures in one
transaction) and `cluster_documents` (the very same path for a list of
documents in a throwaway store, for `monitor cluster`, the evaluation script
and tests). Does not own: the decisions (`monitor.classify.stories`), the SQL
(`monitor.store.stories`), the encoder or the field extractor.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from monitor.classify import dedup
from monitor.classify.base import Encoder, Vectors
from monitor.classify.stories import (
    Assignment,
    ClusterDoc,
    StoredMember,
    StoryClusterer,
    event_time,
    story_text,
)
from monitor.config import DedupSettings
from monitor.errors import ModelError, StoreError
from monitor.models import LABELS, Article, Classification, EventFields, Feed, Label
from monitor.sources.lang import choose_lang
from monitor.store import Store

FieldExtractor = Callable[[str, str, str | None], EventFields]
FactsMode = Literal["classifier", "extract", "input", "none"]
CLI_FEED = "monitor-cluster"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True, kw_only=True)
class ClusterItem:
    """One new article for `assign_articles`: its doc, title+lead vector, facts and label."""

    doc: ClusterDoc
    vector: npt.NDArray[np.float32]
    fields: EventFields = field(default_factory=EventFields)
    label: Label = "other"
    score: float = 0.0

    @property
    def article_id(self) -> int:
        return self.doc.id


def _as_item(item: ClusterItem | tuple[Any, ...]) -> ClusterItem:
    if isinstance(item, ClusterItem):
        return item
    article_id, doc, vector, fields, label, score = item
    if doc.id != article_id:
        raise ValueError(f"article id {article_id} does not match its ClusterDoc id {doc.id}")
    return ClusterItem(
        doc=doc, vector=vector, fields=fields or EventFields(), label=label, score=score
    )


def load_clusterer(
    store: Store, settings: DedupSettings, *, dim: int, model: str, now: datetime
) -> StoryClusterer:
    """A clusterer holding the stories seen in the last `window_days` before `now`."""
    clusterer = StoryClusterer(dim, settings, model=model)
    _restore(store, clusterer, now)
    return clusterer


def _restore(store: Store, clusterer: StoryClusterer, now: datetime) -> None:
    since = (now - timedelta(days=clusterer.settings.window_days)).astimezone(UTC).isoformat()
    repo = store.stories
    members = [
        StoredMember(
            story_id=r.story_id,
            doc=ClusterDoc(
                id=r.article_id,
                title=r.title,
                text=r.text,
                lang=r.lang,
                published=r.published,
                source=r.source,
                fetched=r.fetched,
            ),
            vector=(
                np.frombuffer(r.vector, dtype="<f4").astype(np.float32)
                if r.vector is not None and len(r.vector) == 4 * clusterer.dim
                else None
            ),
            signature=dedup.signature_from_bytes(r.signature) if r.signature else None,
            fields=r.fields,
            label=r.label,
            score=r.score,
            duplicate_of=r.duplicate_of,
        )
        for r in repo.recent_members(since, model=clusterer.model)
    ]
    clusterer.restore(members, repo.recent(since), repo.max_id() + 1)


def assign_articles(
    store: Store,
    clusterer: StoryClusterer,
    items: Iterable[ClusterItem | tuple[Any, ...]],
    now: datetime,
) -> list[Assignment]:
    """Assign new articles to stories and persist the outcome; the pipeline's entry point.

    `items` are `ClusterItem`s or `(article_id, ClusterDoc, vector, fields,
    label, score)` tuples; `vector` encodes `story_text(title, text)`.
    Everything is written in one transaction. If writing fails, the
    clusterer is rebuilt from the store (so memory never runs ahead of the
    database) and the error propagates.
    """
    repo = store.stories
    out: list[Assignment] = []
    try:
        with store.db.atomic():
            for item in map(_as_item, items):
                sig = clusterer.signature_of(item.doc)
                got = clusterer.assign(
                    item.doc,
                    item.vector,
                    item.fields,
                    label=item.label,
                    score=item.score,
                    signature=sig,
                )
                out.append(got)
                if got.reason == "repeat":
                    continue
                vec = np.asarray(item.vector, dtype="<f4").reshape(-1)
                repo.save_vector(item.article_id, clusterer.model, vec.tobytes())
                if sig is not None:
                    repo.save_signature(item.article_id, dedup.signature_bytes(sig))
                repo.save(got.story, now=now)
                repo.attach(item.article_id, got.story_id, got.duplicate_of)
    except Exception as e:
        clusterer.reset()
        _restore(store, clusterer, now)
        if isinstance(e, sqlite3.Error):
            raise StoreError(f"cannot save story assignments: {e}") from e
        raise
    return out


# -- batch clustering of documents (monitor cluster) ----------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class InputDoc:
    """One document to cluster in batch; `key` is the caller's id, echoed back."""

    key: Any
    title: str
    text: str
    lang: str | None = None
    published: str | None = None
    source: str = "unknown"
    fields: EventFields | None = None  # given facts (else the extractor's)
    label: Label = "other"
    score: float = 0.0


def parse_jsonl(lines: Iterable[str]) -> list[InputDoc]:
    """Parse `monitor cluster` input: one JSON object a line (`id`, `title`, `text` needed).

    Optional keys: `published`, `source`, `lang`, and `fields`, `label`,
    `score` (facts and verdict already known). Raises ValueError naming the line.
    """
    docs: list[InputDoc] = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            docs.append(_input_doc(json.loads(line)))
        except (ValueError, TypeError, KeyError) as e:
            raise ValueError(f"line {n}: {e}") from e
    return docs


def _input_doc(obj: Any) -> InputDoc:
    if not isinstance(obj, dict):
        raise TypeError("expected a JSON object")
    missing = [k for k in ("id", "title", "text") if k not in obj]
    if missing:
        raise KeyError(f"missing key(s): {', '.join(missing)}")
    label = obj.get("label") or "other"
    if label not in LABELS:
        raise ValueError(f"label must be one of {', '.join(LABELS)}")
    facts = obj.get("fields")
    return InputDoc(
        key=obj["id"],
        title=str(obj["title"] or ""),
        text=str(obj["text"] or ""),
        lang=choose_lang(obj.get("lang"), None, f"{obj['title']}\n{obj['text']}"),
        published=obj.get("published"),
        source=str(obj.get("source") or "unknown"),
        fields=EventFields(**facts) if isinstance(facts, dict) else None,
        label=label,
        score=float(obj.get("score") or 0.0),
    )


def default_extractor() -> FieldExtractor | None:
    """`monitor.classify.fields.extract_fields` when installed, else None."""
    try:
        from monitor.classify.fields import extract_fields
    except ImportError:
        return None
    return extract_fields


def analyse_documents(
    docs: Sequence[InputDoc], *, encoder: Encoder, facts: FactsMode, classifier: Any = None
) -> tuple[list[Classification], Vectors]:
    """Verdicts (label, score, facts) and `story_text` vectors of `docs`.

    facts: "classifier" runs `classifier` (a `monitor.classify.classifier.Classifier`)
    exactly as the pipeline does and reuses its vectors; "extract" runs the
    field extractor on every document, keeping the input's label; "input"
    takes the facts given in the input; "none" uses no facts.
    """
    if facts == "classifier":
        from monitor.classify.classifier import Doc

        verdicts, vectors = classifier.classify_with_vectors(
            [Doc(title=d.title, text=d.text, lang=d.lang) for d in docs]
        )
        return list(verdicts), vectors
    vectors = encoder.encode([story_text(d.title, d.text) for d in docs])
    extractor = default_extractor() if facts == "extract" else None
    if facts == "extract" and extractor is None:
        raise ModelError("monitor.classify.fields is not available to extract facts")
    out = []
    for d in docs:
        fields = EventFields()
        if extractor is not None:
            fields = extractor(d.title, d.text, d.lang)
        elif facts == "input" and d.fields is not None:
            fields = d.fields
        out.append(Classification(label=d.label, score=d.score, fields=fields))
    return out, vectors


def _reference_time(docs: Sequence[InputDoc]) -> datetime:
    """Latest published date of the input: a deterministic "now" for undated documents."""
    times = [t for t in (event_time(d.published, None) for d in docs) if t is not None]
    return max(times, default=_EPOCH)


def cluster_documents(
    docs: Sequence[InputDoc],
    verdicts: Sequence[Classification],
    vectors: Vectors,
    *,
    settings: DedupSettings,
    model: str,
    store_path: Path | None = None,
) -> list[Assignment]:
    """Cluster `docs` through the online path in a temporary store; one result per doc.

    Documents are assigned in time order (stable for equal times) whatever
    the input order, so the result depends only on the documents.
    """
    if not (len(docs) == len(verdicts) == len(vectors)):
        raise ValueError("docs, verdicts and vectors must have the same length")
    if not docs:
        return []
    now = _reference_time(docs)
    order = sorted(
        range(len(docs)),
        key=lambda i: ((event_time(docs[i].published, None) or now).timestamp(), i),
    )
    with (
        tempfile.TemporaryDirectory(prefix="monitor-cluster-") as tmp,
        Store(store_path or Path(tmp) / "cluster.db") as store,
    ):
        store.feeds.sync([Feed(name=CLI_FEED, url="file:monitor-cluster", enabled=False)])
        items = []
        for i in order:
            d, v = docs[i], verdicts[i]
            # In a batch, documents "arrive" in event-time order: the window slides with them.
            arrived = (event_time(d.published, None) or now).isoformat()
            doc = ClusterDoc(
                id=_insert(store, i, d, arrived),
                title=d.title,
                text=d.text,
                lang=d.lang,
                published=d.published,
                source=d.source,
                fetched=arrived,
            )
            items.append(
                ClusterItem(
                    doc=doc, vector=vectors[i], fields=v.fields, label=v.label, score=v.score
                )
            )
        clusterer = StoryClusterer(vectors.shape[1], settings, model=model)
        got = assign_articles(store, clusterer, items, now)
    by_input = dict(zip(order, got, strict=True))
    return [by_input[i] for i in range(len(docs))]


def _insert(store: Store, n: int, doc: InputDoc, fetched: str) -> int:
    article = Article(
        url=f"urn:monitor-cluster:{n}",
        guid=None,
        feed=CLI_FEED,
        source=doc.source,
        title=doc.title,
        summary="",
        text=doc.text,
        lang=doc.lang,
        published=doc.published,
        fetched=fetched,
        content_hash=hashlib.sha256(doc.text.encode()).hexdigest(),
    )
    article_id = store.articles.insert(article)
    assert article_id is not None  # fresh store, unique URLs
    return article_id
