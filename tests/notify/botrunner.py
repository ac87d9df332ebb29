"""The bot's Application running in a background thread, for tests that talk to it."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from monitor.config import Settings

BOT_NOW = datetime(2022, 5, 24, 12, 0, tzinfo=UTC)


class BotThread:
    """Runs the bot's Application (long polling the fake server) in its own thread and loop."""

    def __init__(self, settings: Settings, clock: Callable[[], datetime]) -> None:
        self._settings, self._clock = settings, clock
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._main, daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise TimeoutError("bot did not start")
        if self._error:
            raise self._error

    def _main(self) -> None:
        try:
            asyncio.run(self._run())
        except BaseException as e:  # reported to the test thread
            self._error = e
            self._ready.set()

    async def _run(self) -> None:
        from monitor.notify.bot import build_application, polling
        from monitor.store import Store

        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        with Store(self._settings.store_path()) as store:
            app = build_application(self._settings, store, clock=self._clock)
            async with polling(app, timeout=timedelta(seconds=1)):
                self._ready.set()
                await self._stop.wait()

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)
        if self._error:
            raise self._error
