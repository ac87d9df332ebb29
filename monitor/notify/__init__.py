"""Notifications: alerts, the delivery outbox, channels and the Telegram bot.

Entry points for the pipeline:

    refresh_alerts(store, story_ids, now, *, notify=settings.notify) -> list[Alert]
    await dispatch(store, notifiers, now) -> DispatchReport
    build_notifiers(settings) -> list[Notifier]; await close_notifiers(notifiers)

See docs/alerts.md for the alert JSON shape, filters and bot commands.
"""

from __future__ import annotations

from monitor.notify.channels import build_notifiers, close_notifiers
from monitor.notify.outbox import DispatchReport, dispatch, refresh_alerts

__all__ = ["DispatchReport", "build_notifiers", "close_notifiers", "dispatch", "refresh_alerts"]
