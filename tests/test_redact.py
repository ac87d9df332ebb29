"""Secrets never reach logs, stored errors or the heartbeat (issue: the leaked bot token)."""

from __future__ import annotations

import io
import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor import redact
from monitor.logs import setup_logging
from monitor.models import Feed
from monitor.store import Store
from monitor.store.ops import OpsRepo
from monitor.store.outbox import end_delivery, retry_delivery

TOKEN = "7412589630:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"  # the shape of a real bot token


def test_token_shapes_and_remembered_secrets_are_masked() -> None:
    url = f"POST https://api.telegram.org/bot{TOKEN}/sendMessage 200"
    assert redact.redact(url) == "POST https://api.telegram.org/bot[redacted]/sendMessage 200"
    redact.remember(["s3cret-smtp-pass", "", "abc"])  # too short values are not secrets
    assert redact.redact("login failed for s3cret-smtp-pass") == "login failed for [redacted]"
    assert redact.redact("at 12:30, item 3:45 of abc") == "at 12:30, item 3:45 of abc"


def test_log_lines_and_tracebacks_are_redacted() -> None:
    stream = io.StringIO()
    setup_logging("text", level=logging.DEBUG, stream=stream)
    log = logging.getLogger("httpx")
    log.setLevel(logging.DEBUG)
    log.info("HTTP Request: %s %s", "POST", f"https://api.telegram.org/bot{TOKEN}/getUpdates")
    try:
        raise RuntimeError(f"The token `{TOKEN}` was rejected by the server.")
    except RuntimeError:
        logging.getLogger("monitor.bot").exception("bot failed")
    out = stream.getvalue()
    assert TOKEN not in out and out.count("[redacted]") == 2
    assert "bot failed" in out and "RuntimeError" in out


def test_stored_errors_and_the_heartbeat_are_redacted(tmp_path: Path) -> None:
    now = datetime(2024, 5, 1, tzinfo=UTC)
    with Store(tmp_path / "m.db") as store:
        store.feeds.sync([Feed(name="wire", url="https://example.org/feed.xml")])
        store.db.execute("PRAGMA foreign_keys = OFF")  # one delivery row, without its alert
        store.db.execute(
            "INSERT INTO deliveries (id, alert_id, channel, recipient, status, attempts, "
            "idempotency_key, created_at) VALUES (1, 'story-1', 'telegram', '42', 'pending', "
            "0, 'k1', '2024-05-01')"
        )
        retry_delivery(store.db, 1, error=f"telegram: Forbidden by bot{TOKEN}", at=now)
        assert TOKEN not in store.db.execute("SELECT last_error FROM deliveries").fetchone()[0]
        end_delivery(store.db, 1, status="dead", error=f"InvalidToken: `{TOKEN}` rejected")
        assert TOKEN not in store.db.execute("SELECT last_error FROM deliveries").fetchone()[0]
        ops = OpsRepo(store.db)
        ops.write_heartbeat({"last_error": f"telegram: bot{TOKEN} unauthorized"})
        assert TOKEN not in str(ops.heartbeat())


@pytest.fixture(autouse=True)
def _restore_logging() -> object:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
