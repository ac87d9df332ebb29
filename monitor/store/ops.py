"""Operational queries: the daemon's heartbeat, health figures, the analysis backlog.

Owns: the `daemon.status` row of the `meta` table (a JSON heartbeat the daemon
rewrites every few seconds, read by `monitor health`), the read-only figures a
health check needs, and finding stored articles that analysis never saw (the
daemon was stopped or killed between storing and analysing them). Does not
own: deciding what is healthy (see `monitor.health`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlite_utils import Database

from monitor.redact import redact

HEARTBEAT_KEY = "daemon.status"


class OpsRepo:
    """Reads and writes the operational rows; build it on a Store's `db`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def write_heartbeat(self, status: dict[str, Any]) -> None:
        """Replace the daemon's status row (one small write: safe every few seconds)."""
        self._db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [HEARTBEAT_KEY, redact(json.dumps(status, sort_keys=True))],
        )

    def heartbeat(self) -> dict[str, Any] | None:
        """The last status the daemon wrote, or None if it never ran on this store."""
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", [HEARTBEAT_KEY]).fetchone()
        if not row or not row[0]:
            return None
        try:
            value = json.loads(row[0])
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    def feed_rows(self) -> list[dict[str, Any]]:
        """Polling state of every feed the store knows."""
        cols = (
            "name, enabled, last_polled, last_status, error_count, first_error_at, "
            "last_error, next_poll, disabled_reason, interval_s"
        )
        cur = self._db.execute(f"SELECT {cols} FROM feeds ORDER BY name")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def last_alert(self) -> str | None:
        return self._one("SELECT max(created_at) FROM alerts")

    def deliveries(self) -> dict[str, int]:
        """Outbox rows per status."""
        rows = self._db.execute("SELECT status, count(*) FROM deliveries GROUP BY 1").fetchall()
        return {str(r[0]): int(r[1]) for r in rows}

    def max_article_id(self) -> int:
        return int(self._one("SELECT coalesce(max(id), 0) FROM articles"))

    def unanalysed_ids(self, *, since: str, batch: int = 500) -> Iterator[list[int]]:
        """Ids of articles fetched since `since` that no analysis step has touched yet.

        Analysis leaves a trace on every article it processes: a classification,
        a story, or a duplicate link. Yields lists of at most `batch` ids, oldest
        first, reading one page at a time so a long backlog is never all in memory.
        """
        last = 0
        while True:
            rows = self._db.execute(
                """SELECT a.id FROM articles a
                   LEFT JOIN classifications c ON c.article_id = a.id
                   WHERE a.id > ? AND a.fetched >= ? AND c.article_id IS NULL
                     AND a.story_id IS NULL AND a.duplicate_of IS NULL
                   ORDER BY a.id LIMIT ?""",
                [last, since, batch],
            ).fetchall()
            if not rows:
                return
            ids = [int(r[0]) for r in rows]
            last = ids[-1]
            yield ids

    def _one(self, sql: str) -> Any:
        row = self._db.execute(sql).fetchone()
        return row[0] if row else None
