"""`monitor health` verdicts and exit codes; JSON log lines."""

from __future__ import annotations

import io
import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from monitor.cli import main
from monitor.health import assess
from monitor.logs import setup_logging
from monitor.store import Store
from monitor.store.ops import OpsRepo

NOW = datetime(2022, 5, 24, 12, 0, tzinfo=UTC)
OK = {"name": "a", "last_polled": "2022-05-24T11:55:00+00:00", "last_status": "ok"}
BAD = {
    "name": "b",
    "last_polled": "2022-05-24T11:55:00+00:00",
    "last_status": "error",
    "error_count": 3,
    "first_error_at": "2022-05-23T08:00:00+00:00",
    "last_error": "http_500",
}
OFF = {
    "name": "c",
    "last_polled": "2022-05-20T00:00:00+00:00",
    "last_status": "error",
    "disabled_reason": "failing since 2022-05-13: timeout",
}


def beat(age_s: float = 2, state: str = "running", **extra: object) -> dict[str, object]:
    return {
        "state": state,
        "updated_at": (NOW - timedelta(seconds=age_s)).isoformat(),
        "interval_s": 5,
        "queues": {"analysis": {"depth": 3, "capacity": 100}},
        **extra,
    }


@pytest.mark.parametrize(
    "rows,heartbeat,require,status,problem",
    [
        ([OK], beat(), True, "healthy", None),
        ([OK, BAD], beat(), True, "degraded", "1 feed(s) failing: b"),
        ([OK, OFF], beat(), True, "degraded", "1 feed(s) disabled: c"),
        ([BAD, OFF], beat(), True, "down", "every polled feed is failing or disabled (2)"),
        ([OK], None, True, "down", "the daemon has never run on this store"),
        ([OK], None, False, "healthy", None),
        ([OK], beat(age_s=60), True, "down", "the daemon is not running"),
        ([OK], beat(state="stopped"), True, "down", "last state 'stopped'"),
        (
            [OK],
            beat(queues={"analysis": {"depth": 95, "capacity": 100}}),
            True,
            "degraded",
            "analysis queue 95/100 full",
        ),
        ([OK], beat(loop_lag_ms=2500), True, "degraded", "event loop lagging 2500 ms"),
        (
            [OK],
            beat(parts={"bot": "error: NetworkError: unreachable"}),
            True,
            "degraded",
            "bot: error: NetworkError",
        ),
    ],
)
def test_verdicts(rows, heartbeat, require, status, problem) -> None:  # type: ignore[no-untyped-def]
    names = [r["name"] for r in rows]
    health = assess(
        configured=names, rows=rows, heartbeat=heartbeat, now=NOW, require_daemon=require
    )
    assert health.status == status, health.problems
    assert health.exit_code == {"healthy": 0, "degraded": 1, "down": 2}[status]
    if problem:
        assert any(problem in p for p in health.problems), health.problems
    else:
        assert not health.problems


def test_never_polled_feeds_are_neither_ok_nor_failing() -> None:
    health = assess(configured=["a", "new"], rows=[OK], heartbeat=beat(), now=NOW)
    assert health.status == "healthy" and health.count("never_polled") == 1
    assert assess(configured=[], rows=[], heartbeat=beat(), now=NOW).status == "down"


def _cli(tmp_path, *args: str):  # type: ignore[no-untyped-def]
    config = tmp_path / "config.toml"
    config.write_text(
        f'[store]\npath = "{tmp_path / "m.db"}"\n[[feeds]]\nname = "a"\n'
        'url = "https://wire.example/a.xml"\n[[feeds]]\nname = "b"\n'
        'url = "https://wire.example/b.xml"\n'
    )
    return CliRunner().invoke(main, ["--config", str(config), "health", *args])


def test_cli_exit_codes_and_json(tmp_path) -> None:
    result = _cli(tmp_path)
    assert result.exit_code == 2 and "does not exist" in result.output
    with Store(tmp_path / "m.db") as store:
        store.db.execute(
            "INSERT INTO feeds (name, url, last_polled, last_status) VALUES "
            "('a', 'u', '2022-05-24T11:00:00+00:00', 'ok'), "
            "('b', 'u', '2022-05-24T11:00:00+00:00', 'error')"
        )
        store.db.conn.commit()
        OpsRepo(store.db).write_heartbeat(
            {**beat(), "updated_at": datetime.now(UTC).isoformat(), "pid": 42}
        )
    result = _cli(tmp_path)
    assert result.exit_code == 1, result.output
    assert "status: degraded (exit 1)" in result.output
    assert "daemon: running, pid 42" in result.output
    data = json.loads(_cli(tmp_path, "--json").output)
    assert data["status"] == "degraded" and data["counts"] == {
        "ok": 1,
        "failing": 1,
        "disabled": 0,
        "never_polled": 0,
    }
    assert data["daemon"]["queues"]["analysis"]["depth"] == 3


def test_json_logs_are_one_object_per_line() -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        setup_logging("json", level=logging.INFO, stream=stream)
        logging.getLogger("monitor.test").warning("feed %s failed", "wire", extra={"feed": "wire"})
        try:
            raise ValueError("boom")
        except ValueError:
            logging.getLogger("monitor.test").exception("unexpected")
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["msg"] == "feed wire failed" and first["feed"] == "wire"
    assert first["level"] == "WARNING" and first["logger"] == "monitor.test"
    assert "ValueError: boom" in second["exc"]
