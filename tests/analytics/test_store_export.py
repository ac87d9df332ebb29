"""`monitor export` and the streaming exporter."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.store import Store
from monitor.store.export import EXPORTABLE, export_rows, write_rows


def test_csv_of_enforcement_events_to_stdout(cli, shared_db: Path) -> None:
    result = cli(shared_db, "export", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["story_id"] for r in rows] == ["5", "8", "2", "1", "9"]  # oldest first
    clearview = rows[3]
    assert (
        clearview["target"],
        clearview["amount"],
        clearview["currency"],
        clearview["languages"],
    ) == ("Clearview AI", "7552800.0", "GBP", "en,fr")
    assert rows[0]["alert_id"] == ""  # NULL is an empty cell


def test_jsonl_of_story_sources_since_a_date(cli, shared_db: Path) -> None:
    result = cli(
        shared_db, "export", "--format", "jsonl", "--view", "story_sources", "--since", "2022-05-23"
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    # Clearview (EN, FR), the lab opening (no publication date: fetched 2 June), today's fine
    assert [(r["story_id"], r["lang"]) for r in rows] == [
        (1, "en"),
        (1, "fr"),
        (7, "fr"),
        (9, "en"),
    ]
    assert rows[1]["outlet"] == "Journal du Numérique"  # not \u-escaped
    assert '"outlet": "Journal du Numérique"' in result.output


def test_out_file_and_summary(cli, shared_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "labels.csv"
    result = cli(shared_db, "export", "--view", "labels", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "exported 3 rows of labels to" in result.output
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["who"] for r in rows] == ["bob", "alice", "alice"]
    assert json.loads(rows[1]["fields"])["amount"] == 7552800.0
    assert not list(tmp_path.glob(".*partial"))


@pytest.mark.parametrize(
    "name",
    [
        "articles; DROP TABLE labels",
        "sqlite_master",
        "subscribers",
        "article_vectors",
        "[labels]",
        "labels--",
    ],
)
def test_view_name_must_be_a_documented_one(cli, shared_db: Path, name: str) -> None:
    result = cli(shared_db, "export", "--view", name)
    assert result.exit_code == 2
    assert "Invalid value for '--view'" in result.output
    with pytest.raises(ValueError, match="cannot export"):
        export_rows(sqlite3.connect(":memory:"), name)


def test_since_needs_a_date_column(cli, shared_db: Path) -> None:
    assert cli(shared_db, "export", "--view", "feeds").exit_code == 0
    result = cli(shared_db, "export", "--view", "feeds", "--since", "2022-01-01")
    assert result.exit_code == 2 and "feeds has no date column" in result.output


def test_every_exportable_relation_exports_in_both_formats(shared_db: Path) -> None:
    conn = sqlite3.connect(f"file:{shared_db}?mode=ro", uri=True)
    try:
        for name, spec in EXPORTABLE.items():
            for fmt in ("csv", "jsonl"):
                out = io.StringIO()
                n = write_rows(export_rows(conn, name), fmt, out)
                assert n > 0, name
                since = "2030-01-01" if spec.since else None
                assert write_rows(export_rows(conn, name, since=since), fmt, io.StringIO()) == (
                    0 if since else n
                )
    finally:
        conn.close()


def test_rows_are_streamed_not_materialised(tmp_path: Path) -> None:
    # 4,000 articles of ~3 kB (12 MB of text): exporting them must not hold them all.
    path = tmp_path / "big.db"
    with Store(path) as store:
        store.db.execute("INSERT INTO feeds (name, url) VALUES ('f', 'https://f.example/rss')")
        body = "The regulator said the penalty reflected the seriousness of the failings. " * 40
        with store.db.atomic():
            store.db.execute("DROP TRIGGER IF EXISTS articles_ai")  # FTS not needed here
            store.db.conn.executemany(
                "INSERT INTO articles (url, feed, source, title, text, fetched, content_hash)"
                " VALUES (?, 'f', 'F', ?, ?, '2022-05-23T10:00:00+00:00', ?)",
                [
                    (f"https://f.example/{i}", f"Story {i}", f"{body} {i}", f"h{i}")
                    for i in range(4000)
                ],
            )
    conn = sqlite3.connect(path)
    with (tmp_path / "out.jsonl").open("w", encoding="utf-8") as out:
        tracemalloc.start()
        try:
            stream = export_rows(conn, "articles")
            assert isinstance(stream.rows, Iterator)
            n = write_rows(stream, "jsonl", out)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    conn.close()
    assert n == 4000
    assert (tmp_path / "out.jsonl").stat().st_size > 12_000_000
    assert peak < 2_000_000, f"peak {peak} bytes: rows were materialised"
