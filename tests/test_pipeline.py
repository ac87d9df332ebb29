"""run_once against a real loopback HTTP server and a real SQLite file."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from conftest import make_settings, with_fetch

from monitor.app import App
from monitor.pipeline import run_once
from monitor.store import Store

NOW = datetime(2022, 5, 24, 12, 0, tzinfo=UTC)
PARA = (
    "The regulator said the company had failed to protect customer records for years, "
    "and that the penalty reflected the seriousness of the failings. "
)


def page(title: str) -> str:
    body = "".join(f"<p>{PARA} Paragraph {i}.</p>" for i in range(4))
    return (
        f"<html lang='en'><head><title>{title}</title></head><body><nav>Home | World</nav>"
        f"<article><h1>{title}</h1>{body}<p>Source link</p></article>"
        "<footer>© Example</footer></body></html>"
    )


def feed(base: str, n: int) -> str:
    items = "".join(
        f"<item><title>Story {i}</title><link>{base}/a/{i}?utm_source=rss</link>"
        f"<guid>g{i}</guid><pubDate>Mon, 23 May 2022 10:0{i}:00 GMT</pubDate>"
        f"<description>Summary of story {i} with enough words to stand alone.</description></item>"
        for i in range(n)
    )
    return (
        f"<rss version='2.0'><channel><title>T</title><language>en</language>{items}"
        "</channel></rss>"
    )


def run(settings, store=None):  # type: ignore[no-untyped-def]
    async def go():  # type: ignore[no-untyped-def]
        async with App(settings, store=store) as app:
            return await run_once(app, NOW)

    return asyncio.run(go())


def test_ingests_pages_and_is_idempotent(tmp_path, http_server, fetch_settings) -> None:
    http_server.route("/feed.xml", feed(http_server.base, 3), etag='"f1"')
    for i in range(3):
        http_server.route(f"/a/{i}", page(f"Story {i}"))
    settings = with_fetch(
        make_settings(tmp_path, [{"name": "t", "url": http_server.url("/feed.xml"), "lang": "en"}]),
        fetch_settings,
    )
    report = run(settings)
    assert report.feeds[0].status == "ok" and report.feeds[0].stored == 3
    with Store(settings.store_path()) as store:
        rows = list(store.db["articles"].rows_where(order_by="url"))
    assert [r["url"] for r in rows] == [http_server.url(f"/a/{i}") for i in range(3)]
    assert all(r["extraction"] == "page" and "Source link" not in r["text"] for r in rows)
    assert rows[0]["published"] == "2022-05-23T10:00:00+00:00" and rows[0]["lang"] == "en"
    again = run(settings)  # conditional GET: the server answers 304
    assert again.feeds[0].status == "not_modified" and not again.new_article_ids
    http_server.routes["/feed.xml"].etag = '"f2"'  # feed changed: same items re-served
    third = run(settings)
    assert third.feeds[0].status == "ok" and third.feeds[0].stored == 0
    with Store(settings.store_path()) as store:
        assert store.articles.count() == 3
        state = store.feeds.state("t")
    assert state.etag == '"f2"' and state.error_count == 0


def test_missing_page_falls_back_to_summary(tmp_path, http_server, fetch_settings) -> None:
    http_server.route("/feed.xml", feed(http_server.base, 1))
    settings = with_fetch(
        make_settings(tmp_path, [{"name": "t", "url": http_server.url("/feed.xml")}]),
        fetch_settings,
    )
    report = run(settings)
    assert report.feeds[0].stored == 1 and report.feeds[0].page_failures == 1
    with Store(settings.store_path()) as store:
        row = next(store.db["articles"].rows)
    assert row["extraction"] == "summary" and row["extraction_error"].startswith("http_404")
    assert row["text"] == "Summary of story 0 with enough words to stand alone."


def test_failing_feed_is_recorded_and_others_go_on(tmp_path, http_server, fetch_settings) -> None:
    http_server.route("/good.xml", feed(http_server.base, 1))
    http_server.route("/a/0", page("Story 0"))
    http_server.route("/bad.xml", "<html><body>Oops</body></html>")
    http_server.route("/gone.xml", "", status=500)
    settings = with_fetch(
        make_settings(
            tmp_path,
            [
                {"name": "good", "url": http_server.url("/good.xml")},
                {"name": "bad", "url": http_server.url("/bad.xml")},
                {"name": "gone", "url": http_server.url("/gone.xml")},
            ],
        ),
        fetch_settings,
    )
    report = run(settings)
    by = {r.feed: r for r in report.feeds}
    assert by["good"].stored == 1
    assert by["bad"].status == "error" and "not a feed" in (by["bad"].error or "")
    assert by["gone"].status == "error" and "http_500" in (by["gone"].error or "")
    with Store(settings.store_path()) as store:
        gone = store.feeds.state("gone")
    assert gone.error_count == 1 and gone.last_http_status == 500 and gone.next_poll
