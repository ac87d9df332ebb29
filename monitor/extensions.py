"""Optional parts the daemon runs in its own event loop: outbox, Telegram bot, digest.

Owns: finding each part by module and name, lazily and guarded, starting and
stopping it, and recording its state ("off", "running", "error: ...") for the
heartbeat. A part is off when it is disabled in config or its module is not
there; a part that is there but fails to start is an error (logged, shown by
`monitor health`) and the rest of the daemon goes on. The hook points, in one
place so the wiring can change without touching the daemon:

- outbox:  `monitor.notify.channels.build_notifiers(settings)`,
           `monitor.notify.outbox.dispatch(store, notifiers, now)`,
           `monitor.notify.channels.close_notifiers(notifiers)`
- bot:     `monitor.notify.bot.build_application(settings, store)` run by
           `monitor.notify.bot.polling(application)` (an async context manager)
- digest:  `monitor.notify.digest.send_digest_job(...)`, called at `digest.time`
           in `digest.timezone`, and `retry_digests(...)` every 10 minutes, each with
           whichever of settings/store/now/app it declares (a blocking job runs in a
           thread with its own store connection)

Does not own: what the parts do.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import inspect
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from monitor.app import App
from monitor.store import Store

log = logging.getLogger(__name__)


def optional(module: str, name: str) -> Any | None:
    """`module.name`, or None when that module does not exist or lacks the name.

    Any other import failure (a bug inside the module) propagates.
    """
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as e:
        if e.name and (module == e.name or module.startswith(e.name + ".")):
            return None
        raise
    return getattr(mod, name, None)


def call_with(fn: Callable[..., Any], **available: Any) -> Any:
    """Call `fn` with the keyword arguments among `available` that it declares."""
    params = inspect.signature(fn).parameters
    return fn(**{k: v for k, v in available.items() if k in params})


class Extensions:
    """The optional parts of one daemon; `start()` once, `stop()` at shutdown."""

    def __init__(self, app: App) -> None:
        self._app = app
        self.parts: dict[str, str] = {"outbox": "off", "bot": "off", "digest": "off"}
        self._notifiers: list[Any] = []
        self._dispatch: Callable[..., Awaitable[Any]] | None = None
        self._bot_stack = contextlib.AsyncExitStack()

    async def start(self) -> None:
        for name, starter in (
            ("outbox", self._start_outbox),
            ("bot", self._start_bot),
            ("digest", self._check_digest),
        ):
            try:
                self.parts[name] = await starter()
            except Exception as e:  # one broken part must not keep the monitor from polling
                log.exception("optional part %s failed to start", name)
                self.parts[name] = f"error: {type(e).__name__}: {e}"

    async def _start_outbox(self) -> str:
        dispatch = optional("monitor.notify.outbox", "dispatch")
        build = optional("monitor.notify.channels", "build_notifiers")
        if dispatch is None or build is None:
            return "off"
        self._notifiers = list(build(self._app.settings))
        self._dispatch = dispatch
        return "running"

    async def _start_bot(self) -> str:
        if not self._app.settings.notify.telegram.enabled:
            return "off"
        build = optional("monitor.notify.bot", "build_application")
        polling = optional("monitor.notify.bot", "polling")
        if build is None or polling is None:
            return "off"
        application = build(self._app.settings, self._app.store)
        await self._bot_stack.enter_async_context(polling(application))
        return "running"

    async def _check_digest(self) -> str:
        if not self._app.settings.digest.enabled:
            return "off"
        return "scheduled" if self.digest_job() is not None else "off"

    async def dispatch(self, now: datetime | None = None) -> Any:
        """Send due deliveries once (no-op when the outbox is off)."""
        if self._dispatch is None:
            return None
        return await self._dispatch(self._app.store, self._notifiers, now or datetime.now(UTC))

    def digest_job(self, name: str = "send_digest_job") -> Callable[[], Awaitable[Any]] | None:
        """A coroutine function running `monitor.notify.digest.<name>`, or None when off.

        `send_digest_job` is scheduled daily, `retry_digests` every few minutes.
        """
        if not self._app.settings.digest.enabled:
            return None
        job = optional("monitor.notify.digest", name)
        if job is None:
            return None

        async def run_digest() -> Any:
            now = datetime.now(UTC)
            if inspect.iscoroutinefunction(job):
                return await call_with(
                    job, settings=self._app.settings, store=self._app.store, now=now, app=self._app
                )
            # a blocking job gets its own thread and its own store connection
            return await asyncio.to_thread(_sync_job, job, self._app, now)

        return run_digest

    async def stop(self) -> None:
        """Stop the bot and close the notifiers; never raises."""
        try:
            await self._bot_stack.aclose()
        except Exception:
            log.exception("stopping the Telegram bot failed")
        close = optional("monitor.notify.channels", "close_notifiers")
        if close is not None and self._notifiers:
            try:
                await close(self._notifiers)
            except Exception:
                log.exception("closing notifiers failed")


def _sync_job(job: Callable[..., Any], app: App, now: datetime) -> Any:
    with Store(app.settings.store_path()) as store:
        return call_with(job, settings=app.settings, store=store, now=now, app=app)
