"""Run one `dispatch` against the fake Bot API in a separate process (for the crash test).

Usage: python dispatch_child.py DB BASE_URL NOW_ISO
"""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime

from telegram import Bot

from monitor.notify.outbox import dispatch
from monitor.notify.telegram import TelegramNotifier
from monitor.store import Store

TOKEN = "123456:TEST-token"


async def main(db: str, base_url: str, now: datetime) -> None:
    with Store(db) as store:
        notifier = TelegramNotifier(
            Bot(TOKEN, base_url=base_url), per_chat_interval=0, overall_interval=0
        )
        try:
            print(await dispatch(store, [notifier], now), flush=True)
        finally:
            await notifier.aclose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], datetime.fromisoformat(sys.argv[3])))
