"""Streaming exports of the documented views and tables (CSV or JSON lines).

Owns: which relations may be exported (`EXPORTABLE`, the documented views
and tables; a name is looked up there, never pasted into SQL), the date column
each one filters on with `since`, and writing rows one at a time so an export
of the whole store never holds more than one row in memory. Does not own:
opening files or the command line (see `monitor.cli.export`).
"""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from sqlite_utils import Database

FORMATS = ("csv", "jsonl")


@dataclass(frozen=True, slots=True, kw_only=True)
class Exportable:
    """A relation that may be exported: its date column for `since` and its row order."""

    name: str
    since: str | None  # SQL expression compared with `since`; None: no date to filter on
    order: str


EXPORTABLE: dict[str, Exportable] = {
    e.name: e
    for e in (
        Exportable(name="enforcement_events", since="last_seen", order="first_seen, story_id"),
        Exportable(
            name="story_sources",
            since="coalesce(published, fetched)",
            order="story_id, coalesce(published, fetched), article_id",
        ),
        Exportable(name="daily_counts", since="day", order="day, label, country"),
        Exportable(name="articles", since="coalesce(published, fetched)", order="id"),
        Exportable(name="classifications", since="classified_at", order="article_id"),
        Exportable(name="stories", since="last_seen", order="id"),
        Exportable(name="alerts", since="updated_at", order="created_at, id"),
        Exportable(name="labels", since="created_at", order="id"),
        Exportable(name="feeds", since=None, order="name"),
    )
}
DEFAULT_VIEW = "enforcement_events"


@dataclass(frozen=True, slots=True, kw_only=True)
class RowStream:
    """Column names and a lazy iterator over the rows (tuples in column order)."""

    columns: tuple[str, ...]
    rows: Iterator[tuple[Any, ...]]


def export_rows(
    db: Database | sqlite3.Connection, name: str, *, since: str | None = None
) -> RowStream:
    """Stream the rows of the exportable relation `name`, oldest first.

    Args:
        db: the store's database or a sqlite3 connection to it.
        name: a key of `EXPORTABLE`.
        since: keep rows whose date column is at or after this UTC ISO-8601
            date or time (see `monitor.store.search.since_bound`).

    Raises:
        ValueError: `name` is not exportable, or `since` was given for a
            relation without a date column.
    """
    spec = EXPORTABLE.get(name)
    if spec is None:
        raise ValueError(f"cannot export {name!r}; choose one of: {', '.join(EXPORTABLE)}")
    # spec.name, spec.since and spec.order come from the table above, never from the caller.
    sql = f"SELECT * FROM [{spec.name}]"
    params: list[Any] = []
    if since is not None:
        if spec.since is None:
            raise ValueError(f"{name} has no date column; --since does not apply")
        sql += f" WHERE {spec.since} >= ?"
        params.append(since)
    cursor = db.execute(f"{sql} ORDER BY {spec.order}", params)
    columns = tuple(d[0] for d in cursor.description)
    return RowStream(columns=columns, rows=iter(cursor))


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]], out: TextIO) -> int:
    """Write a header and `rows` as CSV (NULL as an empty cell); return the row count."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    n = 0
    for row in rows:
        writer.writerow(row)
        n += 1
    return n


def write_jsonl(columns: Sequence[str], rows: Iterable[Sequence[Any]], out: TextIO) -> int:
    """Write one JSON object per row (NULL as null); return the row count."""
    n = 0
    for row in rows:
        out.write(json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=False))
        out.write("\n")
        n += 1
    return n


def write_rows(stream: RowStream, fmt: str, out: TextIO) -> int:
    """Write `stream` to `out` in `fmt` ("csv" or "jsonl"); return the row count."""
    if fmt == "csv":
        return write_csv(stream.columns, stream.rows, out)
    if fmt == "jsonl":
        return write_jsonl(stream.columns, stream.rows, out)
    raise ValueError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
