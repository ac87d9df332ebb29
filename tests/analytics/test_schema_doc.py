"""docs/schema.md and Datasette's metadata.json against the real, migrated schema."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from analytics.schema_doc import (
    METADATA_JSON,
    QUERIES_MD,
    SCHEMA_MD,
    canned_queries,
    metadata_tables,
    parse_schema_doc,
)
from monitor.store import Store

# SQLite's and sqlite-utils' bookkeeping, and FTS5's shadow tables: described in prose only.
_INTERNAL = re.compile(
    r"^(sqlite_.*|_sqlite_migrations|\w+_fts_(data|idx|docsize|config|content))$"
)


@pytest.fixture(scope="module")
def real_schema(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, dict[str, str]]]:
    """name -> (kind, {column: declared type}) of a freshly migrated store."""
    path = tmp_path_factory.mktemp("schema") / "fresh.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    try:
        out = {}
        for name, kind, sql in conn.execute(
            "SELECT name, type, sql FROM sqlite_master WHERE type IN ('table', 'view')"
        ):
            if _INTERNAL.match(name):
                continue
            if kind == "table" and sql.upper().startswith("CREATE VIRTUAL TABLE"):
                kind = "virtual table"
            cols = {r[1]: r[2] for r in conn.execute(f"PRAGMA table_info([{name}])")}
            out[name] = (kind, cols)
        return out
    finally:
        conn.close()


@pytest.fixture(scope="module")
def doc():  # type: ignore[no-untyped-def]
    return parse_schema_doc(SCHEMA_MD.read_text(encoding="utf-8"))


def test_every_table_and_view_is_documented_and_nothing_else(real_schema, doc) -> None:
    assert set(doc) == set(real_schema)
    assert {"enforcement_events", "story_sources", "daily_counts"} <= {
        n for n, (kind, _) in real_schema.items() if kind == "view"
    }


def test_kinds_columns_and_types_match(real_schema, doc) -> None:
    for name, (kind, columns) in real_schema.items():
        described = doc[name]
        assert described.kind == kind, name
        assert list(described.columns) == list(columns), f"{name}: columns or their order"
        for col, declared in columns.items():
            doc_type, meaning = described.columns[col]
            assert meaning, f"{name}.{col} has no meaning"
            if declared:  # views' computed columns have no declared type
                assert doc_type == declared, f"{name}.{col}: doc {doc_type!r} != {declared!r}"


def test_every_relation_has_a_description(doc) -> None:
    assert all(len(r.description) > 20 for r in doc.values()), [
        r.name for r in doc.values() if len(r.description) <= 20
    ]


def test_parser_sees_a_drifted_doc(real_schema) -> None:
    # The doc test is only as good as its parser: a missing column must be noticed.
    text = SCHEMA_MD.read_text(encoding="utf-8").replace(
        "| `languages` | TEXT | comma-separated, sorted", "| `langs` | TEXT | comma-separated"
    )
    drifted = parse_schema_doc(text)
    assert list(drifted["enforcement_events"].columns) != list(real_schema["enforcement_events"][1])


def test_metadata_descriptions_come_from_the_doc(doc) -> None:
    meta = json.loads(METADATA_JSON.read_text(encoding="utf-8"))
    tables = meta["databases"]["monitor"]["tables"]
    expected = metadata_tables(doc)
    assert set(tables) == set(expected), "run: python tests/analytics/schema_doc.py"
    for name, want in expected.items():
        got = {k: tables[name].get(k) for k in ("description", "columns")}
        assert got == want, f"{name}: run python tests/analytics/schema_doc.py"


def test_canned_queries_are_the_documented_recipes() -> None:
    meta = json.loads(METADATA_JSON.read_text(encoding="utf-8"))
    queries = meta["databases"]["monitor"]["queries"]
    assert queries == canned_queries(QUERIES_MD.read_text(encoding="utf-8"))
    assert {
        "fines_by_authority_this_year",
        "largest_fines",
        "stories_in_both_english_and_french",
    } <= set(queries)


def test_metadata_is_shipped_in_the_package() -> None:
    import monitor.analytics.web as web

    assert Path(web.METADATA_PATH) == METADATA_JSON
    assert web.load_metadata()["title"].startswith("news-monitor")


def test_exportable_names_are_documented(doc) -> None:
    from monitor.store.export import EXPORTABLE

    assert set(EXPORTABLE) <= set(doc)
    for spec in EXPORTABLE.values():  # the --since column of each exists
        if spec.since:
            column = spec.since.removeprefix("coalesce(").split(",")[0].strip(" )")
            assert column in doc[spec.name].columns, (spec.name, column)
