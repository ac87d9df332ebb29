"""The outbox through the Telegram channel, against the local Bot API server and a real store."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from monitor.config import Settings
from monitor.notify.outbox import DispatchReport, dispatch, refresh_alerts
from monitor.notify.telegram import TelegramNotifier
from monitor.store import Store

from .botapi import FakeBotAPI
from .seed import CLEARVIEW, CNIL, EN, EN2, FR, add_story, grow_story

NOW = datetime(2022, 5, 24, 12, 0, tzinfo=UTC)

EN_TEXT = """🚨 Enforcement · ICO → Clearview AI
UK regulator fines Clearview AI £7.5m over facial recognition database

Action: fine — £7.5m
Country: United Kingdom
Law: UK GDPR
Date: 2022-05-23

Sources (2):
• Tech Policy Wire (EN) — UK watchdog fines Clearview AI £7.5m and orders deletion of \
residents' images
• Le Journal du Numérique (FR) — Le régulateur britannique inflige 7,5 millions de livres à \
Clearview AI"""

FR_HEAD = """🚨 Sanction · ICO → Clearview AI
UK regulator fines Clearview AI £7.5m over facial recognition database

Mesure\u00a0: amende — 7,5\u00a0M£
Pays\u00a0: Royaume-Uni
Texte\u00a0: UK GDPR
Date\u00a0: 2022-05-23
"""


def run(store: Store, settings: Settings, now: datetime, **kwargs: float) -> DispatchReport:
    async def go() -> DispatchReport:
        notifier = TelegramNotifier.from_settings(
            settings, per_chat_interval=0, overall_interval=0, **kwargs
        )
        try:
            return await dispatch(store, [notifier], now)
        finally:
            await notifier.aclose()

    return asyncio.run(go())


@pytest.fixture
def store(tg_settings: Settings) -> Store:
    s = Store(tg_settings.store_path())
    s.subscribers.subscribe(101, username="ana", lang="en", now=NOW)
    s.subscribers.subscribe(102, username="luc", lang="fr", now=NOW)
    yield s
    s.close()


def status(store: Store, chat: int) -> dict[str, object]:
    return next(store.db["deliveries"].rows_where("recipient = ?", [str(chat)]))


def test_sent_once_after_acknowledgement(store, tg_settings, bot_api: FakeBotAPI) -> None:
    story = add_story(store, CLEARVIEW, [EN, FR])
    [alert] = refresh_alerts(store, [story], NOW, notify=tg_settings.notify)
    assert (alert.id, alert.version) == ("story-1", 1)
    report = run(store, tg_settings, NOW)
    assert (report.sent, report.dead, report.next_attempt) == (2, 0, None)
    assert bot_api.texts(101) == [EN_TEXT]
    assert bot_api.texts(102)[0].startswith(FR_HEAD)
    first = bot_api.state.sent[0]
    assert first.links == [(EN.url, ""), (FR.url, "")]
    assert first.reply_markup == {
        "inline_keyboard": [[{"text": "🔕 Pause alerts", "callback_data": "pause"}]]
    }
    row = status(store, 101)
    assert (row["status"], row["sent_version"], row["attempts"]) == ("sent", 1, 0)
    assert row["external_id"] == str(first.message_id)
    # Nothing new: neither refreshing nor dispatching again sends anything.
    assert refresh_alerts(store, [story], NOW, notify=tg_settings.notify) == []
    assert run(store, tg_settings, NOW + timedelta(hours=1)).sent == 0
    assert bot_api.sends_per_chat() == {101: 1, 102: 1}


def test_story_update_edits_the_message(store, tg_settings, bot_api: FakeBotAPI) -> None:
    story = add_story(store, CLEARVIEW, [EN, FR])
    refresh_alerts(store, [story], NOW, notify=tg_settings.notify)
    run(store, tg_settings, NOW)
    grow_story(store, story, EN2)
    [alert] = refresh_alerts(store, [story], NOW + timedelta(minutes=5), notify=tg_settings.notify)
    assert alert.version == 2 and len(alert.sources) == 3
    report = run(store, tg_settings, NOW + timedelta(minutes=5))
    assert (report.sent, report.edited) == (0, 2)
    assert bot_api.sends_per_chat() == {101: 1, 102: 1}
    message_id = int(status(store, 101)["external_id"])
    shown = bot_api.message(101, message_id).text
    assert "Sources (3):" in shown and "Euro Digital News (EN)" in shown
    assert shown.endswith("✏️ Updated (version 2)")
    assert bot_api.message(102, int(status(store, 102)["external_id"])).text.endswith(
        "✏️ Mis à jour (version 2)"
    )
    assert status(store, 101)["sent_version"] == 2


def test_edit_already_applied_before_a_crash_counts_as_done(store, tg_settings, bot_api) -> None:
    story = add_story(store, CLEARVIEW, [EN])
    refresh_alerts(store, [story], NOW, notify=tg_settings.notify)
    run(store, tg_settings, NOW)
    grow_story(store, story, FR)
    refresh_alerts(store, [story], NOW, notify=tg_settings.notify)
    run(store, tg_settings, NOW)
    # Telegram applied the edit but we died before recording it: the row is back in
    # `sending` at version 1 with an expired lease.
    store.db.execute(
        "UPDATE deliveries SET status = 'sending', sent_version = 1, "
        "next_attempt = '2022-05-24T12:00:00.000+00:00'"
    )
    report = run(store, tg_settings, NOW + timedelta(minutes=3))
    assert report.edited == 2 and report.dead == 0
    assert bot_api.sends_per_chat() == {101: 1, 102: 1}
    assert status(store, 102)["status"] == "sent"


def test_flood_wait_is_honoured(store, tg_settings, bot_api: FakeBotAPI) -> None:
    bot_api.fail("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    refresh_alerts(store, [add_story(store, CLEARVIEW, [EN])], NOW, notify=tg_settings.notify)
    report = run(store, tg_settings, NOW)
    # The first chat got the 429; the second was not even tried during the wait.
    assert (report.sent, report.deferred) == (0, 2)
    assert report.next_attempt == "2022-05-24T12:00:01.000+00:00"
    row = status(store, 101)
    assert (row["status"], row["attempts"]) == ("pending", 1)
    assert row["last_error"] == "DeliveryError: telegram: Flood control exceeded. Retry in 0:00:01"
    assert run(store, tg_settings, NOW + timedelta(milliseconds=500)).sent == 0
    assert run(store, tg_settings, NOW + timedelta(seconds=1)).sent == 2
    assert bot_api.sends_per_chat() == {101: 1, 102: 1}


def test_blocked_bot_deactivates_the_subscriber(store, tg_settings, bot_api: FakeBotAPI) -> None:
    bot_api.block(102)
    refresh_alerts(store, [add_story(store, CLEARVIEW, [EN])], NOW, notify=tg_settings.notify)
    report = run(store, tg_settings, NOW)
    assert (report.sent, report.dead) == (1, 1)
    row = status(store, 102)
    assert row["status"] == "dead" and "blocked" in row["last_error"]
    sub = store.subscribers.get(102)
    assert sub is not None and not sub.active
    assert sub.deactivated_reason == "telegram: Forbidden: bot was blocked by the user"
    # Later alerts are not queued for them, and nothing is retried.
    refresh_alerts(store, [add_story(store, CNIL, [FR])], NOW, notify=tg_settings.notify)
    assert run(store, tg_settings, NOW + timedelta(days=1)).sent == 1
    tried = [p for m, p in bot_api.state.calls if m == "sendMessage" and p["chat_id"] == 102]
    assert len(tried) == 1


def test_transient_failures_back_off_then_give_up(store, tg_settings, bot_api: FakeBotAPI) -> None:
    bot_api.fail("sendMessage", 502, "Bad Gateway", chat_id=101, times=10)
    refresh_alerts(store, [add_story(store, CLEARVIEW, [EN])], NOW, notify=tg_settings.notify)
    first = run(store, tg_settings, NOW, max_attempts=3)
    assert (first.sent, first.retrying) == (1, 1)
    assert status(store, 101)["next_attempt"] == "2022-05-24T12:00:30.000+00:00"
    second = run(store, tg_settings, NOW + timedelta(seconds=30), max_attempts=3)
    assert second.retrying == 1
    assert status(store, 101)["next_attempt"] == "2022-05-24T12:01:30.000+00:00"
    third = run(store, tg_settings, NOW + timedelta(seconds=90), max_attempts=3)
    assert third.dead == 1
    row = status(store, 101)
    assert (row["status"], row["attempts"]) == ("dead", 3)
    assert row["last_error"].startswith("gave up after 3 attempts")
    assert run(store, tg_settings, NOW + timedelta(days=1), max_attempts=3).retrying == 0


def test_paused_or_gone_subscribers_are_skipped(store, tg_settings, bot_api: FakeBotAPI) -> None:
    refresh_alerts(store, [add_story(store, CLEARVIEW, [EN])], NOW, notify=tg_settings.notify)
    store.subscribers.set_paused(102, True, now=NOW)
    report = run(store, tg_settings, NOW)
    assert (report.sent, report.cancelled) == (1, 1)
    assert status(store, 102)["last_error"] == "subscriber paused"
    assert bot_api.sends_per_chat() == {101: 1}


def test_deleted_message_is_sent_again_on_update(store, tg_settings, bot_api: FakeBotAPI) -> None:
    story = add_story(store, CLEARVIEW, [EN])
    refresh_alerts(store, [story], NOW, notify=tg_settings.notify)
    run(store, tg_settings, NOW)
    with bot_api.cond:
        bot_api.state.messages.clear()  # both users deleted the alert
    grow_story(store, story, FR)
    refresh_alerts(store, [story], NOW, notify=tg_settings.notify)
    report = run(store, tg_settings, NOW)
    assert report.sent == 2
    assert bot_api.sends_per_chat() == {101: 2, 102: 2}
    assert bot_api.texts(101)[1].endswith("✏️ Updated (version 2)")
