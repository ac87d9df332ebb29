"""Every ```sql block in docs/*.md runs on a populated store.

Blocks that read run on a read-only connection; blocks that write (an
operator's DELETE in a runbook) run on a private copy. The analyst docs
(schema.md, queries.md) must also find rows, or change some: the sample store
is built so that every recipe has something to show.
"""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from analytics.schema_doc import ROOT, sql_blocks

DOCS = sorted((ROOT / "docs").glob("*.md"))
BLOCKS = [
    (p.name, i, sql)
    for p in DOCS
    for i, sql in enumerate(sql_blocks(p.read_text(encoding="utf-8")), 1)
]
MUST_FIND_ROWS = {"schema.md", "queries.md"}
_READS = re.compile(r"^\s*(SELECT|WITH)\b", re.IGNORECASE)


def test_docs_have_recipes() -> None:
    assert len([b for b in BLOCKS if b[0] == "queries.md"]) >= 10


@pytest.mark.parametrize(("doc", "n", "sql"), BLOCKS, ids=[f"{d}#{n}" for d, n, _ in BLOCKS])
def test_sql_block_runs(shared_db: Path, tmp_path: Path, doc: str, n: int, sql: str) -> None:
    if _READS.match(sql):
        conn = sqlite3.connect(f"file:{shared_db}?mode=ro", uri=True)
    else:
        copy = tmp_path / "copy.db"
        with closing(sqlite3.connect(shared_db)) as src, closing(sqlite3.connect(copy)) as dst:
            src.backup(dst)
        conn = sqlite3.connect(copy)
    try:
        cur = conn.execute(sql)
        rows = cur.fetchall()
        changed = conn.total_changes
        conn.commit()
    finally:
        conn.close()
    if doc in MUST_FIND_ROWS:
        assert rows or changed, f"{doc} block {n} found and changed nothing:\n{sql}"
        assert cur.description is None or all(d[0] for d in cur.description)
