"""Full-text search over stored articles (FTS5 `articles_fts`, EN and FR).

Owns: turning untrusted user text into a safe FTS5 query (`fts_query`) and the
SQL of `search_articles`, which the `monitor search` command and the Telegram
bot share. The index folds case and diacritics (tokenizer `unicode61
remove_diacritics 2`), so "societe" finds "société" and "amende" finds "amendé".
Does not own: presenting results (CLI or bot formatting).

Query language, deliberately small so that no input can be an FTS5 syntax
error: words are ANDed; `"two words"` is a phrase; a trailing `*` makes a
prefix (`sanction*`). Everything else (AND, OR, NOT, NEAR, parentheses,
column filters, stray quotes) is taken literally as words.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlite_utils import Database

DEFAULT_LIMIT = 20
MAX_LIMIT = 1000
SNIPPET_TOKENS = 16  # tokens of context in a snippet, around the matches

# A quoted phrase, or a run of non-space characters (which may hold a stray quote).
_TERM = re.compile(r'"([^"]*)"|(\S+)')


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchHit:
    """One matching article; `snippet` has the matches between the highlight marks."""

    article_id: int
    title: str
    snippet: str
    source: str  # outlet name
    lang: str | None
    url: str
    published: str | None  # UTC ISO-8601, else None
    label: str | None  # classifier label, None when not classified yet
    story_id: int | None
    rank: float  # FTS5 bm25 rank: lower is a better match


def since_bound(text: str) -> str:
    """Normalise a user's date or time to the UTC string that stored times compare with.

    A date stays a date ("2022-05-01"). A time loses its offset after conversion
    to UTC ("2022-05-01T10:00+02:00" -> "2022-05-01T08:00:00"), so it sorts at or
    before every stored time of that second. A time without offset is taken as UTC.

    Raises:
        ValueError: `text` is not an ISO-8601 date or time.
    """
    text = text.strip()
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as e:
        raise ValueError(f"not an ISO-8601 date or time: {text!r}") from e
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="seconds")


def _clean(text: str) -> str:
    # NUL and lone surrogates cannot be bound as UTF-8 text; they carry no words anyway.
    return "".join(ch for ch in text if ch != "\x00" and not 0xD800 <= ord(ch) <= 0xDFFF)


def _has_word(text: str) -> bool:
    # unicode61 treats letters and digits as token characters; a term without any is empty.
    return any(ch.isalnum() for ch in text)


def fts_query(text: str) -> str | None:
    """Translate user text into an FTS5 MATCH expression, or None when it has no words.

    Every term is emitted as a double-quoted FTS5 string (inner quotes doubled),
    so operators and punctuation in `text` are never interpreted by FTS5.

    Examples:
        >>> fts_query('ICO "Clearview AI" sanction*')
        '"ICO" "Clearview AI" "sanction"*'
        >>> fts_query('AND OR (')
        '"AND" "OR"'
    """
    terms: list[str] = []
    for m in _TERM.finditer(_clean(text)):
        phrase = m.group(1)
        word = m.group(2)
        prefix = False
        if phrase is None:
            prefix = word.endswith("*")
            phrase = word.strip('"*')
        if not _has_word(phrase):
            continue
        quoted = '"' + phrase.replace('"', '""') + '"'
        terms.append(quoted + ("*" if prefix else ""))
    return " ".join(terms) if terms else None


def _filters(label: str | None, lang: str | None, since: str | None) -> tuple[str, list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if label is not None:
        where.append("c.label = ?")
        params.append(label)
    if lang is not None:
        where.append("a.lang = ?")
        params.append(lang)
    if since is not None:
        where.append("coalesce(a.published, a.fetched) >= ?")
        params.append(since)
    return "".join(f" AND {w}" for w in where), params


def search_articles(
    db: Database | sqlite3.Connection,
    query: str,
    *,
    label: str | None = None,
    lang: str | None = None,
    since: str | None = None,
    limit: int = DEFAULT_LIMIT,
    highlight: tuple[str, str] = ("[", "]"),
) -> list[SearchHit]:
    """Articles matching `query`, best match first.

    Args:
        db: the store's database, or any sqlite3 connection to the store file.
        query: untrusted user text (see the module docstring for its syntax).
        label: only articles the classifier gave this label.
        lang: only articles in this language (ISO 639-1, e.g. "fr").
        since: only articles published (else fetched) at or after this UTC
            ISO-8601 date or time, e.g. "2022-05-01".
        limit: at most this many hits (capped at `MAX_LIMIT`).
        highlight: strings put before and after each match in `snippet`.
            Snippets are raw article text: a caller rendering HTML should pass
            marks that cannot occur in text (e.g. "\\x02", "\\x03"), escape,
            then replace them.

    Returns:
        Up to `limit` hits; an empty list when the query has no words.
    """
    match = fts_query(query)
    if match is None or limit <= 0:
        return []
    extra, params = _filters(label, lang, since)
    sql = (
        "SELECT a.id, a.title, snippet(articles_fts, -1, ?, ?, '…', ?), a.source, a.lang,"
        " a.url, a.published, c.label, a.story_id, articles_fts.rank"
        " FROM articles_fts"
        " JOIN articles a ON a.id = articles_fts.rowid"
        " LEFT JOIN classifications c ON c.article_id = a.id"
        f" WHERE articles_fts MATCH ?{extra}"
        " ORDER BY articles_fts.rank, a.id LIMIT ?"
    )
    args = [highlight[0], highlight[1], SNIPPET_TOKENS, match, *params, min(limit, MAX_LIMIT)]
    rows = db.execute(sql, args).fetchall()
    return [
        SearchHit(
            article_id=r[0],
            title=r[1],
            snippet=r[2],
            source=r[3],
            lang=r[4],
            url=r[5],
            published=r[6],
            label=r[7],
            story_id=r[8],
            rank=float(r[9]),
        )
        for r in rows
    ]
