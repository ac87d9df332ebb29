"""Dry run of one feed URL: fetch, parse, extract, without touching the store."""

from __future__ import annotations

import asyncio
from datetime import datetime

from monitor.config import Settings
from monitor.errors import FetchError
from monitor.models import Article, FeedItem
from monitor.sources.extract import PageContent, build_article, extract_page
from monitor.sources.feeds import parse_feed
from monitor.sources.http import Fetcher


async def preview_feed(
    settings: Settings, url: str, *, lang: str | None, now: datetime, limit: int = 20
) -> list[Article]:
    """Articles that polling `url` would store (newest `limit` items)."""
    async with Fetcher(settings.fetch) as fetcher:
        result = await fetcher.get(url)
        parsed = parse_feed(
            result.body,
            feed_name="check",
            base_url=result.final_url,
            content_type=result.headers.get("content-type"),
            default_lang=lang,
            now=now,
            max_items=limit,
        )

        async def one(item: FeedItem) -> Article:
            page: PageContent | None = None
            failure = None
            try:
                got = await fetcher.get(item.url)
                page, failure = await asyncio.to_thread(extract_page, got.body, url=got.final_url)
            except FetchError as e:
                failure = f"{e.reason}: {e}"
            return build_article(item, page, source="check", now=now, failure=failure)

        return list(await asyncio.gather(*(one(i) for i in parsed.items)))
