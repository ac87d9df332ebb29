"""`monitor run`: poll once (`--once`) or run the long-lived service."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import click

from monitor.app import App
from monitor.cli.context import CliContext
from monitor.errors import MonitorError
from monitor.pipeline import FeedReport, RunReport, run_once


@click.command("run")
@click.option("--once", is_flag=True, help="Poll every enabled feed once, process, and exit.")
@click.pass_obj
def command(cli: CliContext, once: bool) -> None:
    """Poll feeds, store and classify articles, and send alerts."""
    settings = cli.settings
    if not once:
        from monitor.daemon import run_daemon

        raise SystemExit(run_daemon(settings))
    try:
        report = asyncio.run(_once(cli))
    except MonitorError as e:
        raise click.ClickException(str(e)) from e
    _summary(cli, report)


async def _once(cli: CliContext) -> RunReport:
    async with App(cli.settings) as app:
        return await run_once(app, datetime.now(UTC), progress=lambda r: _line(cli, r))


def _line(cli: CliContext, r: FeedReport) -> None:
    if r.status == "error":
        cli.echo(f"  {r.feed:<28} ERROR  {r.error}")
    elif r.status == "not_modified":
        cli.echo(f"  {r.feed:<28} not modified")
    else:
        extra = f", {r.page_failures} pages fell back to the summary" if r.page_failures else ""
        cli.echo(
            f"  {r.feed:<28} ok     {r.items} items, {r.new} new, {r.stored} stored{extra}"
            f" ({r.seconds:.1f}s)"
        )


def _summary(cli: CliContext, report: RunReport) -> None:
    ok = len(report.feeds) - report.failed_feeds
    parts = ", ".join(f"{v} {k}" for k, v in report.analysis.items())
    cli.echo(
        f"{len(report.feeds)} feeds ({ok} ok, {report.failed_feeds} failed), "
        f"{len(report.new_article_ids)} new articles{'; ' + parts if parts else ''} "
        f"in {report.seconds:.1f}s"
    )
