"""Analysis stage: classify new articles, assign them to stories, queue alerts.

Owns: the order classify -> cluster -> alerts for a batch of new article ids,
and the lazily built, process-wide analysis parts (the classifier with its
encoder, and the story clusterer rebuilt from the store). Everything for a
batch is written before this returns, so a crash leaves each article either
fully analysed or untouched (and `OpsRepo.unanalysed_ids` finds it again).
The model runs in a thread: numpy releases the GIL, the event loop keeps
polling. Does not own: the models, SQL, decisions or channels themselves.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from datetime import datetime
from typing import Any

from monitor.app import App
from monitor.models import Classification

log = logging.getLogger(__name__)


def classifier_of(app: App) -> Any:
    """The app's `Classifier` (encoder + shipped head), built on first use."""
    from monitor.classify.classifier import Classifier

    return app.lazy("classifier", lambda: Classifier.from_settings(app.settings.classify))


def clusterer_of(app: App, now: datetime) -> Any:
    """The app's `StoryClusterer`, restored from the store's recent stories on first use."""
    from monitor.clustering import load_clusterer

    encoder = classifier_of(app).encoder
    return app.lazy(
        "clusterer",
        lambda: load_clusterer(
            app.store, app.settings.dedup, dim=encoder.dim, model=encoder.name, now=now
        ),
    )


async def analyse_articles(app: App, article_ids: list[int], now: datetime) -> dict[str, int]:
    """Analyse `article_ids` (already stored); returns counts per outcome.

    Ids that are unknown are skipped; ids already assigned to a story are
    "repeat" assignments and change nothing.
    """
    rows: list[dict[str, Any]] = [
        r for r in (app.store.articles.get(i) for i in article_ids) if r is not None
    ]
    if not rows:
        return {}
    # loading the model takes seconds: in a thread too, so polling goes on meanwhile
    classifier = await asyncio.to_thread(classifier_of, app)
    verdicts, vectors = await asyncio.to_thread(_classify, classifier, rows)
    clusterer = clusterer_of(app, now)
    with app.store.db.atomic():
        for row, verdict in zip(rows, verdicts, strict=True):
            app.store.classifications.save(row["id"], verdict, now)
    assignments = _assign(app, clusterer, rows, verdicts, vectors, now)
    alerts = _refresh(app, [a.story_id for a in assignments if a.changed], now)
    counts: Counter[str] = Counter(v.label for v in verdicts)
    counts["articles"] = len(rows)
    counts["new stories"] = sum(1 for a in assignments if a.is_new_story)
    counts["alerts"] = len(alerts)
    return {
        k: counts[k]
        for k in ("articles", "enforcement", "investigation", "other", "new stories", "alerts")
        if counts[k] or k == "articles"
    }


def _classify(classifier: Any, rows: list[dict[str, Any]]) -> tuple[list[Classification], Any]:
    from monitor.classify.classifier import Doc

    docs = [
        Doc(title=str(r["title"] or ""), text=str(r["text"] or r["summary"] or ""), lang=r["lang"])
        for r in rows
    ]
    verdicts, vectors = classifier.classify_with_vectors(docs)
    return list(verdicts), vectors


def _assign(
    app: App,
    clusterer: Any,
    rows: list[dict[str, Any]],
    verdicts: list[Classification],
    vectors: Any,
    now: datetime,
) -> list[Any]:
    from monitor.classify.stories import ClusterDoc, event_time
    from monitor.clustering import ClusterItem, assign_articles

    items = [
        ClusterItem(
            doc=ClusterDoc(
                id=int(r["id"]),
                title=str(r["title"] or ""),
                text=str(r["text"] or r["summary"] or ""),
                lang=r["lang"],
                published=r["published"],
                source=str(r["source"] or r["feed"]),
                fetched=r["fetched"],
            ),
            vector=vectors[n],
            fields=v.fields,
            label=v.label,
            score=v.score,
        )
        for n, (r, v) in enumerate(zip(rows, verdicts, strict=True))
    ]
    # In event-time order, as `monitor cluster` does: the clusterer's window follows the
    # newest article it has seen, so a batch out of order (a first poll that back-fills
    # months of items, feed by feed) would evict a story before its other reports arrive.
    items.sort(
        key=lambda i: (
            (event_time(i.doc.published, i.doc.fetched) or now).timestamp(),
            i.article_id,
        )
    )
    return assign_articles(app.store, clusterer, items, now)


def _refresh(app: App, story_ids: list[int], now: datetime) -> list[Any]:
    from monitor.notify.outbox import refresh_alerts

    if not story_ids:
        return []
    return refresh_alerts(app.store, story_ids, now, notify=app.settings.notify)


async def deliver(app: App, now: datetime) -> dict[str, int]:
    """Send every due delivery through the enabled channels once (`run --once`).

    A channel that cannot be built (Telegram without its token) is an error for
    the caller; a channel that fails to deliver leaves its rows for a retry.
    """
    from monitor.notify.channels import build_notifiers, close_notifiers
    from monitor.notify.outbox import dispatch

    notifiers = build_notifiers(app.settings)
    if not notifiers:
        return {}
    try:
        report = await dispatch(app.store, notifiers, now)
    finally:
        await close_notifiers(notifiers)
    out = {
        "sent": report.sent,
        "edited": report.edited,
        "retrying": report.retrying,
        "dead": report.dead,
    }
    return {k: v for k, v in out.items() if v}
