"""ClassificationRepo on a real SQLite store: upsert one verdict per article, read it back."""

from __future__ import annotations

from datetime import UTC, datetime

from monitor.models import Article, Classification, EventFields, Feed
from monitor.store import Store
from monitor.store.classifications import ClassificationRepo

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def _article(store: Store) -> int:
    store.feeds.sync([Feed(name="wire", url="https://example.org/feed.xml")])
    article_id = store.articles.insert(
        Article(
            url="https://example.org/ico-clearview",
            guid=None,
            feed="wire",
            source="Wire",
            title="ICO fines Clearview AI",
            summary="",
            text="The ICO fined Clearview AI.",
            lang="en",
            published=None,
            fetched=NOW.isoformat(),
            content_hash="h",
        )
    )
    assert article_id is not None
    return article_id


def test_save_get_and_replace(store: Store) -> None:
    repo = ClassificationRepo(store.db)
    article_id = _article(store)
    assert repo.get(article_id) is None
    first = Classification(
        label="other", score=0.61, model="use-multilingual-v3", model_version="aaa"
    )
    repo.save(article_id, first, NOW)
    assert repo.get(article_id) == first
    fields = EventFields(
        authority="ICO",
        target="Clearview AI",
        action="fine",
        amount=7_552_800.0,
        currency="GBP",
        country="GB",
        law="UK GDPR",
        event_date="2022-05-23",
    )
    second = Classification(
        label="enforcement",
        score=0.97,
        fields=fields,
        model="use-multilingual-v3",
        model_version="bbb",
    )
    repo.save(article_id, second, NOW)
    assert repo.get(article_id) == second
    rows = list(store.db["classifications"].rows)
    assert len(rows) == 1
    assert rows[0]["classified_at"].startswith("2024-05-01T12:00:00")
    assert rows[0]["amount"] == 7_552_800.0 and rows[0]["currency"] == "GBP"


def test_save_joins_a_callers_transaction(store: Store) -> None:
    repo = ClassificationRepo(store.db)
    article_id = _article(store)
    try:
        with store.db.atomic():
            repo.save(article_id, Classification(label="other", score=0.9), NOW)
            raise RuntimeError("pipeline failed after classifying")
    except RuntimeError:
        pass
    assert repo.get(article_id) is None  # rolled back with the caller's transaction
