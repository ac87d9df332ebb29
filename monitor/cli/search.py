"""`monitor search QUERY`: full-text search over stored articles (EN and FR)."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from monitor.cli.context import CliContext
from monitor.models import LABELS
from monitor.store.search import DEFAULT_LIMIT, MAX_LIMIT, search_articles, since_bound


def parse_since(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Click callback: a UTC ISO-8601 date or time, normalised (see `since_bound`)."""
    if value is None:
        return None
    try:
        return since_bound(value)
    except ValueError as e:
        raise click.BadParameter(str(e), ctx=ctx, param=param) from e


@click.command("search")
@click.argument("query", nargs=-1, required=True)
@click.option(
    "--label",
    type=click.Choice(LABELS),
    default=None,
    help="Only articles the classifier gave this label.",
)
@click.option("--lang", default=None, help="Only articles in this language (ISO 639-1: en, fr).")
@click.option(
    "--since",
    default=None,
    callback=parse_since,
    metavar="DATE",
    help="Only articles published (else fetched) on or after DATE (UTC ISO-8601).",
)
@click.option(
    "--limit",
    type=click.IntRange(1, MAX_LIMIT),
    default=DEFAULT_LIMIT,
    show_default=True,
    help="Maximum number of results.",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (a JSON array).")
@click.pass_obj
def command(
    cli: CliContext,
    query: tuple[str, ...],
    label: str | None,
    lang: str | None,
    since: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """Search article titles and texts; accents and case are ignored.

    Words are ANDed; "two words" is a phrase; word* is a prefix. Operators
    (AND, OR, NOT, parentheses) are searched as plain words.
    """
    text = " ".join(query)
    with cli.open_store() as store:
        hits = search_articles(
            store.db,
            text,
            label=label,
            lang=lang.lower() if lang else None,
            since=since,
            limit=limit,
        )
    if as_json:
        click.echo(json.dumps([asdict(h) for h in hits], indent=2, ensure_ascii=False))
        return
    click.echo(f"{len(hits)} result{'s' if len(hits) != 1 else ''} for {text!r}")
    for h in hits:
        day = (h.published or "")[:10] or "no date"
        click.echo(
            f"\n#{h.article_id} [{h.lang or '?'}] {day}  {h.source}  ({h.label or 'unclassified'})"
        )
        click.echo(f"  {h.title}")
        click.echo(f"  {' '.join(h.snippet.split())}")
        click.echo(f"  {h.url}")
