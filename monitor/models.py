"""Frozen records that the pipeline stages hand to each other.

Owns: the shapes of data crossing module boundaries (feeds, items, articles,
classifications, event fields, stories, alerts). Does not own: any I/O, any
parsing, any SQL. No feedparser or trafilatura object ever leaves `sources/`;
they are turned into these records first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Label = Literal["enforcement", "investigation", "other"]
Action = Literal["fine", "order", "ban", "formal_notice", "settlement", "other"]

LABELS: tuple[Label, ...] = ("enforcement", "investigation", "other")
ACTIONS: tuple[Action, ...] = ("fine", "order", "ban", "formal_notice", "settlement", "other")
# Every measure an authority imposed besides the main `action`: the actions themselves
# (a reprimand is an "other" action) and the kinds of order the text spells out.
Measure = Literal[
    "fine",
    "order",
    "ban",
    "formal_notice",
    "settlement",
    "reprimand",
    "delete_data",
    "stop_processing",
    "comply",
]
MEASURES: tuple[Measure, ...] = (
    "fine",
    "settlement",
    "ban",
    "formal_notice",
    "delete_data",
    "stop_processing",
    "comply",
    "order",
    "reprimand",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Feed:
    """A configured feed: where to poll and how often."""

    name: str
    url: str
    lang: str | None = None
    interval_s: int = 900
    enabled: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedState:
    """Polling state of one feed, as kept in the store between polls."""

    name: str
    etag: str | None = None
    last_modified: str | None = None
    last_polled: str | None = None
    last_status: str | None = None
    last_http_status: int | None = None
    error_count: int = 0
    first_error_at: str | None = None
    last_error: str | None = None
    next_poll: str | None = None
    disabled_reason: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedItem:
    """One entry of a parsed feed, before its page is fetched."""

    feed: str
    guid: str | None
    url: str  # canonical URL
    title: str
    summary: str
    published: str | None  # UTC ISO-8601 or None
    lang: str | None  # the feed's declared language, if any


@dataclass(frozen=True, slots=True, kw_only=True)
class ParsedFeed:
    """A parsed feed document: its items and the hints it gives for polling."""

    title: str | None
    lang: str | None
    items: tuple[FeedItem, ...]
    ttl_s: int | None = None  # from RSS <ttl> or sy:updatePeriod/updateFrequency
    bozo_reason: str | None = None  # set when feedparser recovered from an error


@dataclass(frozen=True, slots=True, kw_only=True)
class Article:
    """A cleaned article ready to store and classify."""

    url: str
    guid: str | None
    feed: str
    source: str  # outlet name shown to users
    title: str
    summary: str
    text: str
    lang: str | None
    published: str | None
    fetched: str
    content_hash: str
    extraction: Literal["page", "summary"] = "page"
    extraction_error: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class EventFields:
    """Structured facts about an enforcement or investigation event.

    `amount` is in units (7500000, not 7.5) of `currency` (ISO 4217), in the
    currency the authority imposed, never a conversion. `country` is ISO
    3166-1 alpha-2 of the authority, or "EU" for EU institutions. `action` is
    the main measure; `measures` lists the others ("fine" + an order to delete
    data and to stop collecting it: action "fine", measures ("delete_data",
    "stop_processing")).
    """

    authority: str | None = None
    target: str | None = None
    action: Action | None = None
    amount: float | None = None
    currency: str | None = None
    country: str | None = None
    law: str | None = None
    event_date: str | None = None  # YYYY-MM-DD when the text states it
    measures: tuple[Measure, ...] = ()  # the other measures imposed, in `MEASURES` order


@dataclass(frozen=True, slots=True, kw_only=True)
class Classification:
    """The classifier's verdict on one article, with the extracted fields."""

    label: Label
    score: float  # calibrated probability of `label`
    fields: EventFields = field(default_factory=EventFields)
    model: str = ""
    model_version: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Story:
    """One real-world event, told by one or more articles."""

    id: int
    first_seen: str
    last_seen: str
    title: str
    languages: tuple[str, ...]
    representative_article_id: int
    label: Label
    score: float
    fields: EventFields
    source_count: int
    version: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class AlertSource:
    """One outlet's article about a story."""

    outlet: str
    lang: str | None
    url: str
    title: str
    published: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Alert:
    """What subscribers are told about a story; id is stable across updates."""

    id: str
    story_id: int
    version: int
    label: Label
    headline: str
    score: float
    fields: EventFields
    date: str | None
    languages: tuple[str, ...]
    sources: tuple[AlertSource, ...]
