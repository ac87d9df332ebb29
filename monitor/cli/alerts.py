"""`monitor alerts`: the alerts in the store, newest first."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import click

from monitor.cli.context import CliContext
from monitor.notify.alerts import alert_to_dict, loads
from monitor.notify.format import plain_text


def _since(value: str | None) -> str | None:
    """DATE or DATETIME (ISO-8601, UTC when no offset) -> the store's timestamp form."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as e:
        raise click.BadParameter(f"{value!r} is not a date like 2022-05-23") from e
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


@click.command("alerts")
@click.option(
    "--since",
    default=None,
    metavar="DATE",
    help="Only alerts created or updated since DATE (e.g. 2022-05-23).",
)
@click.option("--limit", default=50, show_default=True, help="At most this many alerts.")
@click.option(
    "--json", "as_json", is_flag=True, help="One JSON alert per line (shape in docs/alerts.md)."
)
@click.pass_obj
def command(cli: CliContext, since: str | None, limit: int, as_json: bool) -> None:
    """Alerts about enforcement stories, with their delivery state."""
    with cli.open_store() as store:
        rows = store.alerts.recent(since=_since(since), limit=limit)
        deliveries = {r.id: store.deliveries.for_alert(r.id) for r in rows}
    if as_json:
        for r in rows:
            click.echo(json.dumps(alert_to_dict(loads(r.payload)), ensure_ascii=False))
        return
    if not rows:
        cli.echo("no alerts" + (f" since {since}" if since else ""))
        return
    for r in rows:
        click.echo(plain_text(loads(r.payload)))
        states: dict[str, int] = {}
        for d in deliveries[r.id]:
            states[d.status] = states.get(d.status, 0) + 1
        summary = ", ".join(f"{k} {v}" for k, v in sorted(states.items())) or "none"
        click.echo(f"  deliveries: {summary}; updated {r.updated_at}")
