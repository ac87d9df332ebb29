"""The analyst views (migration m004) on the sample store."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def q(shared_db: Path):  # type: ignore[no-untyped-def]
    conn = sqlite3.connect(f"file:{shared_db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row

    def run(sql: str, *params: Any) -> list[dict[str, Any]]:
        return [dict(r) for r in conn.execute(sql, params)]

    yield run
    conn.close()


def test_clearview_told_in_english_and_french_is_one_enforcement_event(q) -> None:
    rows = q("SELECT * FROM enforcement_events WHERE target = 'Clearview AI'")
    assert len(rows) == 1
    event = rows[0]
    assert {
        k: event[k]
        for k in (
            "authority",
            "action",
            "amount",
            "currency",
            "country",
            "languages",
            "source_count",
            "article_count",
            "alert_id",
        )
    } == {
        "authority": "ICO",
        "action": "fine",
        "amount": 7552800.0,
        "currency": "GBP",
        "country": "GB",
        "languages": "en,fr",
        "source_count": 2,
        "article_count": 2,
        "alert_id": "story-1",
    }
    assert event["first_seen"] == "2022-05-23T09:15:00+00:00"
    assert event["last_seen"] == "2022-05-23T14:02:00+00:00"
    assert event["url"] == "https://techpolicy-wire.example/articles/1"


def test_enforcement_events_holds_only_enforcement_stories(q) -> None:
    ids = [r["story_id"] for r in q("SELECT story_id FROM enforcement_events ORDER BY story_id")]
    assert ids == [1, 2, 5, 8, 9]  # not the investigations (3, 4) nor other news (6, 7)


def test_source_count_counts_outlets_not_copies(q) -> None:
    ba = q(
        "SELECT source_count, article_count, languages FROM enforcement_events WHERE story_id = 8"
    )[0]
    assert ba == {"source_count": 2, "article_count": 2, "languages": "en"}


def test_story_sources_lists_each_outlet_with_its_language(q) -> None:
    rows = q(
        "SELECT outlet, lang, published, title FROM story_sources WHERE story_id = 1"
        " ORDER BY published"
    )
    assert [(r["outlet"], r["lang"]) for r in rows] == [
        ("TechPolicy Wire", "en"),
        ("Journal du Numérique", "fr"),
    ]
    assert rows[1]["title"].startswith("Reconnaissance faciale")
    # An article in no story yet is not a source of anything.
    assert q("SELECT count(*) AS n FROM story_sources WHERE article_id = 13")[0]["n"] == 0


def test_daily_counts_use_published_else_fetched_day(q) -> None:
    rows = q(
        "SELECT day, label, country, articles, stories FROM daily_counts"
        " WHERE day IN ('2022-05-23', '2022-06-02') ORDER BY day"
    )
    assert rows == [
        {"day": "2022-05-23", "label": "enforcement", "country": "GB", "articles": 2, "stories": 1},
        # article 9 has no publication date: its fetch day counts
        {"day": "2022-06-02", "label": "other", "country": None, "articles": 1, "stories": 1},
    ]
    total = q("SELECT sum(articles) AS n FROM daily_counts")[0]["n"]
    assert total == q("SELECT count(*) AS n FROM classifications")[0]["n"]


def test_daily_counts_day_is_utc(tmp_path: Path) -> None:
    from monitor.store import Store

    with Store(tmp_path / "tz.db") as store:
        db = store.db
        db.execute("INSERT INTO feeds (name, url) VALUES ('f', 'https://f.example/rss')")
        # 23:30 in New York on 1 May is 03:30 UTC on 2 May.
        db.execute(
            "INSERT INTO articles (id, url, feed, source, title, fetched, published,"
            " content_hash) VALUES (1, 'https://f.example/1', 'f', 'F', 'T',"
            " '2022-05-02T04:00:00+00:00', '2022-05-01T23:30:00-04:00', 'h')"
        )
        db.execute(
            "INSERT INTO classifications (article_id, label, score, model, model_version,"
            " classified_at) VALUES (1, 'other', 0.9, 'm', '1', '2022-05-02')"
        )
        assert db.execute("SELECT day FROM daily_counts").fetchall() == [("2022-05-02",)]
