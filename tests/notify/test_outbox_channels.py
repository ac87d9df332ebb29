"""Console, JSONL file and webhook channels through the outbox (real HTTP server, real files)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from httpserver import TestServer

from monitor.config import Settings, parse_settings
from monitor.notify import build_notifiers, close_notifiers
from monitor.notify.console import ConsoleNotifier
from monitor.notify.jsonfile import JsonFileNotifier
from monitor.notify.outbox import DispatchReport, dispatch, refresh_alerts
from monitor.notify.webhook import WebhookNotifier, signature
from monitor.store import Store

from .seed import CLEARVIEW, EN, FR, add_story, grow_story

NOW = datetime(2022, 5, 24, 12, 0, tzinfo=UTC)
SECRET = "s3cret-for-tests"


@pytest.fixture
def settings(tmp_path: Path, http_server: TestServer, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    return parse_settings(
        {
            "store": {"path": str(tmp_path / "m.db")},
            "notify": {
                "file": {"enabled": True, "path": "alerts.jsonl"},
                "webhook": {
                    "enabled": True,
                    "url": http_server.url("/hook"),
                    "secret_env": "HOOK_SECRET",
                    "max_attempts": 3,
                },
            },
        },
        config_path=tmp_path / "config.toml",
    )


def run(store: Store, settings: Settings, now: datetime) -> DispatchReport:
    async def go() -> DispatchReport:
        notifiers = build_notifiers(settings)
        try:
            return await dispatch(store, notifiers, now)
        finally:
            await close_notifiers(notifiers)

    return asyncio.run(go())


def hooks(server: TestServer) -> list[dict[str, object]]:
    return [json.loads(r.body) for r in server.requests if r.method == "POST"]


def test_factory_builds_the_enabled_channels(settings: Settings, tmp_path: Path) -> None:
    notifiers = build_notifiers(settings)
    assert [type(n) for n in notifiers] == [ConsoleNotifier, JsonFileNotifier, WebhookNotifier]
    assert notifiers[1].path == tmp_path / "alerts.jsonl"  # beside the config file
    asyncio.run(close_notifiers(notifiers))


def test_every_channel_gets_new_then_update(settings, http_server, tmp_path, capsys) -> None:
    http_server.route("/hook", "ok", statuses=[500])  # a blip, retried within the call
    with Store(settings.store_path()) as store:
        story = add_story(store, CLEARVIEW, [EN])
        refresh_alerts(store, [story], NOW, notify=settings.notify)
        assert run(store, settings, NOW).sent == 3
        grow_story(store, story, FR)
        refresh_alerts(store, [story], NOW, notify=settings.notify)
        report = run(store, settings, NOW)
    assert (report.sent, report.edited) == (3, 0)  # these channels cannot edit: new events
    out = capsys.readouterr().out
    assert out.startswith("ALERT story-1 v1 [Enforcement] ICO → Clearview AI: fine — £7.5m")
    assert "\nUPDATE story-1 v2 [Enforcement]" in out
    lines = [json.loads(x) for x in (tmp_path / "alerts.jsonl").read_text().splitlines()]
    assert [(x["event"], x["alert"]["version"], len(x["alert"]["sources"])) for x in lines] == [
        ("alert.new", 1, 1),
        ("alert.update", 2, 2),
    ]
    assert lines[0]["delivery"] == "story-1|file|alerts.jsonl"
    posts = [r for r in http_server.requests if r.method == "POST"]
    assert len(posts) == 3 and posts[0].body == posts[1].body  # the retry sent the same event
    assert [h["event"] for h in hooks(http_server)] == ["alert.new", "alert.new", "alert.update"]
    assert hooks(http_server)[2]["alert"] == lines[1]["alert"]
    for p in posts:
        assert p.headers["x-monitor-delivery"] == f"story-1|webhook|{http_server.url('/hook')}"
        assert p.headers["x-monitor-signature"] == signature(
            SECRET, p.headers["x-monitor-timestamp"], p.body
        )


def test_webhook_down_is_retried_later(settings, http_server) -> None:
    http_server.route("/hook", "ok", statuses=[500, 502, 503])
    with Store(settings.store_path()) as store:
        refresh_alerts(store, [add_story(store, CLEARVIEW, [EN])], NOW, notify=settings.notify)
        first = run(store, settings, NOW)
        assert (first.sent, first.retrying) == (2, 1)
        assert first.next_attempt == "2022-05-24T12:00:30.000+00:00"
        [row] = [d for d in store.deliveries.for_alert("story-1") if d.channel == "webhook"]
        assert (row.status, row.attempts, row.last_error) == (
            "pending",
            1,
            "DeliveryError: webhook: HTTP 503",
        )
        assert run(store, settings, NOW + timedelta(seconds=29)).sent == 0
        assert run(store, settings, NOW + timedelta(seconds=30)).sent == 1
    assert len(hooks(http_server)) == 4


def test_webhook_refusal_and_flood_wait(settings, http_server) -> None:
    http_server.route("/hook", "no", status=400)
    with Store(settings.store_path()) as store:
        refresh_alerts(store, [add_story(store, CLEARVIEW, [EN])], NOW, notify=settings.notify)
        assert run(store, settings, NOW).dead == 1  # 4xx: never retried
        assert run(store, settings, NOW + timedelta(days=1)).dead == 0
        assert len(hooks(http_server)) == 1
        http_server.route("/hook", "slow down", status=429, headers={"Retry-After": "7"})
        refresh_alerts(
            store,
            [add_story(store, {**CLEARVIEW, "title": "Other"}, [FR])],
            NOW,
            notify=settings.notify,
        )
        report = run(store, settings, NOW)
        assert (report.deferred, report.next_attempt) == (1, "2022-05-24T12:00:07.000+00:00")
        assert len(hooks(http_server)) == 2  # a stated wait is not retried in the call
