"""`monitor export`: stream a documented view or table as CSV or JSON lines."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from monitor.cli.context import CliContext
from monitor.cli.search import parse_since
from monitor.store.export import DEFAULT_VIEW, EXPORTABLE, FORMATS, export_rows, write_rows


@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="csv",
    show_default=True,
    help="csv (with a header row) or jsonl (one JSON object per line).",
)
@click.option(
    "--since",
    default=None,
    callback=parse_since,
    metavar="DATE",
    help="Only rows dated on or after DATE (UTC ISO-8601; see docs/queries.md).",
)
@click.option(
    "--view",
    "name",
    type=click.Choice(list(EXPORTABLE)),
    default=DEFAULT_VIEW,
    show_default=True,
    help="View or table to export (documented in docs/schema.md).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to FILE (replaced only when complete) instead of stdout.",
)
@click.pass_obj
def command(cli: CliContext, fmt: str, since: str | None, name: str, out: Path | None) -> None:
    """Export rows one at a time, oldest first, without loading them all in memory."""
    with cli.open_store() as store:
        try:
            stream = export_rows(store.db, name, since=since)
        except ValueError as e:
            raise click.UsageError(str(e)) from e
        if out is None:
            write_rows(stream, fmt, sys.stdout)
            return
        # Write beside the target and rename, so a failed export never looks complete.
        tmp = out.with_name(f".{out.name}.partial")
        try:
            with tmp.open("w", encoding="utf-8", newline="") as f:
                n = write_rows(stream, fmt, f)
            os.replace(tmp, out)
        finally:
            tmp.unlink(missing_ok=True)
    cli.echo(f"exported {n} row{'s' if n != 1 else ''} of {name} to {out}", err=True)
