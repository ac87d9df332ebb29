"""Crash test: a dispatcher killed (SIGKILL) while Telegram has not answered yet.

Each recipient must end up with exactly one message (counted by the Bot API
server) and nothing may be lost; after a story update, a crash during the edit
must be resolved by editing again, never by sending a second message.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from monitor.config import Settings
from monitor.notify.outbox import LEASE, DispatchReport, dispatch, refresh_alerts
from monitor.notify.telegram import TelegramNotifier
from monitor.store import Store

from .botapi import TOKEN, FakeBotAPI
from .seed import CLEARVIEW, EN, EN2, FR, add_story, grow_story

NOW = datetime(2022, 5, 24, 12, 0, tzinfo=UTC)
CHILD = Path(__file__).with_name("dispatch_child.py")
CHATS = (101, 102, 103)


def start_dispatch(db: Path, bot_api: FakeBotAPI, now: datetime) -> subprocess.Popen[str]:
    assert TOKEN == "123456:TEST-token"  # the child uses the same token
    return subprocess.Popen(
        [sys.executable, str(CHILD), str(db), bot_api.base_url, now.isoformat()],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )


def restart(db: Path, settings: Settings, now: datetime) -> DispatchReport:
    """A fresh dispatcher (new store connection and bot) after the crash."""

    async def go() -> DispatchReport:
        notifier = TelegramNotifier.from_settings(settings, per_chat_interval=0, overall_interval=0)
        try:
            with Store(db) as store:
                return await dispatch(store, [notifier], now)
        finally:
            await notifier.aclose()

    return asyncio.run(go())


def kill_while_held(db: Path, bot_api: FakeBotAPI, method: str, now: datetime) -> None:
    """Start a dispatcher, wait until its `method` call to chat 102 hangs, SIGKILL it."""
    bot_api.hold(method, chat_id=102)
    proc = start_dispatch(db, bot_api, now)
    try:
        bot_api.wait_for(
            lambda s: any(m == method and p["chat_id"] == 102 for m, p in s.waiting), timeout=20
        )
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=10)
    # The server sees the connection drop: that request never reached the chat.
    bot_api.wait_for(
        lambda s: len(s.abandoned) == 1 if method == "sendMessage" else len(s.abandoned) == 2
    )
    bot_api.release()


def rows(store: Store) -> dict[int, tuple[str, int, str | None]]:
    return {
        int(r["recipient"]): (r["status"], r["sent_version"], r["external_id"])
        for r in store.db["deliveries"].rows
    }


def crash_during_send(db: Path, settings: Settings, bot_api: FakeBotAPI) -> None:
    kill_while_held(db, bot_api, "sendMessage", NOW)
    with Store(db) as store:
        state = rows(store)
    assert state[101][:2] == ("sent", 1) and state[101][2] is not None
    assert state[102] == ("sending", 0, None)  # died waiting for Telegram
    assert state[103] == ("pending", 0, None)  # never reached
    # Restart before the lease ends: the row is left alone (it might still be in flight).
    assert restart(db, settings, NOW + timedelta(seconds=10)).sent == 1
    assert bot_api.sends_per_chat() == {101: 1, 103: 1}
    # After the lease: retried, once.
    assert restart(db, settings, NOW + LEASE + timedelta(seconds=1)).sent == 1
    assert bot_api.sends_per_chat() == {101: 1, 102: 1, 103: 1}
    with Store(db) as store:
        assert {s for s, _, _ in rows(store).values()} == {"sent"}


def crash_during_edit(db: Path, settings: Settings, bot_api: FakeBotAPI, story: int) -> None:
    later = NOW + timedelta(minutes=10)
    with Store(db) as store:
        grow_story(store, story, EN2)
        [alert] = refresh_alerts(store, [story], later, notify=settings.notify)
    assert alert.version == 2
    kill_while_held(db, bot_api, "editMessageText", later)
    with Store(db) as store:
        state = rows(store)
    assert state[102][:2] == ("sending", 1) and state[102][2] is not None
    assert restart(db, settings, later + LEASE + timedelta(seconds=1)).edited == 2
    assert bot_api.sends_per_chat() == {101: 1, 102: 1, 103: 1}  # edited, never re-sent
    with Store(db) as store:
        final = rows(store)
    for chat in CHATS:
        status, version, message_id = final[chat]
        assert (status, version) == ("sent", 2)
        shown = bot_api.message(chat, int(message_id or 0)).text
        assert "Sources (3):" in shown and shown.endswith("✏️ Updated (version 2)")


def test_killed_between_send_and_ack(tg_settings: Settings, bot_api: FakeBotAPI) -> None:
    db = tg_settings.store_path()
    with Store(db) as store:
        for chat in CHATS:
            store.subscribers.subscribe(chat, username=None, lang="en", now=NOW)
        story = add_story(store, CLEARVIEW, [EN, FR])
        refresh_alerts(store, [story], NOW, notify=tg_settings.notify)
    crash_during_send(db, tg_settings, bot_api)
    # The story grows; the dispatcher dies while editing chat 102's message.
    crash_during_edit(db, tg_settings, bot_api, story)
