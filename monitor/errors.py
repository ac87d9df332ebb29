"""The one exception tree of news-monitor.

    MonitorError
    ├── ConfigError          bad or missing configuration (names the key)
    ├── StoreError           the SQLite store cannot be opened or migrated
    ├── FetchError           a URL could not be fetched (carries a short `reason`)
    │   ├── BlockedURLError  refused before connecting (scheme, private address)
    │   ├── TooLargeError    body over the configured size limit
    │   └── FetchTimeoutError  connect/read/total deadline passed
    ├── FeedParseError       fetched bytes are not a usable feed
    ├── ModelError           an encoder or classifier head cannot be loaded or run
    ├── DeliveryError        a notification channel refused or failed a delivery
    │   └── PermanentDeliveryError  retrying will not help (bad message, bad address)
    │       └── RecipientGoneError  the recipient is unreachable for good (bot blocked)
    ├── FilterError          a subscriber's filter text cannot be read (shown to the user)
    └── LabelError           an analyst label is invalid (names the field and the reason)

Third-party errors are wrapped at the boundary with ``raise X from e`` so the
cause stays visible in tracebacks and logs.
"""

from __future__ import annotations


class MonitorError(Exception):
    """Base of every error news-monitor raises on purpose."""


class ConfigError(MonitorError):
    """Configuration is invalid; the message names the key and the reason."""


class StoreError(MonitorError):
    """The store cannot be opened, migrated or written."""


class FetchError(MonitorError):
    """A fetch failed; `reason` is a short machine-friendly tag."""

    def __init__(
        self,
        message: str,
        *,
        reason: str = "fetch_error",
        status: int | None = None,
        retry_after: str | None = None,
    ):
        super().__init__(message)
        self.reason = reason
        self.status = status
        self.retry_after = retry_after  # the server's Retry-After header, if it sent one


class BlockedURLError(FetchError):
    """The URL was refused before any connection (scheme or address policy)."""

    def __init__(self, message: str):
        super().__init__(message, reason="blocked_url")


class TooLargeError(FetchError):
    """The response body exceeded the configured maximum."""

    def __init__(self, message: str):
        super().__init__(message, reason="too_large")


class FetchTimeoutError(FetchError):
    """A connect, read or total deadline passed."""

    def __init__(self, message: str):
        super().__init__(message, reason="timeout")


class FeedParseError(MonitorError):
    """The document could not be parsed as a feed."""


class ModelError(MonitorError):
    """An encoder or classifier head could not be loaded or run."""


class DeliveryError(MonitorError):
    """A channel failed a delivery; it may succeed on retry.

    `retry_after` is set (seconds) when the channel asked to wait.
    """

    def __init__(self, message: str, *, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class PermanentDeliveryError(DeliveryError):
    """The channel refused for good (bot blocked, chat gone, bad address)."""


class RecipientGoneError(PermanentDeliveryError):
    """The recipient cannot be reached any more (blocked the bot, chat deleted).

    Unlike a plain permanent error, this ends the subscription, not just one delivery.
    """


class FilterError(MonitorError):
    """A subscriber's filter text cannot be read; the message is meant for that user."""


class LabelError(MonitorError):
    """An analyst label, field or article id is invalid; the message says which and why."""
