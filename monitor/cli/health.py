"""`monitor health`: is the monitor working? Exit 0 healthy, 1 degraded, 2 down."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import click

from monitor.cli.context import CliContext
from monitor.health import Health, assess
from monitor.store.ops import OpsRepo


@click.command("health")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option(
    "--no-daemon",
    is_flag=True,
    help="Do not require a running daemon (cron-driven `monitor run --once`).",
)
@click.pass_obj
def command(cli: CliContext, as_json: bool, no_daemon: bool) -> None:
    """Feeds ok/failing, daemon heartbeat and queues, last poll and last alert."""
    settings = cli.settings
    path = settings.store_path()
    if not path.exists():
        _finish(cli, None, as_json, f"store {path} does not exist: the monitor never ran")
    with cli.open_store() as store:
        ops = OpsRepo(store.db)
        health = assess(
            configured=[f.name for f in settings.feeds if f.enabled],
            rows=ops.feed_rows(),
            heartbeat=ops.heartbeat(),
            now=datetime.now(UTC),
            require_daemon=not no_daemon,
            last_alert=ops.last_alert(),
            deliveries=ops.deliveries(),
        )
    _finish(cli, health, as_json)


def _finish(cli: CliContext, health: Health | None, as_json: bool, error: str = "") -> None:
    if health is None:
        if as_json:
            click.echo(json.dumps({"status": "down", "exit_code": 2, "problems": [error]}))
        else:
            click.echo(f"status: down\n  - {error}")
        raise SystemExit(2)
    if as_json:
        click.echo(json.dumps(health.to_dict(), indent=2, sort_keys=True, default=str))
    else:
        for line in _lines(health):
            click.echo(line)
    raise SystemExit(health.exit_code)


def _lines(h: Health) -> list[str]:
    lines = [f"status: {h.status} (exit {h.exit_code})"]
    d = h.daemon or {}
    if h.daemon_running:
        q = (d.get("queues") or {}).get("analysis", {})
        lines.append(
            f"daemon: running, pid {d.get('pid')} on {d.get('host')}, since "
            f"{d.get('started_at')}; heartbeat {d.get('updated_at')}"
        )
        lines.append(
            f"  analysis queue {q.get('depth', 0)}/{q.get('capacity', 0)} "
            f"(peak {q.get('peak', 0)}), polls in flight {d.get('polls_in_flight', 0)}, "
            f"loop lag {d.get('loop_lag_ms', 0)} ms, RSS {d.get('rss_mb')} MB"
        )
        parts = ", ".join(f"{k} {v}" for k, v in (d.get("parts") or {}).items())
        lines.append(f"  parts: {parts}")
    else:
        lines.append(f"daemon: not running (last state {d.get('state', 'never started')})")
    lines.append(
        f"feeds: {len(h.feeds)} enabled: {h.count('ok')} ok, {h.count('failing')} "
        f"failing, {h.count('disabled')} disabled, {h.count('never_polled')} never polled"
    )
    for f in h.feeds:
        if f.condition in ("failing", "disabled"):
            lines.append(
                f"  {f.condition:<8} {f.name} ({f.error_count}x since {f.since}): {f.detail}"
            )
    deliveries = ", ".join(f"{k} {v}" for k, v in sorted(h.deliveries.items())) or "none"
    lines.append(
        f"last poll: {h.last_poll or '-'}; last alert: {h.last_alert or '-'}; "
        f"deliveries: {deliveries}"
    )
    lines.extend(f"  - {p}" for p in h.problems)
    return lines
