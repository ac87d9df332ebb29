"""The bot's answers to commands, as Telegram HTML (English).

Owns: the wording of every command reply, built from plain data. Everything
from outside (feed titles, user input, filter values) is escaped here. Pure
functions; the handlers in `bot.py` fetch the data and send the text.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any

from monitor.models import Alert, Story
from monitor.notify import names
from monitor.notify.filters import Filters, describe
from monitor.notify.format import TELEGRAM_LIMIT, clean, esc, format_amount, link, short_line
from monitor.store.search import SearchHit

PUBLIC_COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "Start and subscribe to alerts"),
    ("help", "How to use this bot"),
    ("subscribe", "Subscribe, optionally with filters"),
    ("unsubscribe", "Stop all alerts"),
    ("filters", "Show what you receive"),
    ("latest", "Latest alerts, e.g. /latest 5"),
    ("search", "Search articles, e.g. /search clearview"),
    ("digest", "Today's stories in short"),
    ("pause", "Hold alerts for now"),
    ("resume", "Get alerts again"),
)
ADMIN_COMMANDS: tuple[tuple[str, str], ...] = (
    ("stats", "Store and delivery counts"),
    ("feeds", "Feeds and their polling state"),
)
NOT_SUBSCRIBED = "You are not subscribed. Send /subscribe to start."
ADMIN_ONLY = "Sorry, this command is for administrators."
UNKNOWN = "Unknown command. Send /help for the list."
PAUSED = "Alerts paused. Send /resume to get them again."
RESUMED = "Alerts resumed."
UNSUBSCRIBED = "Unsubscribed: you will not get alerts any more. Send /subscribe to come back."
NOT_SUBSCRIBED_BEFORE = "You were not subscribed."
LATEST_USAGE = "Usage: /latest [n], with n from 1 to 20."
SEARCH_USAGE = "Usage: /search words, e.g. /search clearview fine"
ERROR = "Sorry, something went wrong. Please try again later."
FILTER_HELP = (
    "lang=fr,en · country=FR,GB · authority=CNIL · action=fine,ban · min=1m (or 250k, 1mEUR)"
    ' · keywords=clearview,"facial recognition" · investigations=yes'
)


def fit(lines: Sequence[str], limit: int = TELEGRAM_LIMIT) -> str:
    """Join lines, dropping whole lines from the end to stay under Telegram's limit."""
    kept = list(lines)
    if len("\n".join(kept)) <= limit:
        return "\n".join(kept)
    while kept and len("\n".join([*kept, "…"])) > limit:
        kept.pop()
    return "\n".join([*kept, "…"])[:limit]


def _bullets(lines: Iterable[str]) -> list[str]:
    return [f"• {html.escape(line, quote=False)}" for line in lines]


def help_text() -> str:
    usage = [
        "/subscribe [filters] — get alerts (filters below)",
        "/unsubscribe — stop alerts",
        "/filters — show your filters",
        "/pause, /resume — hold and restart alerts",
        "/latest [n] — the latest alerts",
        "/search words — search articles",
        "/digest — today's stories",
    ]
    return "\n".join(
        [
            "<b>Commands</b>",
            *(html.escape(u, quote=False) for u in usage),
            "",
            "<b>Filters</b> (all optional; every filter must hold, commas mean “or”)",
            html.escape(FILTER_HELP, quote=False),
            html.escape("Example: /subscribe country=FR,GB action=fine min=1m", quote=False),
        ]
    )


def welcome(filters: Filters, *, investigations_default: bool) -> str:
    return "\n".join(
        [
            "Welcome! You are subscribed to alerts when a regulator fines, orders, bans or "
            "sanctions an organisation.",
            "",
            "You will get:",
            *_bullets(describe(filters, investigations_default=investigations_default)),
            "",
            "Send /subscribe with filters to narrow them down, or /help for every command.",
        ]
    )


def subscribed(filters: Filters, *, investigations_default: bool) -> str:
    return "\n".join(
        [
            "Subscribed. You will get:",
            *_bullets(describe(filters, investigations_default=investigations_default)),
            "",
            "Change them any time with /subscribe, see them with /filters.",
        ]
    )


def bad_filters(error: str) -> str:
    return f"Sorry, I could not read those filters: {esc(error)}\nSend /help for examples."


def current_filters(filters: Filters, *, paused: bool, investigations_default: bool) -> str:
    head = "Your alerts (paused: send /resume):" if paused else "Your alerts:"
    return "\n".join(
        [head, *_bullets(describe(filters, investigations_default=investigations_default))]
    )


def latest(alerts: Sequence[Alert], *, lang: str = "en") -> str:
    if not alerts:
        return "No alerts yet."
    return fit([f"Latest alerts ({len(alerts)}):", *(short_line(a, lang) for a in alerts)])


def search(query: str, hits: Sequence[SearchHit]) -> str:
    shown = esc(query, 80)
    if not hits:
        return f"Nothing found for “{shown}”."
    lines = [f"Results for “{shown}” ({len(hits)}):"]
    for h in hits:
        meta = ", ".join(
            x for x in (clean(h.source, 60), (h.published or "")[:10], (h.lang or "").upper()) if x
        )
        lines.append(f"• {link(h.url, clean(h.title, 160) or h.url)} — {esc(meta)}")
    return fit(lines)


def _story_line(story: Story) -> str:
    f = story.fields
    who = " → ".join(clean(x, 60) for x in (f.authority, f.target) if x)
    action = " — ".join(
        x
        for x in (names.action(f.action) if f.action else "", format_amount(f.amount, f.currency))
        if x
    )
    head = ": ".join(x for x in (who, action) if x)
    n = story.source_count
    text = (
        f"[{names.label(story.label)}] "
        + (f"{head} · " if head else "")
        + f"{clean(story.title, 160)} ({n} source{'s' if n != 1 else ''})"
    )
    return "• " + html.escape(text, quote=False)


def digest(day: str, stories: Sequence[Story]) -> str:
    if not stories:
        return f"No enforcement stories yet today ({day})."
    n = len(stories)
    return fit(
        [f"Today ({day}), {n} stor{'ies' if n != 1 else 'y'}:", *(_story_line(s) for s in stories)]
    )


def stats(data: dict[str, Any], deliveries: dict[str, int], subscribers: dict[str, int]) -> str:
    langs = ", ".join(f"{k}: {v}" for k, v in data.get("articles_by_lang", {}).items())
    labels = ", ".join(f"{k}: {v}" for k, v in data.get("labels", {}).items())
    sent = ", ".join(f"{k} {v}" for k, v in deliveries.items()) or "none"
    lines = [
        f"Feeds: {data['feeds']} ({data['feeds_failing']} failing); last poll "
        f"{data.get('last_poll') or 'never'}",
        f"Articles: {data['articles']}" + (f" ({langs})" if langs else ""),
        f"Classified: {data['classified']}" + (f" ({labels})" if labels else ""),
        f"Stories: {data['stories']}; alerts: {data['alerts']}",
        f"Deliveries: {sent}",
        f"Subscribers: {subscribers['active']} active, {subscribers['paused']} paused, "
        f"{subscribers['inactive']} inactive",
    ]
    return "\n".join(html.escape(line, quote=False) for line in lines)


def feeds(rows: Sequence[dict[str, Any]]) -> str:
    if not rows:
        return "No feeds configured."
    lines = [f"Feeds ({len(rows)}):"]
    for r in rows:
        state = "disabled" if not r["enabled"] else (r.get("last_status") or "never polled")
        line = f"• {r['name']} — {state}, {r.get('articles_stored', 0)} articles"
        if r.get("last_error"):
            line += f"; last error: {clean(r['last_error'], 120)}"
        lines.append(html.escape(line, quote=False))
    return fit(lines)
