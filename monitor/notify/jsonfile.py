"""JSON Lines channel: one event per line appended to a file.

Owns: writing `{"event": "alert.new"|"alert.update", "delivery": KEY, "alert":
{...}}` lines (the alert in the shape of docs/alerts.md) and syncing them to
disk before acknowledging. Cannot edit: an update is a new line with the same
alert id and a higher version; readers keep the highest version per id.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

from monitor.errors import DeliveryError
from monitor.models import Alert
from monitor.notify.alerts import alert_to_dict
from monitor.notify.base import Delivery, Receipt


def event_line(alert: Alert, delivery: Delivery) -> str:
    """The JSON line (without newline) for one delivery of `alert`."""
    return json.dumps(
        {
            "event": f"alert.{delivery.event}",
            "delivery": delivery.key,
            "alert": alert_to_dict(alert),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


class JsonFileNotifier:
    """Appends alert events to `path` (created with its directory if needed)."""

    channel = "file"
    max_attempts = 5

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    async def deliver(self, alert: Alert, delivery: Delivery) -> Receipt:
        line = event_line(alert, delivery) + "\n"
        try:
            await asyncio.to_thread(self._append, line)
        except OSError as e:
            raise DeliveryError(f"file {self.path}: {e}") from e
        return Receipt()

    def _append(self, line: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as f:
            f.write(line)
            f.flush()
            os.fsync(f.fileno())  # on disk before the outbox records it as sent

    async def aclose(self) -> None:
        return None
