"""Subscribers table: Telegram chats that receive alerts, and their filters.

Owns: the SQL for subscribing, pausing, unsubscribing and deactivating chats.
Filters are kept as a JSON object whose meaning belongs to
`monitor.notify.filters`; this module never interprets them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from monitor.store.outbox import stamp


@dataclass(frozen=True, slots=True, kw_only=True)
class Subscriber:
    """One chat; `filters` is the stored JSON object (see `monitor.notify.filters`)."""

    chat_id: int
    username: str | None
    active: bool
    paused: bool
    filters: dict[str, Any]
    lang: str | None
    created_at: str
    updated_at: str
    deactivated_reason: str | None

    @property
    def receiving(self) -> bool:
        return self.active and not self.paused


def _subscriber(row: dict[str, Any]) -> Subscriber:
    return Subscriber(
        chat_id=row["chat_id"],
        username=row["username"],
        active=bool(row["active"]),
        paused=bool(row["paused"]),
        filters=json.loads(row["filters"] or "{}"),
        lang=row["lang"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        deactivated_reason=row["deactivated_reason"],
    )


class SubscriberRepo:
    """Reads and writes the `subscribers` table."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, chat_id: int) -> Subscriber | None:
        rows = list(self._db["subscribers"].rows_where("chat_id = ?", [chat_id]))
        return _subscriber(rows[0]) if rows else None

    def subscribe(
        self,
        chat_id: int,
        *,
        username: str | None,
        lang: str | None,
        now: datetime,
        filters: dict[str, Any] | None = None,
    ) -> Subscriber:
        """Activate `chat_id` (creating it if new); replace its filters when given."""
        encoded = json.dumps(filters or {}, sort_keys=True, ensure_ascii=False)
        self._db.execute(
            """INSERT INTO subscribers (chat_id, username, active, paused, filters, lang,
                 created_at, updated_at)
               VALUES (?, ?, 1, 0, ?, ?, ?, ?)
               ON CONFLICT(chat_id) DO UPDATE SET active = 1, paused = 0,
                 deactivated_reason = NULL,
                 username = coalesce(excluded.username, subscribers.username),
                 lang = coalesce(excluded.lang, subscribers.lang),
                 filters = CASE WHEN ? THEN excluded.filters ELSE subscribers.filters END,
                 updated_at = excluded.updated_at""",
            [chat_id, username, encoded, lang, stamp(now), stamp(now), filters is not None],
        )
        found = self.get(chat_id)
        assert found is not None  # just written
        return found

    def set_paused(self, chat_id: int, paused: bool, *, now: datetime) -> bool:
        """Pause or resume an active subscriber; False when there is none."""
        cur = self._db.execute(
            "UPDATE subscribers SET paused = ?, updated_at = ? WHERE chat_id = ? AND active = 1",
            [int(paused), stamp(now), chat_id],
        )
        return cur.rowcount == 1

    def deactivate(self, chat_id: int, reason: str, *, now: datetime) -> bool:
        """Stop sending to `chat_id`, keeping why (unsubscribed, blocked the bot...)."""
        cur = self._db.execute(
            "UPDATE subscribers SET active = 0, deactivated_reason = ?, updated_at = ? "
            "WHERE chat_id = ? AND active = 1",
            [reason, stamp(now), chat_id],
        )
        return cur.rowcount == 1

    def receiving(self) -> list[Subscriber]:
        """Active, non-paused subscribers, by chat id."""
        return [
            _subscriber(r)
            for r in self._db["subscribers"].rows_where(
                "active = 1 AND paused = 0", order_by="chat_id"
            )
        ]

    def counts(self) -> dict[str, int]:
        """Subscribers by state: active, paused, inactive."""
        row = self._db.execute(
            "SELECT sum(active = 1 AND paused = 0), sum(active = 1 AND paused = 1), "
            "sum(active = 0) FROM subscribers"
        ).fetchone()
        return {"active": row[0] or 0, "paused": row[1] or 0, "inactive": row[2] or 0}
