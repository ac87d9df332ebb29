"""Articles table: idempotent ingestion and lookups.

Owns: inserting articles so that re-polling never stores anything twice
(canonical URL unique; a known (feed, guid) is skipped), and reading them
back. Does not own: fetching, extraction or classification.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from sqlite_utils import Database

from monitor.models import Article


class ArticleRepo:
    """Reads and writes the `articles` table."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def known(self, feed: str, urls_and_guids: Iterable[tuple[str, str | None]]) -> set[str]:
        """Return the URLs among `urls_and_guids` that are already stored.

        An item counts as stored when its canonical URL is, or when the same
        feed already gave an article with the same guid (the URL may have
        changed, e.g. a tracking parameter we do not strip).
        """
        found: set[str] = set()
        for url, guid in urls_and_guids:
            row = self._db.execute(
                "SELECT 1 FROM articles WHERE url = ? OR (guid = ? AND feed = ?) LIMIT 1",
                [url, guid, feed],
            ).fetchone()
            if row:
                found.add(url)
        return found

    def insert(self, article: Article) -> int | None:
        """Store `article`; return its new id, or None when it was already stored."""
        values = dataclasses.asdict(article)
        cols = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        with self._db.atomic():
            cur = self._db.execute(
                f"INSERT OR IGNORE INTO articles ({cols}) VALUES ({marks})", list(values.values())
            )
            if cur.rowcount == 0:
                return None
            return int(cur.lastrowid or 0)

    def get(self, article_id: int) -> dict[str, object] | None:
        rows = list(self._db["articles"].rows_where("id = ?", [article_id]))
        return rows[0] if rows else None

    def count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM articles").fetchone()[0])

    def count_by_lang(self) -> dict[str, int]:
        rows = self._db.execute(
            "SELECT coalesce(lang, '?'), count(*) FROM articles GROUP BY 1 ORDER BY 1"
        ).fetchall()
        return {r[0]: r[1] for r in rows}

    def by_content_hash(self, content_hash: str) -> int | None:
        """Id of an earlier article with exactly the same cleaned text, if any."""
        row = self._db.execute(
            "SELECT id FROM articles WHERE content_hash = ? ORDER BY id LIMIT 1", [content_hash]
        ).fetchone()
        return int(row[0]) if row else None
