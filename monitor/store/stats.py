"""Summary counts over the whole store, for `monitor stats` and health checks."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from monitor.store.db import schema_version


def store_stats(db: Database) -> dict[str, Any]:
    """Counts of feeds, articles, classifications, stories, alerts and deliveries."""

    def one(sql: str) -> int:
        return int(db.execute(sql).fetchone()[0] or 0)

    return {
        "schema_version": schema_version(db),
        "feeds": one("SELECT count(*) FROM feeds"),
        "feeds_failing": one("SELECT count(*) FROM feeds WHERE last_status = 'error'"),
        "articles": one("SELECT count(*) FROM articles"),
        "articles_by_lang": dict(
            db.execute(
                "SELECT coalesce(lang, '?'), count(*) FROM articles GROUP BY 1 ORDER BY 1"
            ).fetchall()
        ),
        "classified": one("SELECT count(*) FROM classifications"),
        "labels": dict(
            db.execute(
                "SELECT label, count(*) FROM classifications GROUP BY 1 ORDER BY 1"
            ).fetchall()
        ),
        "stories": one("SELECT count(*) FROM stories"),
        "alerts": one("SELECT count(*) FROM alerts"),
        "deliveries_pending": one(
            "SELECT count(*) FROM deliveries WHERE status IN ('pending', 'sending')"
        ),
        "last_poll": db.execute("SELECT max(last_polled) FROM feeds").fetchone()[0],
    }
