"""Console channel: alerts as plain-text lines on standard output.

Owns: printing `format.plain_text` of each alert. Cannot edit: an update is a
new "UPDATE ..." block. Does not own: retries (see `outbox.py`).
"""

from __future__ import annotations

import sys
from typing import TextIO

from monitor.errors import DeliveryError
from monitor.models import Alert
from monitor.notify.base import Delivery, Receipt
from monitor.notify.format import plain_text


class ConsoleNotifier:
    """Prints alerts; `stream` defaults to the current `sys.stdout`."""

    channel = "console"
    max_attempts = 3

    def __init__(self, stream: TextIO | None = None, *, lang: str = "en") -> None:
        self._stream = stream
        self._lang = lang

    async def deliver(self, alert: Alert, delivery: Delivery) -> Receipt:
        stream = self._stream or sys.stdout  # looked up late so redirections apply
        try:
            print(plain_text(alert, event=delivery.event, lang=self._lang), file=stream, flush=True)
        except (OSError, ValueError) as e:  # closed or broken stream
            raise DeliveryError(f"console: {e}") from e
        return Receipt()

    async def aclose(self) -> None:
        return None
