"""`monitor cluster`: group JSONL articles into same-event stories, offline."""

from __future__ import annotations

import json
from typing import IO, Any

import click

from monitor.cli.context import CliContext
from monitor.clustering import (
    FactsMode,
    InputDoc,
    analyse_documents,
    cluster_documents,
    default_extractor,
    parse_jsonl,
)
from monitor.errors import ModelError, MonitorError

FACTS = ("auto", "classifier", "extract", "input", "none")


@click.command("cluster")
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
@click.option(
    "--facts",
    type=click.Choice(FACTS),
    default="auto",
    show_default=True,
    help="Where facts and labels come from: auto = the classifier as in the pipeline "
    "if its head loads, else the field extractor; input = the lines' own "
    "`fields`/`label`/`score`.",
)
@click.option(
    "-o",
    "--output",
    type=click.File("w", encoding="utf-8"),
    default="-",
    help="Where to write the JSONL result (default stdout).",
)
@click.pass_obj
def command(cli: CliContext, source: IO[str], facts: str, output: IO[str]) -> None:
    """Assign each article of SOURCE (JSONL, '-' for stdin) to a story.

    Input lines need `id`, `title` and `text`; `published`, `source` and `lang`
    are optional. Writes one line per input, in input order:
    {"id": ..., "story": N, "duplicate_of": id-or-null}; the same `story`
    means the same event. Uses the online clustering path on a temporary
    store; the result is deterministic for a given input.
    """
    try:
        docs = parse_jsonl(source)
    except ValueError as e:
        raise click.ClickException(f"{source.name}: {e}") from e
    try:
        lines = _cluster(cli, docs, facts)
    except MonitorError as e:
        raise click.ClickException(str(e)) from e
    for line in lines:
        output.write(json.dumps(line, ensure_ascii=False) + "\n")


def _cluster(cli: CliContext, docs: list[InputDoc], facts: str) -> list[dict[str, Any]]:
    from monitor.classify.encoders import make_encoder

    settings = cli.settings
    classifier = None
    if facts in ("auto", "classifier"):
        classifier, facts = _classifier(cli, facts)
    encoder = classifier.encoder if classifier is not None else make_encoder(settings.classify)
    mode: FactsMode = facts  # type: ignore[assignment]
    verdicts, vectors = analyse_documents(docs, encoder=encoder, facts=mode, classifier=classifier)
    got = cluster_documents(docs, verdicts, vectors, settings=settings.dedup, model=encoder.name)
    keys = {a.article_id: d.key for d, a in zip(docs, got, strict=True)}
    return [
        {
            "id": d.key,
            "story": a.story_id,
            "duplicate_of": keys.get(a.duplicate_of) if a.duplicate_of else None,
        }
        for d, a in zip(docs, got, strict=True)
    ]


def _classifier(cli: CliContext, facts: str) -> tuple[Any, str]:
    """The pipeline's classifier, or (None, fallback mode) when `auto` cannot load it."""
    from monitor.classify.classifier import Classifier

    try:
        return Classifier.from_settings(cli.settings.classify), "classifier"
    except (ModelError, ImportError) as e:
        if facts == "classifier":
            raise
        fallback = "extract" if default_extractor() is not None else "none"
        cli.echo(f"note: no classifier ({e}); facts from: {fallback}", err=True)
        return None, fallback
