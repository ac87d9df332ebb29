"""Alerts: what subscribers are told about a story, and its JSON shape.

Owns: deciding whether a story deserves an alert, building the `Alert` record
from a story and its sources, the documented JSON shape (docs/alerts.md) and
deciding when a changed story makes a new alert version. Pure functions; no
I/O. Does not own: storing alerts or sending them (see `outbox.py`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

from monitor.models import Alert, AlertSource, EventFields, Story

SCHEMA = 1  # bump when the JSON shape changes incompatibly
_FIELD_KEYS = ("authority", "target", "action", "amount", "currency", "country", "law")


def alert_id(story_id: int) -> str:
    """Stable alert id of a story: the same across every update of that story."""
    return f"story-{story_id}"


def is_alertable(story: Story, *, labels: Sequence[str], min_score: float) -> bool:
    """True when the story's label is alerted on and its score is high enough."""
    return story.label in labels and story.score >= min_score


def build_alert(
    story: Story, sources: Sequence[AlertSource], *, version: int | None = None
) -> Alert:
    """The alert for `story` told by `sources` (oldest first); version defaults to the story's."""
    unique: dict[str, AlertSource] = {}
    for s in sources:
        unique.setdefault(s.url, s)
    langs = sorted({s.lang for s in unique.values() if s.lang}) or sorted(set(story.languages))
    headline = story.title.strip() or next((s.title for s in unique.values()), "")
    return Alert(
        id=alert_id(story.id),
        story_id=story.id,
        version=story.version if version is None else version,
        label=story.label,
        headline=headline,
        score=round(float(story.score), 3),
        fields=story.fields,
        date=story.fields.event_date or (story.first_seen[:10] or None),
        languages=tuple(langs),
        sources=tuple(unique.values()),
    )


def _number(value: float | None) -> float | int | None:
    if value is None or not math.isfinite(value):
        return None
    return int(value) if float(value).is_integer() else value


def alert_to_dict(alert: Alert) -> dict[str, Any]:
    """The JSON shape of an alert (documented in docs/alerts.md)."""
    f = alert.fields
    return {
        "schema": SCHEMA,
        "id": alert.id,
        "story_id": alert.story_id,
        "version": alert.version,
        "label": alert.label,
        "headline": alert.headline,
        "score": alert.score,
        "authority": f.authority,
        "target": f.target,
        "action": f.action,
        "measures": list(f.measures),
        "amount": _number(f.amount),
        "currency": f.currency,
        "country": f.country,
        "law": f.law,
        "date": alert.date,
        "event_date": f.event_date,
        "languages": list(alert.languages),
        "sources": [
            {
                "outlet": s.outlet,
                "lang": s.lang,
                "url": s.url,
                "title": s.title,
                "published": s.published,
            }
            for s in alert.sources
        ],
    }


def alert_from_dict(data: dict[str, Any]) -> Alert:
    """Inverse of `alert_to_dict`."""
    fields = EventFields(
        **{k: data.get(k) for k in _FIELD_KEYS},
        event_date=data.get("event_date"),
        measures=tuple(data.get("measures") or ()),
    )
    return Alert(
        id=data["id"],
        story_id=data["story_id"],
        version=data["version"],
        label=data["label"],
        headline=data["headline"],
        score=data["score"],
        fields=fields,
        date=data.get("date"),
        languages=tuple(data.get("languages", ())),
        sources=tuple(AlertSource(**s) for s in data.get("sources", ())),
    )


def dumps(alert: Alert) -> str:
    """Compact JSON of an alert, as stored and as sent to webhooks and files."""
    return json.dumps(alert_to_dict(alert), ensure_ascii=False, separators=(",", ":"))


def loads(payload: str) -> Alert:
    return alert_from_dict(json.loads(payload))


def _material(alert: Alert) -> dict[str, Any]:
    # What readers would notice. The score is refreshed silently: a re-scored
    # story must not edit every subscriber's message.
    data = alert_to_dict(alert)
    del data["version"], data["score"]
    return data


def next_version(previous: Alert | None, fresh: Alert) -> int | None:
    """Version to store for `fresh`, or None when nothing a reader sees changed.

    A new alert takes the story's version. A changed one takes the story's
    version or the previous version + 1, whichever is higher, so versions
    never go back and normally equal the story's.
    """
    if previous is None:
        return max(fresh.version, 1)
    if _material(previous) == _material(fresh):
        return None
    return max(fresh.version, previous.version + 1)
