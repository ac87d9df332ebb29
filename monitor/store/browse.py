"""Read-only queries behind the bot's /search and /digest commands.

Owns: full-text search over `articles_fts` (FTS5) with the user's words made
safe for FTS syntax, and listing the stories seen in a time window. Does not
own: formatting the answers (see `monitor.notify.replies`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from monitor.store.outbox import stamp

_WORD = re.compile(r"\w", re.UNICODE)


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchHit:
    """One article matching a search."""

    article_id: int
    title: str
    source: str
    url: str
    lang: str | None
    published: str | None
    story_id: int | None


def fts_query(text: str) -> str | None:
    """Turn free text into an FTS5 query: every word must appear; `word*` is a prefix.

    Each word becomes a quoted FTS5 string (inner quotes doubled), so operators
    (AND, NEAR, -, :, parentheses) in user input are searched as plain words.
    Returns None when nothing searchable is left.
    """
    parts = []
    for token in text.split():
        prefix = token.endswith("*")
        token = token.rstrip("*")
        if not _WORD.search(token):
            continue
        parts.append('"' + token.replace('"', '""') + '"' + ("*" if prefix else ""))
    return " ".join(parts) or None


class BrowseRepo:
    """Search and listing queries for interactive use."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def search(self, text: str, *, limit: int = 5) -> list[SearchHit]:
        """Articles matching every word of `text`, best first (bm25)."""
        query = fts_query(text)
        if query is None:
            return []
        cur = self._db.execute(
            """SELECT a.id, a.title, a.source, a.url, a.lang, a.published, a.story_id
               FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
               WHERE articles_fts MATCH ? ORDER BY articles_fts.rank, a.id LIMIT ?""",
            [query, limit])
        return [SearchHit(article_id=r[0], title=r[1], source=r[2], url=r[3], lang=r[4],
                          published=r[5], story_id=r[6]) for r in cur.fetchall()]

    def stories_between(self, start: datetime, end: datetime, *, labels: tuple[str, ...],
                        min_score: float, limit: int = 20) -> list[dict[str, Any]]:
        """Stories with `labels` last seen in [start, end), newest first."""
        marks = ", ".join("?" for _ in labels)
        cur = self._db.execute(
            f"""SELECT * FROM stories WHERE last_seen >= ? AND last_seen < ?
                AND label IN ({marks}) AND score >= ?
                ORDER BY last_seen DESC, id DESC LIMIT ?""",
            [_iso(start), _iso(end), *labels, min_score, limit])
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def _iso(moment: datetime) -> str:
    # Story times are written by the clusterer as isoformat(); compare on the
    # seconds-precision prefix, which sorts the same for both widths.
    return stamp(moment)[:19]
