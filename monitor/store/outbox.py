"""Alerts and deliveries tables: the durable outbox of notifications.

Owns: upserting alert payloads and the SQL of the delivery state machine (one
row per alert, channel and recipient, keyed by an idempotency key):

    pending ──claim──> sending ──mark_sent──> sent ──(new alert version)──> pending
       ^                  │
       └──retry_later─────┤──finish──> dead | cancelled

A row in `sending` whose lease (`next_attempt`) has passed was left by a process
that died mid-delivery; `due` hands it out again. Does not own: deciding who
gets what, backoff delays or alert contents (see `monitor.notify.outbox`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database

from monitor.redact import redact


def stamp(moment: datetime) -> str:
    """UTC ISO-8601 with milliseconds: fixed width, so strings compare like times."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def retry_delivery(db: Database, delivery_id: int, *, error: str, at: datetime) -> None:
    """Any delivery row (alert or digest) back to pending, with its error, due at `at`."""
    db.execute(
        "UPDATE deliveries SET status = 'pending', last_error = ?, next_attempt = ? WHERE id = ?",
        [redact(error), stamp(at), delivery_id],
    )


def end_delivery(db: Database, delivery_id: int, *, status: str, error: str) -> None:
    """End any delivery row for good: `dead` (failed) or `cancelled` (no longer wanted)."""
    db.execute(
        "UPDATE deliveries SET status = ?, last_error = ?, next_attempt = NULL WHERE id = ?",
        [status, redact(error), delivery_id],
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class AlertRow:
    """One stored alert; `payload` is the alert's JSON (see `monitor.notify.alerts`)."""

    id: str
    story_id: int
    label: str
    version: int
    payload: str
    created_at: str
    updated_at: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliveryRow:
    """One (alert, channel, recipient) delivery and how far it got."""

    id: int
    idempotency_key: str
    alert_id: str
    kind: str
    channel: str
    recipient: str
    alert_version: int
    sent_version: int
    status: str
    attempts: int
    next_attempt: str | None
    last_error: str | None
    external_id: str | None
    created_at: str
    sent_at: str | None


class AlertRepo:
    """Reads and writes the `alerts` table."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, alert_id: str) -> AlertRow | None:
        rows = list(self._db["alerts"].rows_where("id = ?", [alert_id]))
        return AlertRow(**rows[0]) if rows else None

    def save(
        self, *, alert_id: str, story_id: int, label: str, version: int, payload: str, now: datetime
    ) -> None:
        """Insert or replace the payload of `alert_id` (created_at is kept)."""
        self._db.execute(
            """INSERT INTO alerts (id, story_id, label, version, payload, created_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(id) DO UPDATE SET label = excluded.label,
                 version = excluded.version, payload = excluded.payload,
                 updated_at = excluded.updated_at""",
            [alert_id, story_id, label, version, payload, stamp(now), stamp(now)],
        )

    def recent(
        self, *, since: str | None = None, labels: Sequence[str] | None = None, limit: int = 50
    ) -> list[AlertRow]:
        """Alerts updated at or after `since` (ISO string), newest first."""
        where, args = ["1 = 1"], []
        if since:
            where.append("updated_at >= ?")
            args.append(since)
        if labels:
            where.append(f"label IN ({', '.join('?' for _ in labels)})")
            args.extend(labels)
        rows = self._db.execute(
            f"SELECT * FROM alerts WHERE {' AND '.join(where)} "
            "ORDER BY updated_at DESC, id DESC LIMIT ?",
            [*args, limit],
        )
        cols = [c[0] for c in rows.description]
        return [AlertRow(**dict(zip(cols, r, strict=True))) for r in rows.fetchall()]


class DeliveryRepo:
    """The `deliveries` table: one row per (alert, channel, recipient)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def _rows(self, sql: str, args: Sequence[Any]) -> list[DeliveryRow]:
        cur = self._db.execute(sql, list(args))
        cols = [c[0] for c in cur.description]
        return [DeliveryRow(**dict(zip(cols, r, strict=True))) for r in cur.fetchall()]

    def enqueue(
        self, *, alert_id: str, version: int, targets: Iterable[tuple[str, str]], now: datetime
    ) -> int:
        """Ask for `version` of `alert_id` to reach each (channel, recipient).

        New rows start pending. Known rows are raised to `version` (never lowered);
        a row already sent becomes pending again, one being sent stays `sending`
        (its acknowledgement decides), and dead or cancelled rows stay so.
        Returns how many rows were created or raised.
        """
        changed = 0
        with self._db.atomic():
            for channel, recipient in targets:
                cur = self._db.execute(
                    """INSERT INTO deliveries (idempotency_key, alert_id, channel, recipient,
                         alert_version, status, created_at, next_attempt)
                       VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)
                       ON CONFLICT(idempotency_key) DO UPDATE SET
                         alert_version = excluded.alert_version,
                         status = CASE WHEN deliveries.status = 'sent' THEN 'pending'
                                       ELSE deliveries.status END,
                         attempts = CASE WHEN deliveries.status = 'sent' THEN 0
                                         ELSE deliveries.attempts END,
                         next_attempt = CASE WHEN deliveries.status = 'sent'
                                             THEN excluded.next_attempt
                                             ELSE deliveries.next_attempt END
                       WHERE excluded.alert_version > deliveries.alert_version""",
                    [
                        delivery_key(alert_id, channel, recipient),
                        alert_id,
                        channel,
                        recipient,
                        version,
                        stamp(now),
                        stamp(now),
                    ],
                )
                changed += cur.rowcount
        return changed

    def due(self, now: datetime, *, channels: Sequence[str], limit: int = 500) -> list[DeliveryRow]:
        """Rows to work on now: pending and due, or `sending` with an expired lease."""
        if not channels:
            return []
        marks = ", ".join("?" for _ in channels)
        return self._rows(
            f"""SELECT * FROM deliveries WHERE channel IN ({marks}) AND (
                  (status = 'pending' AND (next_attempt IS NULL OR next_attempt <= ?))
                  OR (status = 'sending' AND next_attempt <= ?))
                ORDER BY id LIMIT ?""",
            [*channels, stamp(now), stamp(now), limit],
        )

    def claim(self, row: DeliveryRow, *, now: datetime, lease_until: datetime) -> bool:
        """Move `row` to `sending` (committed) unless someone else changed it meanwhile."""
        cur = self._db.execute(
            """UPDATE deliveries SET status = 'sending', attempts = attempts + 1,
                 next_attempt = ? WHERE id = ? AND status = ? AND attempts = ?
                 AND (next_attempt IS NULL OR next_attempt <= ?)""",
            [stamp(lease_until), row.id, row.status, row.attempts, stamp(now)],
        )
        return cur.rowcount == 1

    def mark_sent(
        self, delivery_id: int, *, version: int, external_id: str | None, now: datetime
    ) -> None:
        """The channel acknowledged `version`; pending again if a newer one arrived meanwhile."""
        self._db.execute(
            """UPDATE deliveries SET sent_version = ?, external_id = coalesce(?, external_id),
                 status = CASE WHEN alert_version > ? THEN 'pending' ELSE 'sent' END,
                 attempts = 0, next_attempt = NULL, last_error = NULL, sent_at = ?
               WHERE id = ?""",
            [version, external_id, version, stamp(now), delivery_id],
        )

    def retry_later(self, delivery_id: int, *, error: str, at: datetime) -> None:
        """Back to pending, due again `at`."""
        retry_delivery(self._db, delivery_id, error=error, at=at)

    def postpone(self, delivery_id: int, *, until: str) -> None:
        """Not before `until` (ISO), without counting an attempt (the channel asked to wait)."""
        self._db.execute(
            "UPDATE deliveries SET next_attempt = max(coalesce(next_attempt, ''), ?) "
            "WHERE id = ? AND status = 'pending'",
            [until, delivery_id],
        )

    def finish(self, delivery_id: int, *, status: str, error: str) -> None:
        """End a row for good: `dead` (failed) or `cancelled` (no longer wanted)."""
        end_delivery(self._db, delivery_id, status=status, error=error)

    def cancel_recipient(self, channel: str, recipient: str, reason: str) -> int:
        """Cancel every unfinished row of one recipient (unsubscribed, paused, gone)."""
        cur = self._db.execute(
            "UPDATE deliveries SET status = 'cancelled', last_error = ?, next_attempt = NULL "
            "WHERE channel = ? AND recipient = ? AND status IN ('pending', 'sending')",
            [reason, channel, recipient],
        )
        return cur.rowcount

    def next_due(self, *, channels: Sequence[str]) -> str | None:
        """When the earliest unfinished row of `channels` becomes due (ISO), if any."""
        if not channels:
            return None
        marks = ", ".join("?" for _ in channels)
        row = self._db.execute(
            f"SELECT min(coalesce(next_attempt, created_at)) FROM deliveries "
            f"WHERE channel IN ({marks}) AND status IN ('pending', 'sending')",
            list(channels),
        ).fetchone()
        return row[0] if row else None

    def get(self, delivery_id: int) -> DeliveryRow | None:
        rows = self._rows("SELECT * FROM deliveries WHERE id = ?", [delivery_id])
        return rows[0] if rows else None

    def for_alert(self, alert_id: str) -> list[DeliveryRow]:
        return self._rows("SELECT * FROM deliveries WHERE alert_id = ? ORDER BY id", [alert_id])

    def by_status(self) -> dict[str, int]:
        cur = self._db.execute("SELECT status, count(*) FROM deliveries GROUP BY 1 ORDER BY 1")
        return {r[0]: r[1] for r in cur.fetchall()}


def delivery_key(alert_id: str, channel: str, recipient: str) -> str:
    """Idempotency key of one (alert, channel, recipient); also sent to webhook receivers."""
    return f"{alert_id}|{channel}|{recipient}"
