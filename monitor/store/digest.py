"""SQL of the daily digest: the stories of a day with their sources, and digest deliveries.

Owns: selecting the stories that had an article in a time window (an article's
time is `published`, else `fetched`), reading their sources, and the digest
rows of the `deliveries` table (kind 'digest', channel 'email', one row per
date and recipient, keyed `digest:<date>:<recipient>`):

    pending ──claim──> sending ──mark_sent──> sent
       ^                  │
       └──retry_later─────┴──finish──> dead

Does not own: what the digest says, how it looks, or when to retry (see
`monitor.notify.digest`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlite_utils import Database

from monitor.models import AlertSource, Story
from monitor.store.outbox import end_delivery, retry_delivery, stamp
from monitor.store.stories import story_from_row

KIND = "digest"
CHANNEL = "email"

# julianday() reads ISO-8601 with any offset ("+00:00", "Z") or none, so rows
# written by different stages compare as instants, not as strings.
_ARTICLE_TIME = "julianday(coalesce(a.published, a.fetched))"


def digest_key(day: date, recipient: str) -> str:
    """Idempotency key of the digest of `day` for `recipient`."""
    return f"{KIND}:{day.isoformat()}:{recipient}"


def key_date(key: str) -> date:
    """The digest date inside a key made by `digest_key`."""
    return date.fromisoformat(key.split(":", 2)[1])


@dataclass(frozen=True, slots=True, kw_only=True)
class DigestDelivery:
    """One digest delivery row (the columns a digest uses)."""

    id: int
    idempotency_key: str
    recipient: str
    status: str
    attempts: int
    next_attempt: str | None
    last_error: str | None
    external_id: str | None
    created_at: str
    sent_at: str | None

    @property
    def day(self) -> date:
        return key_date(self.idempotency_key)


_COLS = ", ".join(
    (
        "id",
        "idempotency_key",
        "recipient",
        "status",
        "attempts",
        "next_attempt",
        "last_error",
        "external_id",
        "created_at",
        "sent_at",
    )
)


class DigestRepo:
    """Reads the stories of a day and reads/writes digest delivery rows."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def stories_between(
        self, start: datetime, end: datetime, *, labels: Sequence[str]
    ) -> list[tuple[Story, list[AlertSource]]]:
        """Stories labelled one of `labels` with an article timed in [start, end).

        Each story comes once, with its articles timed before `end` (oldest first),
        so the digest of a past day does not change when a story grows later.
        """
        if not labels:
            return []
        marks = ", ".join("?" for _ in labels)
        cur = self._db.execute(
            f"""SELECT s.* FROM stories s WHERE s.label IN ({marks}) AND EXISTS (
                  SELECT 1 FROM articles a WHERE a.story_id = s.id
                  AND {_ARTICLE_TIME} >= julianday(?) AND {_ARTICLE_TIME} < julianday(?))
                ORDER BY s.id""",
            [*labels, stamp(start), stamp(end)],
        )
        cols = [c[0] for c in cur.description]
        stories = [story_from_row(dict(zip(cols, r, strict=True))) for r in cur.fetchall()]
        return [(s, self._sources(s.id, end)) for s in stories]

    def _sources(self, story_id: int, end: datetime) -> list[AlertSource]:
        cur = self._db.execute(
            f"""SELECT a.source, a.lang, a.url, a.title, coalesce(a.published, a.fetched)
                FROM articles a WHERE a.story_id = ? AND {_ARTICLE_TIME} < julianday(?)
                ORDER BY {_ARTICLE_TIME}, a.id""",
            [story_id, stamp(end)],
        )
        return [
            AlertSource(outlet=r[0], lang=r[1], url=r[2], title=r[3], published=r[4])
            for r in cur.fetchall()
        ]

    # -- deliveries ---------------------------------------------------------------

    def _rows(self, where: str, args: Sequence[Any]) -> list[DigestDelivery]:
        cur = self._db.execute(
            f"SELECT {_COLS} FROM deliveries WHERE kind = ? AND channel = ? AND ({where}) "
            "ORDER BY id",
            [KIND, CHANNEL, *args],
        )
        names = [c[0] for c in cur.description]
        return [DigestDelivery(**dict(zip(names, r, strict=True))) for r in cur.fetchall()]

    def ensure(self, day: date, recipients: Sequence[str], *, now: datetime) -> int:
        """Create a pending row per recipient of the digest of `day`; known rows stay as
        they are (that is what makes a digest go out once). Returns rows created."""
        created = 0
        with self._db.atomic():
            for recipient in recipients:
                cur = self._db.execute(
                    """INSERT OR IGNORE INTO deliveries (idempotency_key, kind, channel,
                         recipient, status, created_at) VALUES (?, ?, ?, ?, 'pending', ?)""",
                    [digest_key(day, recipient), KIND, CHANNEL, recipient, stamp(now)],
                )
                created += cur.rowcount
        return created

    def for_day(self, day: date) -> list[DigestDelivery]:
        """Every row of the digest of `day`."""
        return self._rows("idempotency_key LIKE ?", [f"{KIND}:{day.isoformat()}:%"])

    def due(self, now: datetime) -> list[DigestDelivery]:
        """Rows to work on now: pending and due, or `sending` with an expired lease
        (a process died mid-send)."""
        t = stamp(now)
        return self._rows(
            "(status = 'pending' AND (next_attempt IS NULL OR next_attempt <= ?)) "
            "OR (status = 'sending' AND next_attempt <= ?)",
            [t, t],
        )

    def claim(self, row: DigestDelivery, *, now: datetime, lease_until: datetime) -> bool:
        """Move `row` to `sending` unless another process changed it since it was read."""
        cur = self._db.execute(
            """UPDATE deliveries SET status = 'sending', attempts = attempts + 1,
                 next_attempt = ? WHERE id = ? AND status = ? AND attempts = ?
                 AND status IN ('pending', 'sending')
                 AND (status = 'pending' OR next_attempt <= ?)""",
            [stamp(lease_until), row.id, row.status, row.attempts, stamp(now)],
        )
        return cur.rowcount == 1

    def mark_sent(self, delivery_id: int, *, message_id: str, now: datetime) -> None:
        """The SMTP server accepted the message."""
        self._db.execute(
            """UPDATE deliveries SET status = 'sent', external_id = ?, sent_at = ?,
                 next_attempt = NULL, last_error = NULL WHERE id = ?""",
            [message_id, stamp(now), delivery_id],
        )

    def retry_later(self, delivery_id: int, *, error: str, at: datetime) -> None:
        """Back to pending with the error kept; due again at `at`."""
        retry_delivery(self._db, delivery_id, error=error, at=at)

    def finish(self, delivery_id: int, *, error: str) -> None:
        """Give up on a row for good (too many attempts, or too old to be useful)."""
        end_delivery(self._db, delivery_id, status="dead", error=error)
