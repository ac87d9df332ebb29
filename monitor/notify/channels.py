"""Choosing the notification channels from configuration.

Owns: `build_notifiers` (one notifier per enabled channel in `[notify]`) and
closing them. The Telegram client is imported only when Telegram is enabled.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from monitor.config import Settings
from monitor.notify.base import Notifier
from monitor.notify.console import ConsoleNotifier
from monitor.notify.jsonfile import JsonFileNotifier
from monitor.notify.webhook import WebhookNotifier


def file_path(settings: Settings) -> Path:
    """The JSONL path; relative paths are resolved beside the config file, like the store."""
    path = Path(settings.notify.file.path)
    if not path.is_absolute() and settings.config_path is not None:
        path = settings.config_path.parent / path
    return path


def build_notifiers(settings: Settings) -> list[Notifier]:
    """One notifier per enabled channel (console, file, webhook, telegram).

    Raises:
        DeliveryError: Telegram is enabled but its token is missing.
    """
    notify = settings.notify
    out: list[Notifier] = []
    if notify.console.enabled:
        out.append(ConsoleNotifier())
    if notify.file.enabled:
        out.append(JsonFileNotifier(file_path(settings)))
    if notify.webhook.enabled:
        secret = settings.secrets.get(notify.webhook.secret_env or "") or None
        out.append(
            WebhookNotifier(
                notify.webhook.url, secret=secret, max_attempts=notify.webhook.max_attempts
            )
        )
    if notify.telegram.enabled:
        from monitor.notify.telegram import TelegramNotifier

        out.append(TelegramNotifier.from_settings(settings))
    return out


async def close_notifiers(notifiers: Sequence[Notifier]) -> None:
    """Close every notifier, even when one fails to close."""
    await asyncio.gather(*(n.aclose() for n in notifiers), return_exceptions=True)
