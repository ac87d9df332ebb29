"""Article pages -> clean text and metadata, with trafilatura.

Owns: calling trafilatura on page bytes, removing the scraper noise it lets
through, picking title/date/language with sensible fallbacks, and building
the `Article` (or the feed-summary fallback when the page cannot be had).
"No result" is an ordinary value: `extract_page` returns None with a reason.
Does not own: HTTP.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

import lxml.html
import trafilatura
from lxml.etree import ParserError

from monitor.models import Article, FeedItem
from monitor.sources.lang import choose_lang
from monitor.sources.noise import strip_noise, strip_site_suffix
from monitor.sources.text import normalise_space

MIN_TEXT_CHARS = 200  # below this the "article" is a teaser or an error page; use the summary
_DATE_PARAMS = {
    "extensive_search": True,
    "original_date": True,
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
}

# trafilatura logs every page it cannot extract at WARNING/ERROR; we record that as data
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)


@dataclass(frozen=True, slots=True, kw_only=True)
class PageContent:
    """What a page yields: text and the metadata it declares."""

    title: str | None
    text: str
    published: str | None
    lang: str | None


def extract_page(html: bytes | str, *, url: str) -> tuple[PageContent | None, str | None]:
    """Extract main text and metadata; return (content, None) or (None, reason)."""
    if not html:
        return None, "empty page"
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            favor_precision=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            date_extraction_params=_DATE_PARAMS,
        )
    except (ValueError, TypeError, ParserError) as e:  # malformed markup deep inside lxml
        return None, f"extraction failed: {type(e).__name__}: {e}"
    if doc is None or isinstance(doc, dict) or not doc.text:  # dict: only with as_dict=True
        return None, "no main text found"
    page_lang, captions = _page_hints(html)
    title = strip_site_suffix(normalise_space(doc.title or ""), doc.sitename) or None
    text = strip_noise(normalise_space(doc.text or ""), title=title, captions=captions)
    if len(text) < MIN_TEXT_CHARS:
        return None, f"main text too short ({len(text)} chars)"
    return PageContent(title=title, text=text, published=to_utc(doc.date), lang=page_lang), None


def build_article(
    item: FeedItem,
    page: PageContent | None,
    *,
    source: str,
    now: datetime,
    failure: str | None = None,
) -> Article:
    """Combine feed item and page; the feed summary stands in when the page failed."""
    if page is not None:
        title, text, extraction = item.title or page.title or "", page.text, "page"
        published = item.published or page.published
        page_lang = page.lang
    else:
        title, text, extraction = item.title, item.summary, "summary"
        published, page_lang = item.published, None
    lang = choose_lang(page_lang, item.lang, f"{title}\n{text}")
    return Article(
        url=item.url,
        guid=item.guid,
        feed=item.feed,
        source=source,
        title=title,
        summary=item.summary,
        text=text,
        lang=lang,
        published=published,
        fetched=now.astimezone(UTC).isoformat(timespec="seconds"),
        content_hash=content_hash(text),
        extraction=extraction,  # type: ignore[arg-type]
        extraction_error=failure,
    )


def content_hash(text: str) -> str:
    """Hash of the text with case and whitespace folded: equal for syndicated copies."""
    folded = " ".join(text.lower().split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def to_utc(value: str | None) -> str | None:
    """An ISO date or datetime (any offset) -> UTC ISO-8601; None when unparsable."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat(timespec="seconds")


def _page_hints(html: bytes | str) -> tuple[str | None, frozenset[str]]:
    """The page's <html lang> and its figure captions (to strip from the text)."""
    try:
        root = lxml.html.fromstring(html)
    except (ParserError, ValueError):
        return None, frozenset()
    lang = root.get("lang") or root.get("xml:lang")
    captions = frozenset(normalise_space(el.text_content()) for el in root.iter("figcaption"))
    return lang, captions
