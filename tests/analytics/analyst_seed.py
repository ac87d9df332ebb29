"""A small but realistic store, written with plain SQL (as the pipeline would leave it).

The rows are in `sample_store.json`: four EN/FR feeds, thirteen articles in nine
stories, among them the founding example (the UK ICO fining Clearview AI, told
by an English and a French outlet with different euro conversions), an
investigation, other news, a near-duplicate, an unclustered article, one story
dated today (so "this year" recipes have rows), an alert with its deliveries and
analyst labels. All texts are our own.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SAMPLE = Path(__file__).with_name("sample_store.json")
TODAY = "TODAY"  # placeholder in the JSON for the time of the test run


def _insert(db: sqlite3.Connection, table: str, row: dict[str, Any]) -> None:
    cols = ", ".join(row)  # names come from our own sample file
    db.execute(
        f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * len(row))})", list(row.values())
    )


def _derived(table: str, row: dict[str, Any], now: str) -> dict[str, Any]:
    """Columns the sample leaves out because the pipeline derives them."""
    if table == "feeds":
        return {"last_polled": now}
    if table == "stories":
        return {"updated_at": now}
    if table == "classifications":
        return {"model": "use-multilingual+head", "model_version": "2024.1", "classified_at": now}
    if table == "articles":
        return {
            "url": f"https://{row['feed']}.example/articles/{row['id']}",
            "guid": f"{row['feed']}-{row['id']}",
            "summary": row["text"][:120],
            "content_hash": f"hash{row['id']:04d}",
        }
    return {}


def populate(path: str | Path, now: datetime | None = None) -> None:
    """Fill the migrated, empty store at `path`; "TODAY" values become `now` (default: now)."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    with closing(sqlite3.connect(path)) as db, db:
        for table, rows in data.items():
            if table.startswith("_"):
                continue
            for row in rows:
                row = {k: stamp if v == TODAY else v for k, v in row.items()}
                _insert(db, table, {**row, **_derived(table, row, stamp)})
        # Binary columns, which JSON cannot hold: a 512-dim float32 vector, a signature.
        db.execute("INSERT INTO article_vectors VALUES (1, 'use-multilingual', ?)", [bytes(2048)])
        db.execute("INSERT INTO article_signatures VALUES (1, ?)", [bytes(512)])
