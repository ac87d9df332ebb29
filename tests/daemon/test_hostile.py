"""Hostile feeds mixed with good ones, through `run_once` against a real loopback server.

Each hostile feed must end as a clear error on that feed (or be safely handled,
like invalid UTF-8), while the good feeds beside it are stored as usual.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

import pytest
from daemonkit import (
    billion_laughs,
    compact_items,
    deflate_bomb,
    external_entity,
    gzip_bomb,
    item,
    make_settings,
    page,
    rss,
    stacked_gzip_bomb,
)

from monitor.app import App
from monitor.pipeline import RunReport, run_once
from monitor.store import Store

NOW = datetime(2022, 5, 24, 12, 0, tzinfo=UTC)
MAX_BYTES = 8_000_000
TOTAL_TIMEOUT = 2.0


def _routes(srv) -> dict[str, str | None]:  # type: ignore[no-untyped-def]
    """Register every case; returns feed name -> expected error fragment (None: ok)."""
    base = srv.base
    for i in range(6):
        srv.route(f"/a/{i}", page(f"Regulator fines retailer number {i}"))
    srv.route("/good1.xml", rss([item(i, base) for i in range(3)]))
    srv.route("/good2.xml", rss([item(i, base) for i in range(3, 6)]))
    srv.route("/gzip-bomb.xml", gzip_bomb(), headers={"Content-Encoding": "gzip"})
    srv.route("/deflate-bomb.xml", deflate_bomb(), headers={"Content-Encoding": "deflate"})
    srv.route(
        "/raw-deflate-bomb.xml", deflate_bomb(raw=True), headers={"Content-Encoding": "deflate"}
    )
    srv.route("/stacked-bomb.xml", stacked_gzip_bomb(), headers={"Content-Encoding": "gzip, gzip"})
    srv.route("/brotli.xml", b"\x8b\x02\x80hello\x03", headers={"Content-Encoding": "br"})
    srv.route("/big.xml", b"<rss>" + b"x" * (MAX_BYTES + 10) + b"</rss>")
    srv.route("/lying-length.xml", b"<rss/>", raw_length=MAX_BYTES * 4)
    srv.route("/endless.xml", endless=True)
    srv.route("/drip.xml", rss([item(0, base)]), drip=0.05)
    srv.route("/loop-a.xml", redirect=srv.url("/loop-b.xml"))
    srv.route("/loop-b.xml", redirect=srv.url("/loop-a.xml"))
    srv.route("/to-file.xml", redirect="file:///etc/passwd")
    srv.route("/to-metadata.xml", redirect="http://169.254.169.254/latest/meta-data/")
    srv.route("/laughs.xml", billion_laughs())
    srv.route("/xxe.xml", external_entity())
    srv.route(
        "/html.xml",
        "<!doctype html><html><body><h1>Subscribe!</h1></body></html>",
        headers={"Content-Type": "text/html"},
    )
    srv.route("/garbage.xml", bytes(range(256)) * 40)
    srv.route("/retry.xml", "busy", status=503, headers={"Retry-After": "7200"})
    return {
        "good1": None,
        "good2": None,
        "gzip-bomb": "too_large",
        "deflate-bomb": "too_large",
        "raw-deflate-bomb": "too_large",
        "stacked-bomb": "too_large",
        "brotli": "bad_encoding: unsupported content encoding",
        "big": "too_large",
        "lying-length": "too_large",
        "endless": "too_large",
        "drip": "timeout",
        "loop-a": "redirect_loop",
        "to-file": "blocked_url: refused scheme",
        "to-metadata": "blocked_url: refused non-public address 169.254.169.254",
        "laughs": "entity-expansion",
        "xxe": "external entities (XXE)",
        "html": "not a feed",
        "garbage": "not a feed",
        "retry": "http_503",
    }


def _run(settings) -> RunReport:  # type: ignore[no-untyped-def]
    async def go() -> RunReport:
        async with App(settings) as app:
            return await run_once(app, NOW)

    return asyncio.run(go())


def _settings(tmp_path, srv, names, **fetch):  # type: ignore[no-untyped-def]
    feeds = [{"name": n, "url": srv.url(f"/{n}.xml"), "lang": "en"} for n in names]
    return make_settings(
        tmp_path,
        feeds,
        fetch={
            "allow_hosts": [srv.host],
            "max_bytes": MAX_BYTES,
            "total_timeout": TOTAL_TIMEOUT,
            "connect_timeout": 2.0,
            "read_timeout": 2.0,
            "max_items_per_feed": 50,
            **fetch,
        },
    )


def test_every_hostile_feed_fails_alone_and_good_feeds_are_stored(tmp_path, http_server) -> None:
    expected = _routes(http_server)
    settings = _settings(tmp_path, http_server, list(expected))
    started = time.monotonic()
    report = _run(settings)
    elapsed = time.monotonic() - started
    by = {r.feed: r for r in report.feeds}
    for name, fragment in expected.items():
        if fragment is None:
            assert by[name].status == "ok" and by[name].stored == 3, by[name]
        else:
            assert by[name].status == "error", by[name]
            assert fragment in (by[name].error or ""), (name, by[name].error)
    assert elapsed < 6 * TOTAL_TIMEOUT  # the drip is cut by the deadline, nothing hangs
    with Store(settings.store_path()) as store:
        rows = list(store.db["articles"].rows_where(order_by="url"))
        states = {n: store.feeds.state(n) for n in expected}
    assert len(rows) == 6 and all(r["extraction"] == "page" for r in rows)
    for name, fragment in expected.items():  # the error is recorded on the feed, for `feeds list`
        if fragment:
            assert fragment in (states[name].last_error or "")
            assert states[name].error_count == 1 and states[name].next_poll
    retry_at = datetime.fromisoformat(states["retry"].next_poll or "")
    assert (retry_at - NOW).total_seconds() >= 7200  # Retry-After honoured


def test_item_level_hostility_is_handled_per_item(tmp_path, http_server) -> None:
    base, port = http_server.base, http_server.host.split(":")[1]
    http_server.route("/a/0", page("Regulator fines retailer number 0"))
    items = [
        item(0, base, guid="same"),
        item(1, base, guid="same"),  # duplicate guid, other link: one article
        item(2, base, link=f"{base}/a/0", guid="other"),  # duplicate link: one article
        item(3, base, link="http://169.254.169.254/latest/meta-data/", guid="m"),
        item(4, base, link=f"http://localhost:{port}/a/0x", guid="l"),
        item(5, base, link="http://10.1.2.3/intranet", guid="p"),
        item(6, base, link="javascript:alert(1)"),  # no usable link: dropped
        item(7, base, link="file:///etc/passwd"),
        item(8, base, date="Fri, 31 Dec 9999 23:59:59 GMT", guid="future"),
        item(9, base, date="not a date at all", guid="garbage-date"),
        item(10, base, date="Thu, 01 Jan 1970 00:00:00 GMT", guid="epoch"),
    ]
    http_server.route("/mixed.xml", rss(items))
    settings = _settings(tmp_path, http_server, ["mixed"])
    report = _run(settings)
    assert report.feeds[0].status == "ok", report.feeds[0]
    with Store(settings.store_path()) as store:
        rows = {r["guid"]: r for r in store.db["articles"].rows}
    assert set(rows) == {"same", "m", "l", "p", "future", "garbage-date", "epoch"}
    assert rows["same"]["extraction"] == "page" and rows["same"]["url"] == f"{base}/a/0"
    for guid in ("m", "l", "p"):  # SSRF: the page is never fetched, the summary stands in
        assert rows[guid]["extraction"] == "summary"
        assert rows[guid]["extraction_error"].startswith("blocked_url")
    assert not http_server.hits("/a/0x")
    for guid in ("future", "garbage-date", "epoch"):
        assert rows[guid]["published"] is None
    assert rows["same"]["published"] == "2022-05-23T10:00:00+00:00"


def test_invalid_utf8_is_decoded_not_refused(tmp_path, http_server) -> None:
    body = rss([item(0, http_server.base, title="Amende record pour la société", guid="u")])
    body = body.replace("société".encode(), "soci\xe9t\xe9 \xff".encode("latin-1"))
    http_server.route(
        "/latin.xml", body, headers={"Content-Type": "application/rss+xml; charset=utf-8"}
    )
    http_server.route("/a/0", page("Amende record"))
    settings = _settings(tmp_path, http_server, ["latin"], fetch_pages=False)
    report = _run(settings)
    assert report.feeds[0].status == "ok" and report.feeds[0].stored == 1
    with Store(settings.store_path()) as store:
        title = next(store.db["articles"].rows)["title"]
    assert title.startswith("Amende record pour la société")


@pytest.mark.parametrize("n", [100_000])
def test_huge_feed_costs_what_max_items_cost(tmp_path, http_server, n: int) -> None:
    http_server.route("/huge.xml", compact_items(n))
    settings = _settings(tmp_path, http_server, ["huge"], fetch_pages=False)
    started = time.monotonic()
    report = _run(settings)
    assert report.feeds[0].status == "ok" and report.feeds[0].stored == 50
    assert time.monotonic() - started < 5  # parsing all 100,000 takes ~15 s here


def test_markup_in_feed_text_never_becomes_text() -> None:
    """feedparser's sanitizer is off (plain text is all we keep): scripts and styles go."""
    from monitor.sources.feeds import parse_feed

    body = rss(
        "<item><title><![CDATA[Fine <script>steal()</script>for <b>retailer</b>]]></title>"
        "<link>https://wire.example/a/1</link><description><![CDATA[<style>p{color:red}</style>"
        "<p>The watchdog acted.</p><iframe src='https://ads.example'>ad</iframe>"
        "<script>track()</script>]]></description></item>"
    )
    parsed = parse_feed(body, feed_name="t", base_url="https://wire.example/", now=NOW)
    assert parsed.items[0].title == "Fine for retailer"
    assert parsed.items[0].summary == "The watchdog acted."
