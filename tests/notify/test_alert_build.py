"""Alerts built from stories: JSON shape, versions, who gets them (real store, no network)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from monitor.config import NotifySettings, parse_settings
from monitor.models import AlertSource, Story
from monitor.notify.alerts import alert_from_dict, alert_to_dict, build_alert, next_version
from monitor.notify.outbox import refresh_alerts
from monitor.store import Store

from .seed import CLEARVIEW, CNIL, EN, EN2, FR, PROBE, add_story, clearview_story, grow_story

NOW = datetime(2022, 5, 24, 12, 0, tzinfo=UTC)


def story(**changes: object) -> Story:
    return clearview_story(last_seen="2022-05-23T14:30:00", **changes)


SOURCES = [
    AlertSource(outlet=s.outlet, lang=s.lang, url=s.url, title=s.title, published=s.published)
    for s in (EN, FR)
]


def test_json_shape_of_the_founding_example() -> None:
    data = alert_to_dict(build_alert(story(), SOURCES + SOURCES[:1]))  # a repeated URL
    assert data == {
        "schema": 1,
        "id": "story-7",
        "story_id": 7,
        "version": 1,
        "label": "enforcement",
        "headline": "UK regulator fines Clearview AI £7.5m over facial recognition database",
        "score": 0.97,
        "authority": "ICO",
        "target": "Clearview AI",
        "action": "fine",
        "measures": ["delete_data", "stop_processing"],
        "amount": 7500000,
        "currency": "GBP",
        "country": "GB",
        "law": "UK GDPR",
        "date": "2022-05-23",
        "event_date": "2022-05-23",
        "languages": ["en", "fr"],
        "sources": [
            {
                "outlet": "Tech Policy Wire",
                "lang": "en",
                "url": EN.url,
                "title": EN.title,
                "published": "2022-05-23T10:00:00+00:00",
            },
            {
                "outlet": "Le Journal du Numérique",
                "lang": "fr",
                "url": FR.url,
                "title": FR.title,
                "published": "2022-05-23T14:30:00+00:00",
            },
        ],
    }
    assert alert_from_dict(json.loads(json.dumps(data))) == build_alert(story(), SOURCES)


def test_date_falls_back_to_first_seen_and_amount_keeps_decimals() -> None:
    fields = replace(story().fields, event_date=None, amount=1234.5, currency="EUR")
    data = alert_to_dict(build_alert(story(fields=fields), SOURCES))
    assert (data["date"], data["event_date"], data["amount"]) == ("2022-05-23", None, 1234.5)


def test_versions_follow_what_readers_see() -> None:
    first = build_alert(story(), SOURCES[:1])
    assert next_version(None, first) == 1
    assert next_version(first, replace(first, score=0.5)) is None  # score alone: silent
    grown = build_alert(story(version=2), SOURCES)
    assert next_version(first, grown) == 2
    # A changed fact without a story version bump still bumps the alert.
    relabelled = replace(first, fields=replace(first.fields, amount=7_552_800.0))
    assert next_version(replace(first, version=3), relabelled) == 4


def settings_with(**notify: object) -> NotifySettings:
    return parse_settings({"notify": notify}).notify


def test_refresh_bumps_only_on_change_and_queues_fixed_channels(tmp_path) -> None:
    notify = settings_with(file={"enabled": True, "path": "alerts.jsonl"})
    with Store(tmp_path / "m.db") as store:
        sid = add_story(store, CLEARVIEW, [EN])
        [alert] = refresh_alerts(store, [sid, sid], NOW, notify=notify)
        assert alert.version == 1
        keys = [d.idempotency_key for d in store.deliveries.for_alert("story-1")]
        assert keys == ["story-1|console|stdout", "story-1|file|alerts.jsonl"]
        store.db.execute("UPDATE stories SET score = 0.99")
        assert refresh_alerts(store, [sid], NOW, notify=notify) == []
        assert store.alerts.get("story-1").version == 1
        assert json.loads(store.alerts.get("story-1").payload)["score"] == 0.99
        grow_story(store, sid, FR)
        [again] = refresh_alerts(store, [sid], NOW + timedelta(hours=1), notify=notify)
        assert (again.version, again.languages) == (2, ("en", "fr"))
        rows = store.deliveries.for_alert("story-1")
        assert [(r.alert_version, r.status) for r in rows] == [(2, "pending"), (2, "pending")]


def test_labels_and_score_threshold(tmp_path) -> None:
    notify = settings_with(min_score=0.9)
    with Store(tmp_path / "m.db") as store:
        low = add_story(store, {**CNIL, "score": 0.6}, [FR])
        probe = add_story(store, PROBE, [EN2])
        other = add_story(store, {**CLEARVIEW, "label": "other"}, [EN])
        assert refresh_alerts(store, [low, probe, other, 999], NOW, notify=notify) == []
        inv = settings_with(labels=["enforcement", "investigation"])
        [alert] = refresh_alerts(store, [probe], NOW, notify=inv)
        assert alert.label == "investigation"


def test_telegram_subscribers_get_what_their_filters_match(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("MONITOR_TELEGRAM_TOKEN", "123456:TEST-token")
    notify = settings_with(
        console={"enabled": False}, telegram={"enabled": True, "base_url": "http://127.0.0.1:9/bot"}
    )
    with Store(tmp_path / "m.db") as store:
        for chat, filters in [
            (1, {}),
            (2, {"countries": ["FR"]}),
            (3, {"investigations": True}),
            (4, {"keywords": ["clearview"], "min_amount": 5e6}),
            (5, {"langs": ["de"]}),
        ]:
            store.subscribers.subscribe(chat, username=None, lang="en", now=NOW, filters=filters)
        store.subscribers.subscribe(6, username=None, lang="en", now=NOW)
        store.subscribers.set_paused(6, True, now=NOW)
        ids = [
            add_story(store, CLEARVIEW, [EN, FR]),
            add_story(store, CNIL, [FR]),
            add_story(store, PROBE, [EN2]),
        ]
        alerts = refresh_alerts(store, ids, NOW, notify=notify)
        got = {
            a.id: sorted(int(d.recipient) for d in store.deliveries.for_alert(a.id)) for a in alerts
        }
    assert got == {"story-1": [1, 3, 4], "story-2": [1, 2, 3], "story-3": [3]}
