"""The whole product on the bundled demo: feeds -> pipeline -> outbox -> Telegram subscribers.

Real demo server, real fetch/extract, the shipped classifier and clusterer, a real store,
the bot answering commands and the outbox sending through PTB to the local Bot API server.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.app import App
from monitor.config import Settings, parse_settings
from monitor.pipeline import RunReport, run_once

from .botapi import TOKEN, FakeBotAPI
from .botrunner import BotThread

REPO = Path(__file__).resolve().parents[2]
NOW = datetime(2022, 11, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def demo_tg_settings(
    tmp_path: Path, bot_api: FakeBotAPI, monkeypatch: pytest.MonkeyPatch
) -> Settings:
    """The shipped config.toml (demo feeds), with Telegram on and the console off."""
    monkeypatch.setenv("MONITOR_TELEGRAM_TOKEN", TOKEN)
    raw = tomllib.loads((REPO / "config.toml").read_text(encoding="utf-8"))
    raw["store"] = {"path": str(tmp_path / "monitor.db")}
    raw["notify"]["console"] = {"enabled": False}
    raw["notify"]["telegram"] = {"enabled": True, "base_url": bot_api.base_url}
    return parse_settings(raw, config_path=REPO / "config.toml")


def poll_once(settings: Settings) -> RunReport:
    async def go() -> RunReport:
        async with App(settings) as app:
            return await run_once(app, NOW)

    return asyncio.run(go())


def alerts_to(bot_api: FakeBotAPI, chat: int) -> list[str]:
    return [t for t in bot_api.texts(chat) if t.startswith(("🚨", "🔎"))]


def test_demo_alerts_reach_subscribers_once_and_filtered(
    demo_tg_settings: Settings, bot_api: FakeBotAPI
) -> None:
    bot = BotThread(demo_tg_settings, lambda: NOW)
    try:
        assert bot_api.ask(201, "/start").startswith("Welcome!")
        assert "France" in bot_api.ask(202, "/subscribe country=FR")
    finally:
        bot.stop()

    report = poll_once(demo_tg_settings)
    assert report.failed_feeds == 0 and report.analysis["alerts"] >= 10

    everyone = alerts_to(bot_api, 201)
    clearview_uk = [t for t in everyone if t.startswith("🚨 Enforcement · ICO → Clearview AI")]
    assert len(clearview_uk) == 1, everyone
    [message] = clearview_uk
    assert "Action: fine — £7.55m + order to delete data" in message
    assert "Country: United Kingdom" in message
    assert "Sources (3):" in message
    assert "(EN)" in message and "(FR)" in message
    # look-alike events stay separate alerts: CNIL and Garante also fined Clearview AI
    assert any(t.startswith("🚨 Enforcement · CNIL → Clearview AI") for t in everyone)
    assert any(t.startswith("🚨 Enforcement · Garante → Clearview AI") for t in everyone)

    french = alerts_to(bot_api, 202)
    assert french and all(re.search(r"^Country: France$", t, re.M) for t in french), french
    assert len(french) < len(everyone)

    sent_before = bot_api.sends_per_chat()
    again = poll_once(demo_tg_settings)  # nothing new: nobody hears anything twice
    assert again.new_article_ids == () and bot_api.sends_per_chat() == sent_before


def test_a_story_that_gains_sources_edits_the_message_it_sent(
    demo_tg_settings: Settings, bot_api: FakeBotAPI
) -> None:
    bot = BotThread(demo_tg_settings, lambda: NOW)
    try:
        bot_api.ask(301, "/start")
    finally:
        bot.stop()
    english_wire = dataclasses.replace(
        demo_tg_settings,
        feeds=tuple(f for f in demo_tg_settings.feeds if f.name == "techpolicy-wire"),
    )
    poll_once(english_wire)  # the founding story with one English source
    [first] = [
        m
        for m in bot_api.state.sent
        if m.chat_id == 301 and m.text.startswith("🚨 Enforcement · ICO → Clearview AI")
    ]
    assert "Sources (1):" in first.text

    poll_once(demo_tg_settings)  # the other outlets arrive: same story, two more sources
    again = [
        m
        for m in bot_api.state.sent
        if m.chat_id == 301 and m.text.startswith("🚨 Enforcement · ICO → Clearview AI")
    ]
    assert again == [first]  # no second message...
    edited = bot_api.message(301, first.message_id)
    assert edited.edits >= 1 and "Sources (3):" in edited.text  # ...the first one, edited
    assert "(FR)" in edited.text


def test_the_bot_token_reaches_no_log_line_and_no_stored_error(
    demo_tg_settings: Settings, bot_api: FakeBotAPI
) -> None:
    import io
    import logging
    import sqlite3

    from monitor.logs import setup_logging

    bot = BotThread(demo_tg_settings, lambda: NOW)
    try:
        assert bot_api.ask(201, "/start").startswith("Welcome!")
    finally:
        bot.stop()
    bot_api.token = "999999:another-token"  # the server now rejects ours: 401 on every send
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    log = io.StringIO()
    try:
        setup_logging("text", level=logging.DEBUG, stream=log)  # as `monitor -vv run --once`
        logging.getLogger("httpx").setLevel(logging.DEBUG)  # request URLs carry /bot<TOKEN>/
        poll_once(demo_tg_settings)
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    assert "api" in log.getvalue() and TOKEN not in log.getvalue()
    with sqlite3.connect(demo_tg_settings.store_path()) as db:
        errors = [r[0] for r in db.execute("SELECT last_error FROM deliveries") if r[0]]
    assert errors and not any(TOKEN in e for e in errors)
