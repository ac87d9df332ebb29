"""One pass of the monitor: poll feeds, store new articles, analyse, alert.

Owns: the order of the stages and failure isolation: a failing feed or page
is recorded (feed state, extraction_error) and the run goes on. New items are
fetched, extracted and stored in batches of PAGE_BATCH, each handed to an
optional `sink` as soon as it is stored, so memory stays bounded whatever the
feed size and the daemon's bounded queue can push back. A body identical to
the last one is not parsed again. CPU-bound steps run
in the worker pools (`monitor.workers`), never on the event loop. Does not
own: HTTP details, parsing, SQL, models or channels (each lives in its package).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from monitor import polling
from monitor.app import App
from monitor.errors import FeedParseError, FetchError
from monitor.models import Article, Feed, FeedItem, FeedState
from monitor.sources.extract import PageContent, build_article, extract_page
from monitor.sources.feeds import parse_feed
from monitor.workers import WorkerCrashedError, WorkerTimeoutError, workers_for

log = logging.getLogger(__name__)

PAGE_BATCH = 64  # new items fetched/extracted/stored together; bounds memory per feed
Sink = Callable[[list[int]], Awaitable[None]]  # receives ids of newly stored articles


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
    feeds = [f for f in active_feeds(app) if not (only_due and not _due(app, f, now))]
    results = await asyncio.gather(*(poll_feed(app, f, now) for f in feeds))
    reports = []
    new_ids: list[int] = []
    for report, ids in results:
        reports.append(report)
        new_ids.extend(ids)
        if progress:
            progress(report)
    analysis = await analyse(app, new_ids, now)
    analysis.update(await deliver(app, now))
    return RunReport(
        feeds=tuple(reports),
        new_article_ids=tuple(new_ids),
        analysis=analysis,
        seconds=time.perf_counter() - started,
    )


def active_feeds(app: App) -> list[Feed]:
    """Configured, enabled feeds that the store has not disabled for failing too long."""
    return [
        f for f in app.feeds if f.enabled and app.store.feeds.state(f.name).disabled_reason is None
    ]


def _due(app: App, feed: Feed, now: datetime) -> bool:
    state = app.store.feeds.state(feed.name)
    return state.next_poll is None or datetime.fromisoformat(state.next_poll) <= now


async def poll_feed(
    app: App, feed: Feed, now: datetime, *, sink: Sink | None = None
) -> tuple[FeedReport, list[int]]:
    """Poll one feed; every failure becomes data in the report and the feed state.

    `sink`, when given, receives the ids of each stored batch as soon as it is
    stored (it may block: that is the daemon's backpressure).
    """
    started = time.perf_counter()
    state = app.store.feeds.state(feed.name)
    try:
        return await _poll(app, feed, state, now, sink, started)
    except (FetchError, FeedParseError) as e:
        return _failed(app, feed, state, e, now, started), []
    except (WorkerTimeoutError, WorkerCrashedError) as e:
        return _failed(app, feed, state, e, now, started, reason="parse_worker"), []
    except Exception as e:  # a bug or an unforeseen input must not stop the other feeds
        log.exception("feed %s: unexpected error", feed.name)
        return _failed(
            app, feed, state, e, now, started, reason=f"internal_error {type(e).__name__}"
        ), []


async def _poll(
    app: App, feed: Feed, state: FeedState, now: datetime, sink: Sink | None, started: float
) -> tuple[FeedReport, list[int]]:
    result = await app.fetcher.get(feed.url, etag=state.etag, last_modified=state.last_modified)
    digest = hashlib.blake2b(result.body, digest_size=16).digest()
    seen = _last_bodies(app).get(feed.name)
    if result.not_modified or (seen is not None and seen[0] == digest):
        app.store.feeds.save_state(
            polling.after_success(
                state,
                now=now,
                interval_s=feed.interval_s,
                http_status=result.status,
                headers=result.headers,
                ttl_s=seen[1] if seen else None,
            )
        )
        return FeedReport(
            feed=feed.name, status="not_modified", seconds=time.perf_counter() - started
        ), []
    parsed = await workers_for(app).run(
        "parse",
        parse_feed,
        result.body,
        feed_name=feed.name,
        base_url=result.final_url,
        content_type=result.headers.get("content-type"),
        default_lang=feed.lang,
        now=now,
        max_items=app.settings.fetch.max_items_per_feed,
    )
    known = app.store.articles.known(feed.name, [(i.url, i.guid) for i in parsed.items])
    fresh = [i for i in parsed.items if i.url not in known]
    ids: list[int] = []
    failures = 0
    for start in range(0, len(fresh), PAGE_BATCH):
        articles = await asyncio.gather(
            *(_fetch_article(app, i, now) for i in fresh[start : start + PAGE_BATCH])
        )
        failures += sum(1 for a in articles if a.extraction_error)
        # one commit per batch (~2x faster than one per article); a crash mid-batch loses
        # only uncommitted items, and feed state is saved last: the next poll fetches them
        with app.store.db.atomic():
            batch = [aid for aid in (app.store.articles.insert(a) for a in articles) if aid]
        ids.extend(batch)
        if sink is not None and batch:
            await sink(batch)
    app.store.feeds.save_state(
        polling.after_success(
            state,
            now=now,
            interval_s=feed.interval_s,
            http_status=result.status,
            headers=result.headers,
            ttl_s=parsed.ttl_s,
        ),
        items_seen=len(parsed.items),
        stored=len(ids),
    )
    _last_bodies(app)[feed.name] = (digest, parsed.ttl_s)
    return FeedReport(
        feed=feed.name,
        status="ok",
        items=len(parsed.items),
        new=len(fresh),
        stored=len(ids),
        page_failures=failures,
        seconds=time.perf_counter() - started,
    ), ids


def _last_bodies(app: App) -> dict[str, tuple[bytes, int | None]]:
    """Feed -> (hash, ttl) of the body of its last complete poll in this process.

    Many servers send neither ETag nor Last-Modified: an unchanged body is then
    recognised by its hash and not parsed again (its items were all stored).
    """
    return app.lazy("last_bodies", dict)  # type: ignore[no-any-return]


def _failed(
    app: App,
    feed: Feed,
    state: FeedState,
    error: Exception,
    now: datetime,
    started: float,
    *,
    reason: str | None = None,
) -> FeedReport:
    status = getattr(error, "status", None)
    retry_after = polling.retry_after_seconds(getattr(error, "retry_after", None), now=now)
    reason = reason or getattr(error, "reason", "parse_error")
    message = f"{reason}: {error}"
    new_state = polling.after_failure(
        app.store.feeds.state(feed.name),
        now=now,
        interval_s=feed.interval_s,
        error=message,
        http_status=status,
        retry_after_s=retry_after,
        max_backoff_s=app.settings.daemon.max_backoff_s,
    )
    app.store.feeds.save_state(new_state)
    if polling.should_disable(
        new_state, now=now, after_days=app.settings.daemon.disable_after_days
    ):
        app.store.feeds.disable(feed.name, f"failing since {new_state.first_error_at}: {message}")
    log.warning("feed %s failed: %s", feed.name, message)
    return FeedReport(
        feed=feed.name, status="error", error=message, seconds=time.perf_counter() - started
    )


async def _fetch_article(app: App, item: FeedItem, now: datetime) -> Article:
    """Fetch and extract one item's page; fall back to the feed summary on failure."""
    page: PageContent | None = None
    failure: str | None = None
    if app.settings.fetch.fetch_pages:
        try:
            result = await app.fetcher.get(item.url)
            page, failure = await workers_for(app).run(
                "extract", extract_page, result.body, url=result.final_url
            )
        except FetchError as e:
            failure = f"{e.reason}: {e}"
        except (WorkerTimeoutError, WorkerCrashedError) as e:
            failure = f"extraction_failed: {e}"
    return build_article(
        item, page, source=app.sources.get(item.feed, item.feed), now=now, failure=failure
    )


async def analyse(app: App, article_ids: list[int], now: datetime) -> dict[str, int]:
    """Classify, cluster and alert on new articles (wired in by `monitor.analysis`)."""
    if not article_ids:
        return {}
    from monitor.analysis import analyse_articles

    return await analyse_articles(app, article_ids, now)


async def deliver(app: App, now: datetime) -> dict[str, int]:
    """Send what the outbox holds due through the enabled channels (see `monitor.analysis`)."""
    from monitor.analysis import deliver as deliver_due

    return await deliver_due(app, now)
