"""Stories, article vectors and MinHash signatures: all their SQL.

Owns: upserting `stories` rows, attaching articles to a story
(`articles.story_id`, `articles.duplicate_of`), storing title+lead vectors
(float32 bytes, with the model name) and MinHash signatures, and reading back
what a restart needs (every member of the stories seen since a given time)
and what alerts list (`members`). Does not own: deciding which story an
article joins (`monitor.classify.stories`) or encoding vectors and
signatures (callers pass bytes).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database

from monitor.models import AlertSource, EventFields, Label, Story
from monitor.store.fieldcols import FIELD_COLUMNS as _FIELDS
from monitor.store.fieldcols import from_columns, to_columns

_STORY_COLS = (
    "id",
    "first_seen",
    "last_seen",
    "title",
    "languages",
    "representative_article_id",
    "label",
    "score",
    *_FIELDS,
    "source_count",
    "version",
    "updated_at",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberRow:
    """One stored article of a story, with what the clusterer needs to re-index it."""

    article_id: int
    story_id: int
    title: str
    text: str
    lang: str | None
    source: str
    published: str | None
    fetched: str
    duplicate_of: int | None
    vector: bytes | None  # float32, only when stored by the requested model
    signature: bytes | None
    label: Label
    score: float
    fields: EventFields


def _languages(raw: str | None) -> tuple[str, ...]:
    # Written as "en,fr"; a JSON list (older rows, hand-made stores) reads the same.
    raw = (raw or "").strip()
    if raw.startswith("["):
        return tuple(str(x) for x in json.loads(raw))
    return tuple(p.strip() for p in raw.split(",") if p.strip())


def story_from_row(row: dict[str, Any]) -> Story:
    """A `stories` row (column name -> value) as a `Story`."""
    return Story(
        id=row["id"],
        first_seen=row["first_seen"],
        last_seen=row["last_seen"],
        title=row["title"],
        languages=_languages(row["languages"]),
        representative_article_id=row["representative_article_id"] or 0,
        label=row["label"],
        score=float(row["score"]),
        fields=from_columns(row),
        source_count=row["source_count"],
        version=row["version"],
    )


# Stories that received an article at or after the parameter (fetch time, ISO-8601 UTC).
_ARRIVED_SINCE = (
    "SELECT DISTINCT story_id FROM articles WHERE fetched >= ? AND story_id IS NOT NULL"
)


class StoryRepo:
    """Reads and writes `stories`, `article_vectors`, `article_signatures` and story links."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def save(self, story: Story, *, now: datetime) -> None:
        """Insert or update `story` (the clusterer chooses ids; one writer per store)."""
        f = story.fields
        values = [
            story.id,
            story.first_seen,
            story.last_seen,
            story.title,
            ",".join(story.languages),
            story.representative_article_id or None,
            story.label,
            story.score,
            *to_columns(f),
            story.source_count,
            story.version,
            now.astimezone(UTC).isoformat(timespec="milliseconds"),
        ]
        updates = ", ".join(f"{c} = excluded.{c}" for c in _STORY_COLS[1:])
        self._db.execute(
            f"INSERT INTO stories ({', '.join(_STORY_COLS)}) "
            f"VALUES ({', '.join('?' for _ in _STORY_COLS)}) "
            f"ON CONFLICT(id) DO UPDATE SET {updates}",
            values,
        )

    def attach(self, article_id: int, story_id: int, duplicate_of: int | None) -> None:
        """Record that `article_id` tells story `story_id` (and copies `duplicate_of`)."""
        self._db.execute(
            "UPDATE articles SET story_id = ?, duplicate_of = ? WHERE id = ?",
            [story_id, duplicate_of, article_id],
        )

    def save_vector(self, article_id: int, model: str, vector: bytes) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO article_vectors (article_id, model, vector) VALUES (?, ?, ?)",
            [article_id, model, vector],
        )

    def save_signature(self, article_id: int, signature: bytes) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO article_signatures (article_id, minhash) VALUES (?, ?)",
            [article_id, signature],
        )

    def get(self, story_id: int) -> Story | None:
        cur = self._db.execute("SELECT * FROM stories WHERE id = ?", [story_id])
        row = cur.fetchone()
        if row is None:
            return None
        return story_from_row(dict(zip([c[0] for c in cur.description], row, strict=True)))

    def recent(self, since: str) -> list[Story]:
        """Stories with an article fetched at or after `since` (ISO-8601 UTC), oldest id first.

        Arrival, not event time: a story about an old event that we received
        today is recent for the clusterer.
        """
        cur = self._db.execute(
            f"SELECT * FROM stories WHERE id IN ({_ARRIVED_SINCE}) ORDER BY id", [since[:19]]
        )
        cols = [c[0] for c in cur.description]
        return [story_from_row(dict(zip(cols, r, strict=True))) for r in cur.fetchall()]

    def max_id(self) -> int:
        return int(self._db.execute("SELECT coalesce(max(id), 0) FROM stories").fetchone()[0])

    def recent_members(self, since: str, *, model: str) -> list[MemberRow]:
        """Every article of the stories that received an article since `since`, oldest first.

        Goes through `articles.fetched` and `articles.story_id` (both indexed),
        so a restart reads the recent stories, not the whole store.
        """
        cur = self._db.execute(
            f"""SELECT a.id, a.story_id, a.title, a.text, a.lang, a.source, a.published,
                       a.fetched, a.duplicate_of, v.vector, s.minhash,
                       coalesce(c.label, 'other'), coalesce(c.score, 0.0),
                       {", ".join(f"c.{k}" for k in _FIELDS)}
                FROM stories st
                JOIN articles a ON a.story_id = st.id
                LEFT JOIN article_vectors v ON v.article_id = a.id AND v.model = ?
                LEFT JOIN article_signatures s ON s.article_id = a.id
                LEFT JOIN classifications c ON c.article_id = a.id
                WHERE st.id IN ({_ARRIVED_SINCE})
                ORDER BY coalesce(a.published, a.fetched), a.id""",
            [model, since[:19]],
        )
        return [
            MemberRow(
                article_id=r[0],
                story_id=r[1],
                title=r[2],
                text=r[3],
                lang=r[4],
                source=r[5],
                published=r[6],
                fetched=r[7],
                duplicate_of=r[8],
                vector=r[9],
                signature=r[10],
                label=r[11],
                score=float(r[12]),
                fields=from_columns(r[13:]),
            )
            for r in cur.fetchall()
        ]

    def members(self, story_id: int) -> list[AlertSource]:
        """The articles of a story as alert sources, oldest first."""
        cur = self._db.execute(
            """SELECT source, lang, url, title, published FROM articles WHERE story_id = ?
               ORDER BY coalesce(published, fetched), id""",
            [story_id],
        )
        return [
            AlertSource(outlet=r[0], lang=r[1], url=r[2], title=r[3], published=r[4])
            for r in cur.fetchall()
        ]

    def of_article(self, article_id: int) -> tuple[int | None, int | None]:
        """(story_id, duplicate_of) of an article; (None, None) when unassigned or unknown."""
        row = self._db.execute(
            "SELECT story_id, duplicate_of FROM articles WHERE id = ?", [article_id]
        ).fetchone()
        return (row[0], row[1]) if row else (None, None)
