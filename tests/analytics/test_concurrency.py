"""Analysts read (sqlite3, sqlite-utils, search, export) while the daemon ingests."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import sqlite_utils

from monitor.models import Article
from monitor.store import Store
from monitor.store.export import export_rows
from monitor.store.search import search_articles

N = 300


def _article(i: int) -> Article:
    return Article(
        url=f"https://techpolicy.example/live/{i}",
        guid=f"live-{i}",
        feed="techpolicy-wire",
        source="TechPolicy Wire",
        title=f"Regulator fines company {i} over data sharing",
        summary="",
        text=f"The data protection regulator fined company {i} for sharing "
        "customer records with advertisers without consent.",
        lang="en",
        published=f"2022-06-{1 + i % 28:02d}T08:00:00+00:00",
        fetched="2022-06-29T08:00:00+00:00",
        content_hash=f"live{i}",
    )


def test_readers_never_see_locks_and_see_committed_rows(analyst_db: Path) -> None:
    committed: list[int] = []  # ids whose insert has returned (i.e. committed)
    errors: list[BaseException] = []
    done = threading.Event()

    def ingest() -> None:
        try:
            with Store(analyst_db) as store:
                for i in range(N):
                    new_id = store.articles.insert(_article(i))
                    assert new_id is not None
                    committed.append(new_id)
        except BaseException as e:  # reported by the main thread
            errors.append(e)
        finally:
            done.set()

    writer = threading.Thread(target=ingest)
    raw = sqlite3.connect(analyst_db, timeout=5)
    utils_db = sqlite_utils.Database(sqlite3.connect(analyst_db, timeout=5))
    reads = overlapping = 0
    writer.start()
    try:
        while not done.is_set() or reads < 5:
            known = list(committed)  # snapshot before reading
            overlapping += 0 < len(known) < N
            count = raw.execute(
                "SELECT count(*) FROM articles WHERE guid LIKE 'live-%'"
            ).fetchone()[0]
            assert count >= len(known)
            if known:
                last = known[-1]
                assert raw.execute("SELECT 1 FROM articles WHERE id = ?", [last]).fetchone()
                assert utils_db["articles"].get(last)["source"] == "TechPolicy Wire"
            assert utils_db["enforcement_events"].count == 5
            hits = search_articles(raw, "regulator fines company", limit=1000)
            assert len(hits) >= len(known)
            assert sum(1 for _ in export_rows(utils_db, "articles").rows) >= 13 + len(known)
            reads += 1
    finally:
        writer.join(timeout=60)
        raw.close()
        utils_db.close()
    assert not errors, errors
    assert len(committed) == N
    assert reads >= 5
    assert overlapping >= 3, "the reads did not overlap the ingestion"
    with Store(analyst_db) as store:
        assert store.articles.count() == 13 + N
