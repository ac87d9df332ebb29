"""Telegram channel: alerts as HTML messages through a python-telegram-bot `Bot`.

Owns: sending a new message (its message_id becomes the delivery's
`external_id`), editing that message when the alert gets a new version,
pacing calls to stay under Telegram's flood limits (about 30 messages a second
overall and one a second per chat), and wrapping PTB errors at the boundary:

    RetryAfter                     -> DeliveryError(retry_after=seconds)
    Forbidden, chat not found      -> RecipientGoneError (subscriber deactivated)
    other BadRequest               -> PermanentDeliveryError (this message only)
    TimedOut, NetworkError, others -> DeliveryError (retried with backoff)

An edit answered "message is not modified" counts as done (a retried edit
after a crash); "message to edit not found" (the user deleted it) sends anew.
Does not own: the bot's commands (see `bot.py`) or retries (see `outbox.py`).
"""

from __future__ import annotations

import asyncio
import time
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning

from monitor.config import Settings
from monitor.errors import DeliveryError, PermanentDeliveryError, RecipientGoneError
from monitor.models import Alert
from monitor.notify.base import Delivery, Receipt
from monitor.notify.format import telegram_html

T = TypeVar("T")
PAUSE_CALLBACK = "pause"
_GONE = (
    "chat not found",
    "user is deactivated",
    "bot was blocked",
    "bot was kicked",
    "peer_id_invalid",
    "have no rights to send",
)
_EDIT_GONE = ("message to edit not found", "message can't be edited")


def retry_seconds(error: RetryAfter) -> float:
    """Seconds Telegram asked to wait (PTB 22 returns int or timedelta)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def keyboard(lang: str) -> InlineKeyboardMarkup:
    """The button under every alert: pause alerts for this chat."""
    label = "🔕 Suspendre les alertes" if lang == "fr" else "🔕 Pause alerts"
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=PAUSE_CALLBACK)]])


async def call(request: Callable[[], Awaitable[T]]) -> T:
    """Run one Bot API request, turning PTB errors into our DeliveryError tree."""
    try:
        return await request()
    except RetryAfter as e:
        raise DeliveryError(f"telegram: {e}", retry_after=retry_seconds(e)) from e
    except Forbidden as e:
        raise RecipientGoneError(f"telegram: {e.message}") from e
    except ChatMigrated as e:
        raise RecipientGoneError(f"telegram: chat migrated to {e.new_chat_id}") from e
    except BadRequest as e:
        if any(g in e.message.lower() for g in _GONE):
            raise RecipientGoneError(f"telegram: {e.message}") from e
        raise PermanentDeliveryError(f"telegram: {e.message}") from e
    except TelegramError as e:  # TimedOut, NetworkError, InvalidToken, Conflict...
        raise DeliveryError(f"telegram: {type(e).__name__}: {e}") from e


class _Pacer:
    """Spaces out calls: `overall` seconds between any two, `per_chat` within a chat."""

    def __init__(self, overall: float, per_chat: float) -> None:
        self._overall, self._per_chat = overall, per_chat
        self._next = 0.0
        self._chat_next: dict[str, float] = {}
        self._lock = asyncio.Lock()

    async def wait(self, chat: str) -> None:
        async with self._lock:
            now = time.monotonic()
            start = max(now, self._next, self._chat_next.get(chat, 0.0))
            self._next = start + self._overall
            self._chat_next[chat] = start + self._per_chat
        if start > now:
            await asyncio.sleep(start - now)


class TelegramNotifier:
    """Delivers alerts to Telegram chats (recipient = chat id)."""

    channel = "telegram"

    def __init__(
        self,
        bot: Bot,
        *,
        max_attempts: int = 8,
        overall_interval: float = 1 / 25,
        per_chat_interval: float = 1.0,
    ) -> None:
        self.bot = bot
        self.max_attempts = max_attempts
        self._pacer = _Pacer(overall_interval, per_chat_interval)

    @classmethod
    def from_settings(cls, settings: Settings, **kwargs: float) -> TelegramNotifier:
        """Bot with the configured base_url and the token from the environment."""
        tg = settings.notify.telegram
        token = settings.secrets.get(tg.token_env)
        if not token:
            raise DeliveryError(f"telegram: environment variable {tg.token_env} is not set")
        request = HTTPXRequest(connect_timeout=5.0, read_timeout=10.0, write_timeout=10.0)
        return cls(Bot(token, base_url=tg.base_url, request=request), **kwargs)  # type: ignore[arg-type]

    async def deliver(self, alert: Alert, delivery: Delivery) -> Receipt:
        # initialize() checks the token (getMe) and lets shutdown() close the connections.
        await call(self.bot.initialize)
        chat_id = int(delivery.recipient)
        text = telegram_html(alert, delivery.lang)
        markup = keyboard(delivery.lang)
        if delivery.external_id:
            await self._pacer.wait(delivery.recipient)
            try:
                await call(
                    lambda: self.bot.edit_message_text(
                        text,
                        chat_id=chat_id,
                        message_id=int(delivery.external_id or 0),
                        parse_mode=ParseMode.HTML,
                        reply_markup=markup,
                        link_preview_options=LinkPreviewOptions(is_disabled=True),
                    )
                )
            except PermanentDeliveryError as e:
                message = str(e).lower()
                if "not modified" in message:  # already edited before a crash
                    return Receipt(external_id=delivery.external_id, edited=True)
                if not any(g in message for g in _EDIT_GONE):
                    raise
            else:
                return Receipt(external_id=delivery.external_id, edited=True)
        await self._pacer.wait(delivery.recipient)
        sent: Message = await call(
            lambda: self.bot.send_message(
                chat_id,
                text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        return Receipt(external_id=str(sent.message_id))

    async def aclose(self) -> None:
        await self.bot.shutdown()
