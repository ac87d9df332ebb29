"""Webhook channel: each alert event POSTed as JSON to one URL.

Owns: the request (body as in `jsonfile.event_line`, headers below), a couple
of quick in-call retries for 5xx and network errors, and sorting failures into
retry-later (408, 425, 429, 5xx, network; Retry-After honoured) and permanent
(other 3xx/4xx). Headers:

    Content-Type: application/json
    X-Monitor-Event: alert.new | alert.update
    X-Monitor-Delivery: <idempotency key>   (same on every retry: dedupe on it + version)
    X-Monitor-Timestamp: <unix seconds>
    X-Monitor-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>
                         (only when a secret is configured)

Does not own: backoff across dispatches (see `outbox.py`).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import time
from collections.abc import Callable

import httpx

from monitor.errors import DeliveryError, PermanentDeliveryError
from monitor.models import Alert
from monitor.notify.base import Delivery, Receipt
from monitor.notify.jsonfile import event_line

_RETRYABLE = {408, 425, 429}


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """Value of X-Monitor-Signature for `body` sent at `timestamp`."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return max(0.0, float(response.headers.get("retry-after", "")))
    except ValueError:
        return None  # an HTTP date or garbage: use our own backoff


def _failure(response: httpx.Response) -> DeliveryError:
    message = f"webhook: HTTP {response.status_code}"
    if response.status_code in _RETRYABLE or response.status_code >= 500:
        return DeliveryError(message, retry_after=_retry_after(response))
    return PermanentDeliveryError(message)


class WebhookNotifier:
    """POSTs alert events to `url`, signed when `secret` is given."""

    channel = "webhook"

    def __init__(
        self,
        url: str,
        *,
        secret: str | None = None,
        max_attempts: int = 5,
        timeout: float = 10.0,
        quick_retries: int = 2,
        quick_delay: float = 0.25,
        client: httpx.AsyncClient | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.url = url
        self.max_attempts = max_attempts
        self._secret = secret
        self._quick = quick_retries
        self._delay = quick_delay
        self._clock = clock
        self._client = client or httpx.AsyncClient(timeout=timeout, follow_redirects=False)

    def _headers(self, body: bytes, delivery: Delivery) -> dict[str, str]:
        timestamp = str(int(self._clock()))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "news-monitor",
            "X-Monitor-Event": f"alert.{delivery.event}",
            "X-Monitor-Delivery": delivery.key,
            "X-Monitor-Timestamp": timestamp,
        }
        if self._secret:
            headers["X-Monitor-Signature"] = signature(self._secret, timestamp, body)
        return headers

    async def deliver(self, alert: Alert, delivery: Delivery) -> Receipt:
        body = event_line(alert, delivery).encode("utf-8")
        for attempt in range(self._quick + 1):
            try:
                response = await self._client.post(
                    self.url, content=body, headers=self._headers(body, delivery)
                )
            except httpx.HTTPError as e:
                error = DeliveryError(f"webhook: {type(e).__name__}: {e}")
                error.__cause__ = e
            else:
                if response.is_success:
                    return Receipt()
                error = _failure(response)
            # Only blips are retried here; a stated wait or a refusal goes to the outbox.
            if (
                isinstance(error, PermanentDeliveryError)
                or error.retry_after is not None
                or attempt == self._quick
            ):
                raise error
            await asyncio.sleep(self._delay * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    async def aclose(self) -> None:
        await self._client.aclose()
