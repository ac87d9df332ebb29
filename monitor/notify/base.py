"""The one small protocol every notification channel implements.

Owns: `Notifier` (console, JSONL file, webhook, Telegram), the `Delivery` a
channel is asked to perform and the `Receipt` it returns. A channel either
returns a receipt (the recipient has the message: the outbox marks it sent)
or raises:

- `DeliveryError`: try again later (`retry_after` seconds when the channel said so);
- `PermanentDeliveryError`: this delivery can never succeed (dead, not retried);
- `RecipientGoneError`: the recipient is gone for good (the subscriber is deactivated).

Does not own: retries, backoff or bookkeeping (see `outbox.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from monitor.models import Alert

Event = Literal["new", "update"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Delivery:
    """One message for one recipient.

    `event` is "update" when the recipient already has an older version;
    `external_id` is then the channel's id of that message (Telegram message_id),
    so channels that can edit do so instead of sending again.
    """

    key: str  # idempotency key: the same for every attempt and version
    recipient: str
    event: Event
    external_id: str | None = None
    lang: str = "en"


@dataclass(frozen=True, slots=True, kw_only=True)
class Receipt:
    """The channel's acknowledgement; `external_id` identifies the message when it has one."""

    external_id: str | None = None
    edited: bool = False


class Notifier(Protocol):
    """A channel that can deliver alerts."""

    channel: str  # name stored in deliveries.channel: console | file | webhook | telegram
    max_attempts: int  # attempts before a delivery is given up as dead

    async def deliver(self, alert: Alert, delivery: Delivery) -> Receipt:
        """Send (or edit) `alert` for `delivery`; raise a DeliveryError on failure."""
        ...

    async def aclose(self) -> None:
        """Release connections; the notifier is not used afterwards."""
        ...
