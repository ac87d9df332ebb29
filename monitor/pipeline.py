"""One pass of the monitor: poll feeds, store new articles, analyse, alert.

Owns: the order of the stages and failure isolation: a failing feed or page
is recorded (feed state, extraction_error) and the run goes on. Does not own:
HTTP details, parsing, SQL, models or channels (each lives in its package).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from monitor import polling
from monitor.app import App
from monitor.errors import FeedParseError, FetchError
from monitor.models import Feed, FeedItem
from monitor.sources.extract import PageContent, build_article, extract_page
from monitor.sources.feeds import parse_feed

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedReport:
    """What polling one feed did."""

    feed: str
    status: str  # ok | not_modified | error | skipped
    items: int = 0
    new: int = 0
    stored: int = 0
    page_failures: int = 0
    error: str | None = None
    seconds: float = 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class RunReport:
    """What one `run_once` did, per feed and overall."""

    feeds: tuple[FeedReport, ...]
    new_article_ids: tuple[int, ...]
    analysis: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def failed_feeds(self) -> int:
        return sum(1 for f in self.feeds if f.status == "error")


Progress = Callable[[FeedReport], None]


async def run_once(
    app: App, now: datetime, *, progress: Progress | None = None, only_due: bool = False
) -> RunReport:
    """Poll every enabled feed once, then analyse and alert on what is new."""
    started = time.perf_counter()
    feeds = [f for f in app.feeds if f.enabled and not (only_due and not _due(app, f, now))]
    results = await asyncio.gather(*(poll_feed(app, f, now) for f in feeds))
    reports = []
    new_ids: list[int] = []
    for report, ids in results:
        reports.append(report)
        new_ids.extend(ids)
        if progress:
            progress(report)
    analysis = await analyse(app, new_ids, now)
    return RunReport(feeds=tuple(reports), new_article_ids=tuple(new_ids), analysis=analysis,
                     seconds=time.perf_counter() - started)


def _due(app: App, feed: Feed, now: datetime) -> bool:
    state = app.store.feeds.state(feed.name)
    return state.next_poll is None or datetime.fromisoformat(state.next_poll) <= now


async def poll_feed(app: App, feed: Feed, now: datetime) -> tuple[FeedReport, list[int]]:
    """Poll one feed; every failure becomes data in the report and the feed state."""
    started = time.perf_counter()
    state = app.store.feeds.state(feed.name)
    try:
        result = await app.fetcher.get(feed.url, etag=state.etag,
                                       last_modified=state.last_modified)
        if result.not_modified:
            app.store.feeds.save_state(polling.after_success(
                state, now=now, interval_s=feed.interval_s, http_status=304,
                headers=result.headers))
            return FeedReport(feed=feed.name, status="not_modified",
                              seconds=time.perf_counter() - started), []
        parsed = await asyncio.to_thread(
            parse_feed, result.body, feed_name=feed.name, base_url=result.final_url,
            content_type=result.headers.get("content-type"), default_lang=feed.lang, now=now,
            max_items=app.settings.fetch.max_items_per_feed)
    except (FetchError, FeedParseError) as e:
        return _failed(app, feed, state, e, now, started), []
    known = app.store.articles.known(feed.name, [(i.url, i.guid) for i in parsed.items])
    fresh = [i for i in parsed.items if i.url not in known]
    articles = await asyncio.gather(*(_fetch_article(app, i, now) for i in fresh))
    ids = [aid for aid in (app.store.articles.insert(a) for a in articles) if aid is not None]
    app.store.feeds.save_state(
        polling.after_success(state, now=now, interval_s=feed.interval_s,
                              http_status=result.status, headers=result.headers,
                              ttl_s=parsed.ttl_s),
        items_seen=len(parsed.items), stored=len(ids))
    failures = sum(1 for a in articles if a.extraction_error)
    return FeedReport(feed=feed.name, status="ok", items=len(parsed.items), new=len(fresh),
                      stored=len(ids), page_failures=failures,
                      seconds=time.perf_counter() - started), ids


def _failed(app: App, feed: Feed, state: object, error: Exception, now: datetime,
            started: float) -> FeedReport:
    status = getattr(error, "status", None)
    retry_after = polling.retry_after_seconds(getattr(error, "retry_after", None), now=now)
    reason = getattr(error, "reason", "parse_error")
    message = f"{reason}: {error}"
    new_state = polling.after_failure(
        app.store.feeds.state(feed.name), now=now, interval_s=feed.interval_s, error=message,
        http_status=status, retry_after_s=retry_after,
        max_backoff_s=app.settings.daemon.max_backoff_s)
    app.store.feeds.save_state(new_state)
    if polling.should_disable(new_state, now=now,
                              after_days=app.settings.daemon.disable_after_days):
        app.store.feeds.disable(feed.name, f"failing since {new_state.first_error_at}: {message}")
    log.warning("feed %s failed: %s", feed.name, message)
    return FeedReport(feed=feed.name, status="error", error=message,
                      seconds=time.perf_counter() - started)


async def _fetch_article(app: App, item: FeedItem, now: datetime):  # type: ignore[no-untyped-def]
    """Fetch and extract one item's page; fall back to the feed summary on failure."""
    page: PageContent | None = None
    failure: str | None = None
    if app.settings.fetch.fetch_pages:
        try:
            result = await app.fetcher.get(item.url)
            page, failure = await asyncio.to_thread(extract_page, result.body,
                                                    url=result.final_url)
        except FetchError as e:
            failure = f"{e.reason}: {e}"
    return build_article(item, page, source=app.sources.get(item.feed, item.feed), now=now,
                         failure=failure)


async def analyse(app: App, article_ids: list[int], now: datetime) -> dict[str, int]:
    """Classify, cluster and alert on new articles (wired in by `monitor.analysis`)."""
    if not article_ids:
        return {}
    from monitor.analysis import analyse_articles

    return await analyse_articles(app, article_ids, now)
