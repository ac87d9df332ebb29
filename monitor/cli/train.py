"""`monitor train`: fit the classifier head and report held-out quality.

Trains on the bundled examples whose split is "train" plus, unless
--no-include-labels, the analysts' latest labels from the store; evaluates on
the bundled "heldout" split (never trained on); writes the head artifact.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from monitor.classify.encoders import make_encoder
from monitor.classify.head import DEFAULT_HEAD, artifact_paths
from monitor.cli.context import CliContext
from monitor.config import ClassifySettings
from monitor.errors import MonitorError
from monitor.models import EventFields

if TYPE_CHECKING:  # training needs scikit-learn; import it only when `train` runs
    from monitor.classify.base import Encoder
    from monitor.classify.train import Example, TrainResult


@click.command("train")
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    default=None,
    help="Head to write (.json + .npz beside it). Default: [classify] head, "
    "else ./head-<encoder>.json.",
)
@click.option(
    "--include-labels/--no-include-labels",
    default=True,
    show_default=True,
    help="Add the analysts' labels from the store to the training data.",
)
@click.option(
    "--data",
    "data",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Labelled JSONL file(s) to use instead of the bundled EN/FR sets "
    "(repeatable; same format: id, lang, split, title, text, label, ...).",
)
@click.option(
    "--encoder",
    "encoder_opt",
    default=None,
    metavar="use|MODEL",
    help="'use', or a Hugging Face model (hub id or directory) for the "
    "transformers backend. Default: [classify] settings.",
)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False),
    default=None,
    help="Head the new one must not score worse than on the held-out split. "
    "Default: the head in use ([classify] head, else the shipped one).",
)
@click.option(
    "--allow-worse",
    is_flag=True,
    default=False,
    help="Write the new head even if it scores worse than the baseline.",
)
@click.pass_obj
def command(
    cli: CliContext,
    out: str | None,
    include_labels: bool,
    data: tuple[str, ...],
    encoder_opt: str | None,
    baseline: str | None,
    allow_worse: bool,
) -> None:
    """Train the enforcement classifier head and print held-out scores.

    Analysts' labels add training examples; they never change the training
    settings (C and calibration come from the labelled set alone). A head that
    scores worse than the baseline on the held-out split is refused.
    """
    from monitor.classify.train import load_examples, train

    settings = encoder_settings(cli.settings.classify, encoder_opt)
    try:
        examples = load_examples([Path(d) for d in data] if data else None)
        labelled = _store_examples(cli) if include_labels else []
        encoder = make_encoder(settings)
        cli.echo(
            f"training on {sum(e.split != 'heldout' for e in examples)} labelled examples "
            f"+ {len(labelled)} analyst labels with {encoder.name} ...",
            err=True,
        )
        result = train(encoder, examples, added=labelled)
        worse = _worse_than_baseline(cli, result, encoder, examples, baseline or settings.head)
    except MonitorError as e:
        raise click.ClickException(str(e)) from e
    _report(cli, result)
    if worse and not allow_worse:
        raise click.ClickException(
            "refused: the new head scores worse than the baseline on the held-out split ("
            + "; ".join(worse)
            + "); nothing written. Check the analysts' labels (monitor label), or pass "
            "--allow-worse to write it anyway."
        )
    path = artifact_paths(out or settings.head or f"head-{encoder.name}.json")[0]
    result.head.save(path)
    cli.echo(f"wrote {path} (and {path.with_suffix('.npz').name})")
    in_use = artifact_paths(settings.head or DEFAULT_HEAD)[0]
    if in_use.resolve() != path.resolve():
        cli.echo(f'use it with: [classify] head = "{path}"')


def _worse_than_baseline(
    cli: CliContext,
    result: TrainResult,
    encoder: Encoder,
    examples: list[Example],
    baseline: str | None,
) -> list[str]:
    """Measures on which the new head is worse than the baseline head (none if the
    baseline cannot read this encoder's vectors or cue features: nothing to compare)."""
    from monitor.classify.features import CUES_VERSION
    from monitor.classify.head import Head
    from monitor.classify.train import heldout_scores, worse_than

    try:
        old = Head.load(baseline)
        old.check(encoder, cues=CUES_VERSION)
    except MonitorError as e:
        cli.echo(f"note: no baseline to compare with ({e})", err=True)
        return []
    return worse_than(result.heldout, heldout_scores(old, encoder, examples))


def encoder_settings(settings: ClassifySettings, encoder_opt: str | None) -> ClassifySettings:
    """`settings` with the encoder an --encoder option names ("use", or an HF model)."""
    if encoder_opt is None:
        return settings
    if encoder_opt == "use":
        return replace(settings, backend="use", model=None)
    return replace(settings, backend="transformers", model=encoder_opt)


def _store_examples(cli: CliContext) -> list[Example]:
    """Latest analyst label per article, as training examples (none if no store yet)."""
    from monitor.classify.train import Example

    if not cli.settings.store_path().exists():
        return []
    with cli.open_store() as store:
        rows = store.labels.latest()
    return [
        Example(
            id=f"article-{r.article_id}",
            lang=r.lang,
            split="train",
            title=r.title,
            text=r.text,
            label=r.label,  # type: ignore[arg-type]
            fields=EventFields(**r.fields),
        )
        for r in rows
    ]


def _report(cli: CliContext, result: TrainResult) -> None:
    meta = result.head.meta
    cli.echo(
        f"train size {result.train_size}; C={meta.params.get('C')} "
        f"(cv macro-F1 {result.cv_macro_f1:.3f}); temperature {meta.temperature:.3f}; "
        f"held-out ECE {result.ece:.3f}"
    )
    cli.echo(f"{'held-out':<10}{'n':>5}{'enforcement F1':>16}{'macro-F1':>10}{'accuracy':>10}")
    for lang, s in result.heldout.items():
        cli.echo(
            f"{lang:<10}{s.n:>5}{s.enforcement_f1:>16.3f}{s.macro_f1:>10.3f}{s.accuracy:>10.3f}"
        )
