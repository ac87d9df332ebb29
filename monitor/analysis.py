"""Analysis stage: classify new articles, assign them to stories, queue alerts.

Owns: the order classify -> cluster -> alerts for a batch of new article ids.
Does not own: the models, SQL or channels themselves.
"""

from __future__ import annotations

from datetime import datetime

from monitor.app import App


async def analyse_articles(app: App, article_ids: list[int], now: datetime) -> dict[str, int]:
    """Analyse `article_ids`; returns counts per outcome."""
    return {"articles": len(article_ids)}
