"""The alert outbox: from stories to alerts to deliveries, and sending them.

Owns: `refresh_alerts` (upsert the alert of each changed story and queue one
delivery per channel and recipient that should get it) and `dispatch` (send
what is due through the notifiers, with retries and backoff).

Delivery guarantees, per (alert, channel, recipient) row:
- a row is set to `sending` and committed before the channel is called, and
  marked sent only after the channel acknowledged (Telegram: message_id stored
  as `external_id`), in one statement right after the reply;
- a process that dies mid-delivery leaves the row `sending`; once its lease
  (`LEASE`) expires the next dispatch retries it. If it has an external_id the
  retry is an edit of that message, never a new one. If it has none the send
  is repeated: should the crash fall between Telegram's reply and our commit
  (a few milliseconds), that recipient gets the message twice. Webhook and
  file receivers can dedupe on the delivery key and alert version;
- a new alert version re-opens sent rows: Telegram edits the message, other
  channels get an "update" event;
- transient failures back off exponentially (or as long as the channel asked);
  permanent ones end the row as `dead`; a recipient gone for good (bot blocked)
  is deactivated and its other rows cancelled. After `max_attempts` a row dies.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from monitor.config import NotifySettings
from monitor.errors import DeliveryError, PermanentDeliveryError, RecipientGoneError
from monitor.models import Alert
from monitor.notify.alerts import build_alert, dumps, is_alertable, loads, next_version
from monitor.notify.base import Delivery, Notifier
from monitor.notify.filters import Filters, matches, wants_label
from monitor.store import Store
from monitor.store.outbox import DeliveryRow, stamp

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)  # longer than any channel's timeout
BACKOFF_BASE_S = 30.0
BACKOFF_MAX_S = 3600.0


@dataclass(frozen=True, slots=True, kw_only=True)
class DispatchReport:
    """What one `dispatch` did; `next_attempt` is when something is due again (ISO)."""

    sent: int = 0
    edited: int = 0
    retrying: int = 0
    dead: int = 0
    cancelled: int = 0
    deferred: int = 0  # left for later because the channel asked to slow down
    next_attempt: str | None = None


def backoff(attempts: int, retry_after: float | None = None) -> timedelta:
    """Delay before attempt `attempts + 1`: as asked, else 30 s doubling up to an hour."""
    if retry_after is not None:
        return timedelta(seconds=max(retry_after, 0.0))
    return timedelta(seconds=min(BACKOFF_BASE_S * 2 ** max(attempts - 1, 0), BACKOFF_MAX_S))


def alert_labels(notify: NotifySettings) -> tuple[str, ...]:
    """Labels that get an alert row; investigations too when subscribers may opt in."""
    labels = set(notify.labels)
    if notify.telegram.enabled:
        labels.add("investigation")
    return tuple(sorted(labels))


def channel_targets(notify: NotifySettings) -> list[tuple[str, str]]:
    """(channel, recipient) of the enabled channels that are not per-subscriber."""
    targets = []
    if notify.console.enabled:
        targets.append(("console", "stdout"))
    if notify.file.enabled:
        targets.append(("file", notify.file.path))
    if notify.webhook.enabled:
        targets.append(("webhook", notify.webhook.url))
    return targets


def _targets(store: Store, alert: Alert, notify: NotifySettings) -> list[tuple[str, str]]:
    targets = channel_targets(notify) if alert.label in notify.labels else []
    if notify.telegram.enabled:
        for sub in store.subscribers.receiving():
            filters = Filters.from_dict(sub.filters)
            if wants_label(
                filters,
                alert.label,
                labels=notify.labels,
                investigations_default=notify.telegram.include_investigations,
            ) and matches(filters, alert):
                targets.append(("telegram", str(sub.chat_id)))
    return targets


def _upsert(store: Store, fresh: Alert, now: datetime) -> Alert | None:
    """Store `fresh`; return it with its version when readers would see a change."""
    row = store.alerts.get(fresh.id)
    previous = loads(row.payload) if row else None
    version = next_version(previous, fresh)
    if version is None:
        assert previous is not None
        if previous.score != fresh.score:  # keep the score current, silently
            store.alerts.save(
                alert_id=fresh.id,
                story_id=fresh.story_id,
                label=fresh.label,
                version=previous.version,
                now=now,
                payload=dumps(replace(fresh, version=previous.version)),
            )
        return None
    alert = replace(fresh, version=version)
    store.alerts.save(
        alert_id=alert.id,
        story_id=alert.story_id,
        label=alert.label,
        version=version,
        payload=dumps(alert),
        now=now,
    )
    return alert


def refresh_alerts(
    store: Store, story_ids: Iterable[int], now: datetime, *, notify: NotifySettings
) -> list[Alert]:
    """Upsert the alerts of `story_ids` and queue their deliveries.

    `notify` (the `[notify]` settings) says which labels alert and which
    channels are enabled; it is required so that a forgotten argument cannot
    silently turn Telegram off. Returns the alerts that are new or changed (a
    new version); unchanged and non-alertable stories are skipped. New
    subscribers never get old alerts: deliveries are queued only when an alert
    is created or changes.
    """
    labels = alert_labels(notify)
    changed = []
    for story_id in sorted(set(story_ids)):
        story = store.stories.get(story_id)
        if story is None or not is_alertable(story, labels=labels, min_score=notify.min_score):
            continue
        with store.db.atomic():
            alert = _upsert(store, build_alert(story, store.stories.members(story_id)), now)
            if alert is None:
                continue
            store.deliveries.enqueue(
                alert_id=alert.id,
                version=alert.version,
                targets=_targets(store, alert, notify),
                now=now,
            )
        changed.append(alert)
    return changed


async def dispatch(
    store: Store, notifiers: Sequence[Notifier], now: datetime, *, limit: int = 500
) -> DispatchReport:
    """Send every due delivery of the given channels; rows of other channels wait.

    A channel that asks to slow down (Telegram 429) is left alone for the rest
    of this call. Never raises for a channel failure; see the report.
    """
    by_channel = {n.channel: n for n in notifiers}
    tally: Counter[str] = Counter()
    throttled: dict[str, str] = {}  # channel -> when it may be called again (ISO)
    for row in store.deliveries.due(now, channels=list(by_channel), limit=limit):
        if row.channel in throttled:
            store.deliveries.postpone(row.id, until=throttled[row.channel])
            tally["deferred"] += 1
            continue
        outcome = await _deliver_one(store, by_channel[row.channel], row, now)
        if outcome == "throttled":
            again = store.deliveries.get(row.id)
            throttled[row.channel] = (again.next_attempt if again else None) or stamp(now)
            outcome = "deferred"
        tally[outcome] += 1
    return DispatchReport(
        sent=tally["sent"],
        edited=tally["edited"],
        retrying=tally["retrying"],
        dead=tally["dead"],
        cancelled=tally["cancelled"],
        deferred=tally["deferred"],
        next_attempt=store.deliveries.next_due(channels=list(by_channel)),
    )


def _recipient_state(store: Store, row: DeliveryRow) -> tuple[str | None, str]:
    """(why the row is no longer wanted or None, reader language)."""
    if row.channel != "telegram":
        return None, "en"
    sub = store.subscribers.get(int(row.recipient))
    if sub is None or not sub.active:
        return "subscriber inactive", "en"
    if sub.paused:
        return "subscriber paused", "en"
    return None, sub.lang or "en"


async def _deliver_one(store: Store, notifier: Notifier, row: DeliveryRow, now: datetime) -> str:
    stored = store.alerts.get(row.alert_id)
    unwanted, lang = _recipient_state(store, row)
    if stored is None or unwanted:
        store.deliveries.finish(row.id, status="cancelled", error=unwanted or "alert removed")
        return "cancelled"
    if not store.deliveries.claim(row, now=now, lease_until=now + LEASE):
        return "skipped"  # another dispatcher took it
    alert = loads(stored.payload)
    delivery = Delivery(
        key=row.idempotency_key,
        recipient=row.recipient,
        lang=lang,
        event="update" if row.sent_version else "new",
        external_id=row.external_id,
    )
    try:
        receipt = await notifier.deliver(alert, delivery)
    except Exception as e:  # every failure, expected or not, is recorded on the row
        return _failed(store, notifier, row, e, now)
    store.deliveries.mark_sent(
        row.id, version=alert.version, external_id=receipt.external_id, now=now
    )
    return "edited" if receipt.edited else "sent"


def _failed(
    store: Store, notifier: Notifier, row: DeliveryRow, error: Exception, now: datetime
) -> str:
    attempts = row.attempts + 1
    message = f"{type(error).__name__}: {error}"
    if isinstance(error, RecipientGoneError) and row.channel == "telegram":
        store.deliveries.finish(row.id, status="dead", error=message)
        store.subscribers.deactivate(int(row.recipient), str(error), now=now)
        store.deliveries.cancel_recipient(row.channel, row.recipient, "recipient gone")
        log.warning("%s %s gone, deactivated: %s", row.channel, row.recipient, error)
        return "dead"
    if isinstance(error, PermanentDeliveryError):
        store.deliveries.finish(row.id, status="dead", error=message)
        log.warning("delivery %s failed for good: %s", row.idempotency_key, message)
        return "dead"
    retry_after = error.retry_after if isinstance(error, DeliveryError) else None
    if not isinstance(error, DeliveryError):
        log.error("delivery %s: unexpected error", row.idempotency_key, exc_info=error)
    if attempts >= notifier.max_attempts:  # flood waits count too: nothing retries forever
        store.deliveries.finish(
            row.id, status="dead", error=f"gave up after {attempts} attempts: {message}"
        )
        return "dead"
    store.deliveries.retry_later(row.id, error=message, at=now + backoff(attempts, retry_after))
    return "throttled" if retry_after is not None else "retrying"
