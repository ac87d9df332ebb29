"""`monitor stats`: what the store holds."""

from __future__ import annotations

import json

import click

from monitor.cli.context import CliContext


@click.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_obj
def command(cli: CliContext, as_json: bool) -> None:
    """Counts of feeds, articles (per language), classifications, stories and alerts."""
    with cli.open_store() as store:
        data = store.stats()
    if as_json:
        click.echo(json.dumps(data, indent=2, sort_keys=True))
        return
    click.echo(f"store: {cli.settings.store_path()} (schema v{data['schema_version']})")
    click.echo(f"feeds: {data['feeds']} ({data['feeds_failing']} failing)")
    langs = ", ".join(f"{k}: {v}" for k, v in data["articles_by_lang"].items())
    click.echo(f"articles: {data['articles']} ({langs})")
    labels = ", ".join(f"{k}: {v}" for k, v in data["labels"].items())
    click.echo(f"classified: {data['classified']} ({labels})")
    click.echo(
        f"stories: {data['stories']}; alerts: {data['alerts']}; "
        f"deliveries pending: {data['deliveries_pending']}"
    )
