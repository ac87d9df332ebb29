"""Fixtures for the notify tests: the fake Bot API server and Telegram-enabled settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.config import Settings, parse_settings

from .botapi import TOKEN, FakeBotAPI
from .botrunner import BOT_NOW, BotThread


@pytest.fixture
def bot_api() -> Iterator[FakeBotAPI]:
    server = FakeBotAPI()
    yield server
    server.close()


@pytest.fixture
def tg_settings(tmp_path: Path, bot_api: FakeBotAPI, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Telegram on (pointing at the fake server), console off, admin chat 900."""
    monkeypatch.setenv("MONITOR_TELEGRAM_TOKEN", TOKEN)
    return parse_settings(
        {
            "store": {"path": str(tmp_path / "monitor.db")},
            "notify": {
                "console": {"enabled": False},
                "telegram": {
                    "enabled": True,
                    "base_url": bot_api.base_url,
                    "admin_chat_ids": [900],
                },
            },
            "digest": {"timezone": "Europe/Paris"},
        }
    )


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    # PTB 22 warns (from inside RetryAfter.__init__) that retry_after will become a
    # timedelta; opting in now is what PTB recommends, and `retry_seconds` reads both.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@pytest.fixture
def bot(tg_settings: Settings, bot_api: FakeBotAPI) -> Iterator[FakeBotAPI]:
    """The bot running against `bot_api`; talk to it with `bot_api.ask(chat, text)`."""
    runner = BotThread(tg_settings, lambda: BOT_NOW)
    yield bot_api
    runner.stop()
