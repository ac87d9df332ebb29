"""docs/digest.md stays true: its SQL runs against a store that sent a digest."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

from monitor.notify.digest import send_digest
from monitor.store import Store

from .smtp_helpers import RECIPIENTS, SmtpServer, digest_settings, fast_sender

DOC = Path(__file__).resolve().parents[2] / "docs" / "digest.md"
DAY = date(2022, 5, 23)
NOW = datetime(2022, 5, 24, 5, 0, tzinfo=UTC)


def sql_blocks() -> list[str]:
    return re.findall(r"```sql\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)


def test_documented_sql_shows_and_resets_digest_deliveries(
    tmp_path: Path, seeded: tuple[Store, dict[str, int]], smtp_server: SmtpServer
) -> None:
    store, _ = seeded
    settings = digest_settings(tmp_path, smtp_server.port)
    sender = fast_sender(settings)
    send_digest(settings, store, DAY, NOW, sender=sender)
    status_sql, delete_sql = sql_blocks()
    shown = store.db.execute(status_sql).fetchall()
    assert [(r[0], r[1], r[2]) for r in shown] == [("2022-05-23", a, "sent") for a in RECIPIENTS]
    store.db.execute(delete_sql)
    again = send_digest(settings, store, DAY, NOW, sender=sender)
    assert again.sent == ("alice@example.org",) and again.already_sent == ("bob@example.org",)
