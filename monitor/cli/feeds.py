"""`monitor feeds list|check`: configured feeds and a dry run on one URL."""

from __future__ import annotations

import asyncio
import json
from dataclasses import asdict
from datetime import UTC, datetime

import click

from monitor.cli.context import CliContext
from monitor.errors import MonitorError
from monitor.sources.preview import preview_feed


@click.group("feeds")
def group() -> None:
    """Inspect feeds."""


@group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_obj
def list_feeds(cli: CliContext, as_json: bool) -> None:
    """Configured feeds with their polling state."""
    with cli.open_store() as store:
        store.feeds.sync([_feed(f) for f in cli.settings.feeds])
        rows = store.feeds.all()
    if as_json:
        click.echo(json.dumps(rows, indent=2, default=str))
        return
    for r in rows:
        state = "disabled" if not r["enabled"] else (r["last_status"] or "never polled")
        click.echo(
            f"{r['name']:<28} {r['lang'] or '-':<3} every {r['interval_s']}s  {state}"
            f"  articles={r['articles_stored']}  next={r['next_poll'] or '-'}"
        )
        if r["last_error"]:
            click.echo(f"    last error ({r['error_count']}x): {r['last_error']}")
        if r["disabled_reason"]:
            click.echo(f"    disabled: {r['disabled_reason']}")


def _feed(f):  # type: ignore[no-untyped-def]
    from monitor.models import Feed

    return Feed(name=f.name, url=f.url, lang=f.lang, interval_s=f.interval, enabled=f.enabled)


@group.command("check")
@click.argument("url")
@click.option("--lang", default=None, help="Language to assume when the feed declares none.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_obj
def check(cli: CliContext, url: str, lang: str | None, as_json: bool) -> None:
    """Fetch URL and show what would be ingested, without storing anything."""
    try:
        articles = asyncio.run(preview_feed(cli.settings, url, lang=lang, now=datetime.now(UTC)))
    except MonitorError as e:
        raise click.ClickException(f"{url}: {e}") from e
    if as_json:
        for a in articles:
            click.echo(json.dumps(asdict(a), ensure_ascii=False))
        return
    click.echo(f"{len(articles)} items")
    for a in articles:
        click.echo(f"- [{a.lang or '?'}] {a.published or '(no date)'}  {a.title}")
        click.echo(
            f"  {a.url}  ({a.extraction}, {len(a.text)} chars)"
            + (f"  page failed: {a.extraction_error}" if a.extraction_error else "")
        )
