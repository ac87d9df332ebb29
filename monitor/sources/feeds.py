"""Feed documents -> ParsedFeed, with feedparser working on bytes we fetched.

Owns: turning feedparser's dicts into frozen `FeedItem`s (canonical URL, plain
summary, UTC dates, declared language), accepting recoverable "bozo" feeds and
refusing unusable ones, and reading polling hints (RSS ttl, sy:updatePeriod).
Does not own: HTTP (feedparser never downloads anything here).
"""

from __future__ import annotations

import calendar
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser

from monitor.errors import FeedParseError
from monitor.models import FeedItem, ParsedFeed
from monitor.sources.text import html_to_text
from monitor.sources.urls import canonical_url

_PERIOD_S = {"hourly": 3600, "daily": 86400, "weekly": 604800, "monthly": 2592000,
             "yearly": 31536000}
FUTURE_TOLERANCE = timedelta(days=1)  # clocks and time zones drift; beyond that a date is bogus


def parse_feed(
    body: bytes,
    *,
    feed_name: str,
    base_url: str,
    content_type: str | None = None,
    default_lang: str | None = None,
    now: datetime,
    max_items: int = 200,
) -> ParsedFeed:
    """Parse feed bytes into a ParsedFeed.

    Raises:
        FeedParseError: the bytes are not a feed feedparser can recover.
    """
    # Without a declared type feedparser flags every document as bozo; assume XML.
    headers = {"content-location": base_url, "content-type": content_type or "application/xml"}
    parsed = feedparser.parse(body, response_headers=headers, sanitize_html=True,
                              resolve_relative_uris=True)
    version = parsed.get("version") or ""
    bozo = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if not parsed.entries and (bozo or not version):
        # nothing usable: an HTML page, a truncated or broken document
        reason = f": {type(bozo).__name__}: {bozo}" if bozo else ""
        raise FeedParseError(f"not a feed (no RSS/Atom items could be read){reason}")
    lang = _lang(parsed.feed.get("language")) or default_lang
    items: list[FeedItem] = []
    seen: set[str] = set()
    for entry in parsed.entries[:max_items]:
        item = _item(entry, feed_name=feed_name, lang=lang, now=now)
        if item is None or item.url in seen:  # a feed repeating a link or guid gives one item
            continue
        seen.add(item.url)
        items.append(item)
    if bozo and not items:
        raise FeedParseError(f"not a feed (broken document, no readable item): "
                             f"{type(bozo).__name__}: {bozo}")
    return ParsedFeed(
        title=parsed.feed.get("title"),
        lang=lang,
        items=tuple(items),
        ttl_s=_ttl_seconds(parsed.feed),
        bozo_reason=f"{type(bozo).__name__}: {bozo}" if bozo else None,
    )


def _item(entry: Any, *, feed_name: str, lang: str | None, now: datetime) -> FeedItem | None:
    link = entry.get("link") or ""
    guid = entry.get("id") or None
    if not link.startswith(("http://", "https://")):
        if guid and str(guid).startswith(("http://", "https://")):
            link = str(guid)
        else:
            return None
    title = html_to_text(entry.get("title") or "").strip()
    summary = html_to_text(entry.get("summary") or "").strip()
    if not title and not summary:
        return None
    return FeedItem(
        feed=feed_name,
        guid=str(guid) if guid else None,
        url=canonical_url(link),
        title=title or summary[:120],
        summary=summary,
        published=_published(entry, now),
        lang=lang,
    )


def _published(entry: Any, now: datetime) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        struct = entry.get(key)
        if struct:
            return to_utc_iso(struct, now)
    return None


def to_utc_iso(struct: time.struct_time, now: datetime) -> str | None:
    """feedparser's UTC struct_time -> ISO-8601 UTC; None for impossible or future dates."""
    try:
        when = datetime.fromtimestamp(calendar.timegm(struct), tz=UTC)
    except (OverflowError, ValueError, OSError):
        return None
    if when > now + FUTURE_TOLERANCE or when.year < 1990:
        return None
    return when.isoformat(timespec="seconds")


def _lang(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().lower().replace("_", "-").split("-")[0][:3] or None


def _ttl_seconds(feed: Any) -> int | None:
    ttl = feed.get("ttl")
    if isinstance(ttl, str) and ttl.strip().isdigit():
        return int(ttl.strip()) * 60
    period = _PERIOD_S.get(str(feed.get("sy_updateperiod", "")).strip().lower())
    if period:
        freq = str(feed.get("sy_updatefrequency", "1")).strip()
        return period // max(1, int(freq)) if freq.isdigit() else period
    return None
