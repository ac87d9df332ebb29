"""`monitor label ARTICLE_ID LABEL`: record an analyst's verdict for training."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import click

from monitor.cli.context import CliContext
from monitor.errors import LabelError
from monitor.models import LABELS
from monitor.store.labels import LABEL_FIELDS, parse_field_pairs


def _default_who() -> str:
    return os.environ.get("MONITOR_ANALYST") or os.environ.get("USER") or "analyst"


@click.command("label")
@click.argument("article_id", type=int)
@click.argument("label", type=click.Choice(LABELS))
@click.option(
    "--field",
    "fields",
    multiple=True,
    metavar="NAME=VALUE",
    help=f"A gold field, repeatable. Names: {', '.join(LABEL_FIELDS)}.",
)
@click.option("--who", default=None, help="Analyst name (default: $MONITOR_ANALYST, else $USER).")
@click.pass_obj
def command(
    cli: CliContext, article_id: int, label: str, fields: tuple[str, ...], who: str | None
) -> None:
    """Label article ARTICLE_ID as enforcement, investigation or other.

    Example: monitor label 42 enforcement --field action=fine --field amount=7500000
    --field currency=GBP --field authority=ICO --field country=GB
    """
    with cli.open_store() as store:
        try:
            store.labels.add(
                article_id=article_id,
                label=label,
                fields=parse_field_pairs(fields),
                who=who or _default_who(),
                now=datetime.now(UTC),
            )
        except LabelError as e:
            raise click.UsageError(str(e)) from e
        latest = store.labels.history(article_id)[-1]
    cli.echo(f"article {article_id}: {label} {latest['fields']} (by {latest['who']})")
