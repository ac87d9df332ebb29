"""Keeping secrets out of everything people and files see: logs, stored errors, health.

Owns: `redact(text)`, which replaces every secret this process knows (the values of the
environment variables the config names, registered with `remember`) and anything shaped
like a Telegram bot token ("123456789:AA..."; httpx logs request URLs with `/bot<TOKEN>/`,
and python-telegram-bot puts the token in its InvalidToken message) with "[redacted]";
and `RedactingFilter`, which applies it to every log record a handler emits, tracebacks
included. Does not own: where secrets come from (`config.py`). Pure apart from the
process-wide set of remembered values.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

MASK = "[redacted]"
# Telegram bot tokens: a numeric bot id, a colon, a 30+ character secret.
_TOKEN_SHAPE = re.compile(r"(?<!\d)\d{5,12}:[A-Za-z0-9_-]{30,}")
_MIN_SECRET = 6  # shorter values would blank ordinary words
_known: set[str] = set()


def remember(secrets: Iterable[str]) -> None:
    """Add secret values to redact from now on (empty and very short ones are ignored)."""
    _known.update(s for s in secrets if isinstance(s, str) and len(s) >= _MIN_SECRET)


def redact(text: str) -> str:
    """`text` with every known secret and bot-token-shaped string replaced by MASK."""
    if not isinstance(text, str) or not text:
        return text
    for secret in sorted(_known, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    return _TOKEN_SHAPE.sub(MASK, text)


class RedactingFilter(logging.Filter):
    """Redact the message (arguments merged in) and the traceback of each record."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def install(handler: logging.Handler) -> None:
    """Put one RedactingFilter on `handler` (idempotent)."""
    if not any(isinstance(f, RedactingFilter) for f in handler.filters):
        handler.addFilter(RedactingFilter())
