"""Builds the running parts from Settings and owns their lifetimes.

Owns: opening the store, the fetcher, the demo server (when feeds use
demo:// URLs), and lazily the analysis parts (encoder, classifier, story
clusterer) and notifiers; closing them all. Does not own: what to do with
them (see `pipeline.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

import httpx

from monitor.config import DEMO_SCHEME, Settings
from monitor.models import Feed
from monitor.sources.http import Fetcher
from monitor.store import Store


class App:
    """The process-wide parts; use `async with App(settings) as app`."""

    def __init__(self, settings: Settings, *, store: Store | None = None) -> None:
        self.settings = settings
        self.store = store or Store(settings.store_path())
        self._own_store = store is None
        self.demo: Any = None
        fetch = settings.fetch
        transport = None
        if settings.uses_demo:
            from monitor.demo.server import DemoServer

            self.demo = DemoServer()
            fetch = replace(fetch, allow_hosts=(*fetch.allow_hosts, self.demo.host))
            transport = self.demo.transport(limits=httpx.Limits(max_connections=fetch.concurrency))
        self.fetcher = Fetcher(fetch, transport=transport)
        self.feeds = [self._feed(f) for f in settings.feeds]
        self.sources = {f.name: (f.source or f.name) for f in settings.feeds}
        self.store.feeds.sync(self.feeds)
        self._lazy: dict[str, Any] = {}

    def _feed(self, f: Any) -> Feed:
        url = f.url
        if urlsplit(url).scheme == DEMO_SCHEME and self.demo is not None:
            url = self.demo.url_for(url)
        return Feed(name=f.name, url=url, lang=f.lang, interval_s=f.interval, enabled=f.enabled)

    def lazy(self, key: str, factory: Callable[[], Any]) -> Any:
        """Build an expensive part once, on first use (models load in ~1 s or more)."""
        if key not in self._lazy:
            self._lazy[key] = factory()
        return self._lazy[key]

    async def __aenter__(self) -> App:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.fetcher.aclose()
        for part in self._lazy.values():
            close = getattr(part, "close", None)
            if callable(close):
                close()
        if self.demo is not None:
            self.demo.close()
        if self._own_store:
            self.store.close()
