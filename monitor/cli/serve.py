"""`monitor serve`: browse the store in Datasette (needs the `datasette` extra)."""

from __future__ import annotations

import ipaddress

import click

from monitor.cli.context import CliContext
from monitor.errors import MonitorError


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Datasette has no login: keep it on loopback.",
)
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True)
@click.pass_obj
def command(cli: CliContext, host: str, port: int) -> None:
    """Serve the store read-only with Datasette (views, full-text search, canned queries)."""
    from monitor.analytics.web import serve

    # Opening the store once applies pending migrations, so the views exist.
    with cli.open_store() as store:
        path = store.path
    if not _is_loopback(host):
        click.echo(f"warning: serving {path} without authentication on {host}", err=True)
    cli.echo(f"Datasette on http://{host}:{port}/monitor (store {path}); Ctrl-C stops it", err=True)
    try:
        serve(path, host=host, port=port)
    except MonitorError as e:
        raise click.ClickException(str(e)) from e
