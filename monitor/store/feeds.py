"""Feeds table: configured feeds and their polling state.

Owns: syncing configured feeds into the table and reading/writing per-feed
polling state (etag, last_modified, errors, next poll). Does not own: the
decisions about when to poll or back off (see `monitor.polling`).
"""

from __future__ import annotations

import dataclasses

from sqlite_utils import Database

from monitor.models import Feed, FeedState

_STATE_FIELDS = tuple(f.name for f in dataclasses.fields(FeedState))


class FeedRepo:
    """Reads and writes the `feeds` table."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def sync(self, feeds: list[Feed]) -> None:
        """Insert new configured feeds and update url/lang/interval/enabled of known ones.

        Polling state is kept; feeds no longer configured are left in place (their
        articles still point at them) but marked disabled.
        """
        with self._db.atomic():
            names = {f.name for f in feeds}
            for f in feeds:
                self._db.execute(
                    """INSERT INTO feeds (name, url, lang, interval_s, enabled)
                       VALUES (?, ?, ?, ?, ?)
                       ON CONFLICT(name) DO UPDATE SET url=excluded.url, lang=excluded.lang,
                       interval_s=excluded.interval_s,
                       enabled=CASE WHEN feeds.disabled_reason IS NULL
                                    THEN excluded.enabled ELSE 0 END""",
                    [f.name, f.url, f.lang, f.interval_s, int(f.enabled)],
                )
            for row in self._db.execute("SELECT name FROM feeds").fetchall():
                if row[0] not in names:
                    self._db.execute("UPDATE feeds SET enabled = 0 WHERE name = ?", [row[0]])

    def state(self, name: str) -> FeedState:
        """Polling state of feed `name` (a fresh state if never polled)."""
        rows = list(self._db["feeds"].rows_where("name = ?", [name]))
        if not rows:
            return FeedState(name=name)
        return FeedState(**{k: rows[0][k] for k in _STATE_FIELDS})

    def save_state(self, state: FeedState, *, items_seen: int = 0, stored: int = 0) -> None:
        """Persist polling state and add to the feed's counters."""
        values = {k: getattr(state, k) for k in _STATE_FIELDS if k != "name"}
        sets = ", ".join(f"{k} = ?" for k in values)
        self._db.execute(
            f"UPDATE feeds SET {sets}, items_seen = items_seen + ?, "
            "articles_stored = articles_stored + ? WHERE name = ?",
            [*values.values(), items_seen, stored, state.name],
        )

    def disable(self, name: str, reason: str) -> None:
        """Stop polling `name`, keeping the reason visible to `monitor feeds list`."""
        self._db.execute(
            "UPDATE feeds SET enabled = 0, disabled_reason = ? WHERE name = ?", [reason, name]
        )

    def all(self) -> list[dict[str, object]]:
        """Every feed row, for listings and health checks."""
        return list(self._db["feeds"].rows_where(order_by="name"))
