"""Classifications table: the classifier's latest verdict on each article.

Owns: saving one verdict per article (re-classifying replaces it) and reading
it back as a `Classification`. Does not own: classifying, or analysts' labels
(see `labels.py`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlite_utils import Database

from monitor.models import Classification
from monitor.store.fieldcols import FIELD_COLUMNS, from_columns, to_columns
from monitor.store.outbox import stamp


class ClassificationRepo:
    """Reads and writes the `classifications` table."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def save(self, article_id: int, classification: Classification, now: datetime) -> None:
        """Store (or replace) the verdict on `article_id`."""
        values: dict[str, Any] = {
            "article_id": article_id,
            "label": classification.label,
            "score": classification.score,
            **dict(zip(FIELD_COLUMNS, to_columns(classification.fields), strict=True)),
            "model": classification.model,
            "model_version": classification.model_version,
            "classified_at": stamp(now),
        }
        cols = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        updates = ", ".join(f"{k} = excluded.{k}" for k in values if k != "article_id")
        self._db.execute(
            f"INSERT INTO classifications ({cols}) VALUES ({marks}) "
            f"ON CONFLICT(article_id) DO UPDATE SET {updates}",
            list(values.values()),
        )

    def get(self, article_id: int) -> Classification | None:
        """The stored verdict on `article_id`, or None if it was never classified."""
        rows = list(self._db["classifications"].rows_where("article_id = ?", [article_id]))
        if not rows:
            return None
        row = rows[0]
        return Classification(
            label=row["label"],
            score=row["score"],
            fields=from_columns(row),
            model=row["model"],
            model_version=row["model_version"],
        )
