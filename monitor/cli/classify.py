"""`monitor classify [FILE|-]`: classify JSONL articles, one verdict per line.

Input lines: {"id": ..., "title": "...", "text": "...", "lang": "en"} (`lang`
optional: detected when absent). Output lines: id, label, score, action,
measures, authority, target, amount, currency, country, law, lang. A bad input line is
reported on stderr with its number and skipped; the exit code is then 1.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import replace
from typing import IO, Any

import click

from monitor.classify.classifier import Classifier, Doc
from monitor.cli.context import CliContext
from monitor.cli.train import encoder_settings
from monitor.errors import MonitorError
from monitor.models import Classification
from monitor.sources.lang import detect_lang, normalise_lang

BATCH = 64  # lines per encoder call: large enough to amortise, small enough to stream


@click.command("classify")
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
@click.option(
    "--head",
    "head_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Classifier head (.json) to use instead of [classify] head.",
)
@click.option(
    "--encoder",
    "encoder_opt",
    default=None,
    metavar="use|MODEL",
    help="'use', or a Hugging Face model (hub id or directory); must be the one "
    "the head was trained with. Default: [classify] settings.",
)
@click.pass_obj
def command(
    cli: CliContext, source: IO[str], head_path: str | None, encoder_opt: str | None
) -> None:
    """Classify articles from a JSONL FILE (or stdin) and print JSONL verdicts."""
    classifier = _classifier(cli, head_path, encoder_opt)
    bad = 0
    for batch in _batches(_parse(source), BATCH):
        bad += sum(1 for item in batch if isinstance(item, str))
        good = [item for item in batch if not isinstance(item, str)]
        for row, line in zip(good, _classify(classifier, good), strict=True):
            click.echo(json.dumps({"id": row.get("id"), **line}, ensure_ascii=False))
        sys.stdout.flush()
    if bad:
        click.echo(f"{bad} bad input line(s) skipped", err=True)
        raise SystemExit(1)


def _classifier(cli: CliContext, head_path: str | None, encoder_opt: str | None) -> Classifier:
    settings = encoder_settings(cli.settings.classify, encoder_opt)
    if head_path:
        settings = replace(settings, head=head_path)
    try:
        return Classifier.from_settings(settings)
    except MonitorError as e:
        raise click.ClickException(str(e)) from e


def _parse(source: IO[str]) -> Iterator[dict[str, Any] | str]:
    """Input rows; a bad line yields its error message (already printed)."""
    for n, line in enumerate(source, 1):
        if not line.strip():
            continue
        problem = None
        try:
            row = json.loads(line)
        except ValueError as e:
            problem = f"invalid JSON: {e}"
        else:
            problem = _problem(row)
        if problem:
            msg = f"line {n}: {problem}"
            click.echo(msg, err=True)
            yield msg
        else:
            yield row


def _problem(row: object) -> str | None:
    if not isinstance(row, dict):
        return "expected a JSON object"
    for key in ("title", "text"):
        if not isinstance(row.get(key), str):
            return f"missing or non-string {key!r}"
    if not row["title"].strip() and not row["text"].strip():
        return "title and text are both empty"
    lang = row.get("lang")
    if lang is not None and not isinstance(lang, str):
        return "'lang' must be a string"
    return None


def _batches(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _classify(classifier: Classifier, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    langs = [
        normalise_lang(r.get("lang")) or detect_lang(f"{r['title']}\n{r['text']}") for r in rows
    ]
    docs = [
        Doc(title=r["title"], text=r["text"], lang=lang)
        for r, lang in zip(rows, langs, strict=True)
    ]
    try:
        verdicts = classifier.classify(docs)
    except MonitorError as e:
        raise click.ClickException(str(e)) from e
    return [_verdict_json(v, lang) for v, lang in zip(verdicts, langs, strict=True)]


def _verdict_json(v: Classification, lang: str | None) -> dict[str, Any]:
    f = v.fields
    amount = f.amount
    if amount is not None and float(amount).is_integer():
        amount = int(amount)  # 7500000, not 7500000.0
    return {
        "label": v.label,
        "score": v.score,
        "action": f.action,
        "measures": list(f.measures),
        "authority": f.authority,
        "target": f.target,
        "amount": amount,
        "currency": f.currency,
        "country": f.country,
        "law": f.law,
        "lang": lang,
    }
