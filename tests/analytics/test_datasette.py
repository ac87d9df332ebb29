"""Datasette on the store: metadata, views, canned queries, read-only, `monitor serve`."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

pytest.importorskip("datasette")

from datasette.app import Datasette

from monitor.analytics.web import build_datasette, load_metadata
from monitor.store import Store


def get(ds: Datasette, *paths: str) -> list[Any]:
    async def go() -> list[Any]:
        return [await ds.client.get(p) for p in paths]

    return asyncio.run(go())


def test_plain_datasette_with_our_metadata(shared_db: Path) -> None:
    ds = Datasette([str(shared_db)], metadata=load_metadata())
    (events, meta) = get(ds, "/monitor/enforcement_events.json?_shape=array", "/-/metadata.json")
    assert events.status_code == 200
    clearview = [r for r in events.json() if r["target"] == "Clearview AI"]
    assert [(r["languages"], r["source_count"], r["amount"]) for r in clearview] == [
        ("en,fr", 2, 7552800.0)
    ]
    assert meta.json()["title"] == "news-monitor: regulatory enforcement events"


def test_canned_queries(shared_db: Path) -> None:
    ds = build_datasette(shared_db)
    both, largest, this_year = get(
        ds,
        "/monitor/stories_in_both_english_and_french.json?_shape=array",
        "/monitor/largest_fines.json?_shape=array",
        "/monitor/fines_by_authority_this_year.json?_shape=array",
    )
    assert [(r["story_id"], r["sources"]) for r in both.json()] == [
        (1, "TechPolicy Wire (en); Journal du Numérique (fr)"),
        (2, "Euro Digital (en); Actu Régulation (fr)"),
    ]
    gbp = [
        (r["rank_in_currency"], r["target"], r["amount"])
        for r in largest.json()
        if r["currency"] == "GBP"
    ]
    assert gbp == [(1, "British Airways", 20000000.0), (2, "Clearview AI", 7552800.0)]
    # The sample store has one fine dated today (the Dutch authority's).
    assert [(r["authority"], r["fines"], r["total_amount"]) for r in this_year.json()] == [
        ("AP", 1, 10000000.0)
    ]


def test_pages_show_descriptions(shared_db: Path) -> None:
    ds = build_datasette(shared_db)
    (page, queries) = get(ds, "/monitor/enforcement_events", "/monitor")
    assert page.status_code == 200
    assert "One row per story labelled enforcement" in page.text
    assert "penalty in units of currency as imposed" in page.text  # a column description
    assert "Fines by authority this year" in queries.text


def test_store_is_read_only_but_sees_new_commits(analyst_db: Path) -> None:
    ds = build_datasette(analyst_db)

    async def go() -> tuple[Any, Any, Any]:
        write = await ds.client.get(
            "/monitor.json", params={"sql": "WITH x AS (SELECT 1) DELETE FROM labels"}
        )
        before = await ds.client.get(
            "/monitor.json", params={"sql": "SELECT count(*) AS n FROM articles", "_shape": "array"}
        )
        with Store(analyst_db) as store:  # the daemon keeps writing while Datasette runs
            store.db.execute(
                "INSERT INTO articles (url, feed, source, title, fetched,"
                " content_hash) VALUES ('https://x.example/1', 'euro-digital',"
                " 'Euro Digital', 'New', '2022-06-04T10:00:00+00:00', 'hx')"
            )
        after = await ds.client.get(
            "/monitor.json", params={"sql": "SELECT count(*) AS n FROM articles", "_shape": "array"}
        )
        return write, before, after

    write, before, after = asyncio.run(go())
    assert write.status_code == 400 and "readonly" in write.text
    assert (before.json()[0]["n"], after.json()[0]["n"]) == (13, 14)
    with Store(analyst_db) as store:
        assert store.labels.count() == 3


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_monitor_serve(shared_db: Path, tmp_path: Path) -> None:
    port = _free_port()
    env = dict(os.environ)
    env.pop("MONITOR_CONFIG", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor", "--db", str(shared_db), "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/monitor/enforcement_events.json?_shape=array"
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(url, timeout=2)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert response.status_code == 200
        assert {r["story_id"] for r in response.json()} == {1, 2, 5, 8, 9}
    finally:
        proc.terminate()
        output = proc.communicate(timeout=10)[0]
    assert f"Datasette on http://127.0.0.1:{port}/monitor" in output
