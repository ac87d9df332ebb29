"""The Telegram bot: a python-telegram-bot `Application` with our commands.

Owns: wiring the commands (/start /help /subscribe /unsubscribe /filters
/latest /search /digest /pause /resume, admin-only /stats /feeds) and the
"pause" button under alerts to the store, and running the bot by long polling.
Replies are HTML built by `replies.py` (everything escaped). Does not own:
sending alerts (see `outbox.py` and `telegram.py`); the bot only answers.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
)
from telegram.ext import filters as tg_filters

from monitor.config import Settings
from monitor.errors import ConfigError, FilterError
from monitor.notify import replies
from monitor.notify.alerts import loads
from monitor.notify.filters import Filters, matches, parse_filters, wants_label
from monitor.notify.names import reader_lang
from monitor.notify.telegram import PAUSE_CALLBACK
from monitor.store import Store
from monitor.store.search import search_articles

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE
MAX_LATEST = 20


@dataclass(frozen=True, slots=True, kw_only=True)
class BotDeps:
    """What the handlers need; kept in `application.bot_data["deps"]`."""

    settings: Settings
    store: Store
    clock: Callable[[], datetime]

    @property
    def investigations_default(self) -> bool:
        notify = self.settings.notify
        return notify.telegram.include_investigations or "investigation" in notify.labels


def _deps(context: Context) -> BotDeps:
    deps: BotDeps = context.bot_data["deps"]
    return deps


def _args(update: Update) -> str:
    parts = (update.effective_message.text or "").split(None, 1) if update.effective_message else []
    return parts[1].strip() if len(parts) > 1 else ""


async def _reply(update: Update, context: Context, text: str) -> None:
    assert update.effective_chat is not None
    await context.bot.send_message(
        update.effective_chat.id,
        text,
        parse_mode=ParseMode.HTML,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )


def _chat(update: Update) -> int:
    assert update.effective_chat is not None
    return update.effective_chat.id


async def start(update: Update, context: Context) -> None:
    deps, user = _deps(context), update.effective_user
    sub = deps.store.subscribers.subscribe(
        _chat(update),
        username=user.username if user else None,
        lang=reader_lang(user.language_code if user else None),
        now=deps.clock(),
    )
    await _reply(
        update,
        context,
        replies.welcome(
            Filters.from_dict(sub.filters), investigations_default=deps.investigations_default
        ),
    )


async def help_command(update: Update, context: Context) -> None:
    await _reply(update, context, replies.help_text())


async def subscribe(update: Update, context: Context) -> None:
    deps, user = _deps(context), update.effective_user
    try:
        filters = parse_filters(_args(update))
    except FilterError as e:
        await _reply(update, context, replies.bad_filters(str(e)))
        return
    deps.store.subscribers.subscribe(
        _chat(update),
        username=user.username if user else None,
        lang=reader_lang(user.language_code if user else None),
        now=deps.clock(),
        filters=filters.to_dict(),
    )
    await _reply(
        update,
        context,
        replies.subscribed(filters, investigations_default=deps.investigations_default),
    )


async def unsubscribe(update: Update, context: Context) -> None:
    deps = _deps(context)
    if not deps.store.subscribers.deactivate(_chat(update), "unsubscribed", now=deps.clock()):
        await _reply(update, context, replies.NOT_SUBSCRIBED_BEFORE)
        return
    deps.store.deliveries.cancel_recipient("telegram", str(_chat(update)), "unsubscribed")
    await _reply(update, context, replies.UNSUBSCRIBED)


async def show_filters(update: Update, context: Context) -> None:
    deps = _deps(context)
    sub = deps.store.subscribers.get(_chat(update))
    if sub is None or not sub.active:
        await _reply(update, context, replies.NOT_SUBSCRIBED)
        return
    await _reply(
        update,
        context,
        replies.current_filters(
            Filters.from_dict(sub.filters),
            paused=sub.paused,
            investigations_default=deps.investigations_default,
        ),
    )


async def _set_paused(update: Update, context: Context, paused: bool) -> str:
    deps = _deps(context)
    if not deps.store.subscribers.set_paused(_chat(update), paused, now=deps.clock()):
        return replies.NOT_SUBSCRIBED
    return replies.PAUSED if paused else replies.RESUMED


async def pause(update: Update, context: Context) -> None:
    await _reply(update, context, await _set_paused(update, context, True))


async def resume(update: Update, context: Context) -> None:
    await _reply(update, context, await _set_paused(update, context, False))


async def pause_button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None
    text = await _set_paused(update, context, True)
    await query.answer(text=text)


async def latest(update: Update, context: Context) -> None:
    deps, arg = _deps(context), _args(update)
    if arg and not (arg.isdigit() and 1 <= int(arg) <= MAX_LATEST):
        await _reply(update, context, replies.LATEST_USAGE)
        return
    n = int(arg) if arg else 5
    sub = deps.store.subscribers.get(_chat(update))
    filters = Filters.from_dict(sub.filters) if sub and sub.active else Filters()
    labels = tuple(deps.settings.notify.labels)
    picked = []
    for row in deps.store.alerts.recent(limit=200):
        alert = loads(row.payload)
        if wants_label(
            filters, alert.label, labels=labels, investigations_default=deps.investigations_default
        ) and matches(filters, alert):
            picked.append(alert)
        if len(picked) == n:
            break
    lang = sub.lang if sub and sub.lang else "en"
    await _reply(update, context, replies.latest(picked, lang=lang))


async def search(update: Update, context: Context) -> None:
    query = _args(update)
    if not query:
        await _reply(update, context, replies.SEARCH_USAGE)
        return
    hits = search_articles(_deps(context).store.db, query, limit=5)
    await _reply(update, context, replies.search(query, hits))


async def digest(update: Update, context: Context) -> None:
    deps = _deps(context)
    tz = ZoneInfo(deps.settings.digest.timezone)
    day = deps.clock().astimezone(tz).date()
    start_at = datetime.combine(day, time(0), tz)
    labels = ("enforcement", "investigation") if deps.investigations_default else ("enforcement",)
    found = deps.store.digests.stories_between(
        start_at, start_at + timedelta(days=1), labels=labels
    )
    stories = sorted(
        (s for s, _ in found if s.score >= deps.settings.notify.min_score),
        key=lambda s: (s.last_seen, s.id),
        reverse=True,
    )
    await _reply(update, context, replies.digest(day.isoformat(), stories))


def _is_admin(update: Update, deps: BotDeps) -> bool:
    admins = set(deps.settings.notify.telegram.admin_chat_ids)
    user = update.effective_user
    return _chat(update) in admins or (user is not None and user.id in admins)


async def stats(update: Update, context: Context) -> None:
    deps = _deps(context)
    if not _is_admin(update, deps):
        await _reply(update, context, replies.ADMIN_ONLY)
        return
    store = deps.store
    await _reply(
        update,
        context,
        replies.stats(store.stats(), store.deliveries.by_status(), store.subscribers.counts()),
    )


async def feeds(update: Update, context: Context) -> None:
    deps = _deps(context)
    if not _is_admin(update, deps):
        await _reply(update, context, replies.ADMIN_ONLY)
        return
    await _reply(update, context, replies.feeds(deps.store.feeds.all()))


async def unknown(update: Update, context: Context) -> None:
    await _reply(update, context, replies.UNKNOWN)


async def on_error(update: object, context: Context) -> None:
    log.error("bot handler failed for %r", update, exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await _reply(update, context, replies.ERROR)
        except TelegramError as e:  # the user still sees nothing; keep the bot running
            log.warning("could not report the error to chat %s: %s", _chat(update), e)


async def _post_init(application: Application) -> None:  # type: ignore[type-arg]
    try:
        await application.bot.set_my_commands(
            [BotCommand(c, d) for c, d in replies.PUBLIC_COMMANDS]
        )
    except TelegramError as e:  # the menu is a convenience: run without it
        log.warning("setMyCommands failed: %s", e)


HANDLERS: tuple[tuple[str, Callable[..., object]], ...] = (
    ("start", start),
    ("help", help_command),
    ("subscribe", subscribe),
    ("unsubscribe", unsubscribe),
    ("filters", show_filters),
    ("latest", latest),
    ("search", search),
    ("digest", digest),
    ("pause", pause),
    ("resume", resume),
    ("stats", stats),
    ("feeds", feeds),
)


def build_application(
    settings: Settings,
    store: Store,
    *,
    token: str | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Application:  # type: ignore[type-arg]
    """The bot with every handler, talking to `notify.telegram.base_url`.

    `token` defaults to the environment variable named by `notify.telegram.token_env`.
    """
    tg = settings.notify.telegram
    token = token or settings.secrets.get(tg.token_env)
    if not token:
        raise ConfigError(
            f"notify.telegram.token_env: environment variable {tg.token_env} is not set"
        )
    app = (
        ApplicationBuilder()
        .token(token)
        .base_url(tg.base_url)
        .job_queue(None)
        .post_init(_post_init)
        .build()
    )
    app.bot_data["deps"] = BotDeps(
        settings=settings, store=store, clock=clock or (lambda: datetime.now(UTC))
    )
    for name, handler in HANDLERS:
        app.add_handler(CommandHandler(name, handler))  # type: ignore[arg-type]
    app.add_handler(CallbackQueryHandler(pause_button, pattern=f"^{PAUSE_CALLBACK}$"))
    app.add_handler(MessageHandler(tg_filters.COMMAND, unknown))
    app.add_error_handler(on_error)
    return app


ALLOWED_UPDATES = ["message", "callback_query"]


@asynccontextmanager
async def polling(
    app: Application,
    *,
    timeout: timedelta = timedelta(seconds=10),  # type: ignore[type-arg]
) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """Run `app` by long polling inside the current event loop (daemon, tests).

    Unlike `run_polling`, this neither owns the loop nor installs signal handlers.
    """
    async with app:
        if app.post_init is not None:
            await app.post_init(app)
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=timeout, allowed_updates=ALLOWED_UPDATES)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


def run_bot(settings: Settings) -> None:
    """Answer commands by long polling until interrupted (Ctrl-C, SIGTERM)."""
    with Store(settings.store_path()) as store:
        app = build_application(settings, store)
        app.run_polling(allowed_updates=ALLOWED_UPDATES, close_loop=False)
