"""The SQLite store: the only place that speaks SQL.

Owns: one `Store` object per process, grouping one repository per concern
(feeds, articles, classifications, stories, outbox, subscribers, labels).
Each repository is a small module beside this one. Does not own: deciding
anything (what to poll, what to alert); callers pass `now` in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlite_utils import Database

from monitor.store.articles import ArticleRepo
from monitor.store.classifications import ClassificationRepo
from monitor.store.db import open_database, schema_version
from monitor.store.digest import DigestRepo
from monitor.store.feeds import FeedRepo
from monitor.store.labels import LabelRepo
from monitor.store.outbox import AlertRepo, DeliveryRepo
from monitor.store.stats import store_stats
from monitor.store.stories import StoryRepo
from monitor.store.subscribers import SubscriberRepo


class Store:
    """Handle on one store file; close it when done."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.db: Database = open_database(self.path)
        self.feeds = FeedRepo(self.db)
        self.articles = ArticleRepo(self.db)
        self.classifications = ClassificationRepo(self.db)
        self.digests = DigestRepo(self.db)
        self.labels = LabelRepo(self.db)
        self.alerts = AlertRepo(self.db)
        self.deliveries = DeliveryRepo(self.db)
        self.subscribers = SubscriberRepo(self.db)
        self.stories = StoryRepo(self.db)

    @property
    def schema_version(self) -> int:
        return schema_version(self.db)

    def stats(self) -> dict[str, Any]:
        """Summary counts (see `store_stats`)."""
        return store_stats(self.db)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["Store"]
