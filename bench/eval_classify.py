"""Quality of the full classify path on the held-out EN/FR examples.

Usage:
    python bench/eval_classify.py [--head PATH] [--split heldout|train]
    python bench/eval_classify.py --data bench/data/longform_en.jsonl bench/data/longform_fr.jsonl

Runs `Classifier.classify` (encoder, cue features, head, `min_score`, field
extraction and the label/field rules) on the bundled examples of one split
(held-out by default: never trained on) and prints, per language: enforcement
precision/recall/F1, 3-class macro-F1, accuracy and calibration error of the
scores; then end-to-end field accuracy on gold enforcement items (a wrong
label counts as wrong fields): action exact, authority `same_authority`,
target `same_target`, amount within 0.5% in the same currency, country exact;
then the confusion matrix. Bars: enforcement F1 >= 0.95 and macro-F1 >= 0.85
per language.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor.classify.authorities import same_authority  # noqa: E402
from monitor.classify.classifier import Classifier, Doc  # noqa: E402
from monitor.classify.targets import same_target  # noqa: E402
from monitor.classify.train import Example, calibration_error, load_examples, score  # noqa: E402
from monitor.config import ClassifySettings  # noqa: E402
from monitor.models import LABELS, Classification, EventFields  # noqa: E402

FIELDS = ("action", "authority", "target", "amount", "country")


def _named(same: Callable[[str | None, str | None], bool]) -> Callable[..., bool]:
    return lambda gold, got: got is None if gold is None else bool(same(gold, got))


def _amount_ok(gold: EventFields, got: EventFields) -> bool:
    if gold.amount is None:
        return got.amount is None
    if got.amount is None or got.currency != gold.currency:
        return False
    return abs(got.amount - gold.amount) <= 0.005 * gold.amount


CHECKS: dict[str, Callable[[EventFields, EventFields], bool]] = {
    "action": lambda g, f: g.action == f.action,
    "authority": lambda g, f: _named(same_authority)(g.authority, f.authority),
    "target": lambda g, f: _named(same_target)(g.target, f.target),
    "amount": _amount_ok,
    "country": lambda g, f: g.country == f.country,
}


def _precision_recall(pred: Sequence[str], gold: Sequence[str]) -> tuple[float, float]:
    tp = sum(p == g == "enforcement" for p, g in zip(pred, gold, strict=True))
    return tp / max(1, pred.count("enforcement")), tp / max(1, gold.count("enforcement"))


def label_table(examples: list[Example], verdicts: list[Classification]) -> None:
    print(
        f"{'lang':<6}{'n':>5}{'enf P':>8}{'enf R':>8}{'enf F1':>8}{'macro-F1':>10}"
        f"{'acc':>7}{'ECE':>7}"
    )
    for lang in ("en", "fr", "all"):
        idx = [i for i, e in enumerate(examples) if lang in ("all", e.lang)]
        pred = [verdicts[i].label for i in idx]
        gold = [examples[i].label for i in idx]
        s = score(pred, gold)
        p, r = _precision_recall(pred, gold)
        ece = calibration_error(
            np.array([verdicts[i].score for i in idx]), np.array(pred) == np.array(gold)
        )
        print(
            f"{lang:<6}{s.n:>5}{p:>8.3f}{r:>8.3f}{s.enforcement_f1:>8.3f}{s.macro_f1:>10.3f}"
            f"{s.accuracy:>7.3f}{ece:>7.3f}"
        )


def field_table(examples: list[Example], verdicts: list[Classification]) -> None:
    print(
        f"\nfield accuracy, gold enforcement items, end to end\n{'lang':<6}{'n':>5}"
        + "".join(f"{k:>11}" for k in FIELDS)
    )
    for lang in ("en", "fr", "all"):
        idx = [
            i
            for i, e in enumerate(examples)
            if lang in ("all", e.lang) and e.label == "enforcement"
        ]
        right = {
            k: sum(CHECKS[k](examples[i].fields, verdicts[i].fields) for i in idx) for k in FIELDS
        }
        cells = "".join(f"{100 * right[k] / max(1, len(idx)):>10.1f}%" for k in FIELDS)
        print(f"{lang:<6}{len(idx):>5}{cells}")


def confusion(examples: list[Example], verdicts: list[Classification]) -> None:
    print(
        f"\nconfusion (rows gold, columns predicted)\n{'':<15}"
        + "".join(f"{lab:>15}" for lab in LABELS)
    )
    for gold in LABELS:
        row = [
            sum(
                e.label == gold and v.label == pred for e, v in zip(examples, verdicts, strict=True)
            )
            for pred in LABELS
        ]
        print(f"{gold:<15}" + "".join(f"{n:>15}" for n in row))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--head", default=None, help="head .json (default: the shipped head)")
    parser.add_argument("--split", default="heldout", choices=("heldout", "train"))
    parser.add_argument(
        "--zero-shot",
        default=None,
        metavar="NLI_MODEL",
        help="score labels with this NLI model (hub id in the local cache, "
        "or a directory) instead of the head",
    )
    parser.add_argument(
        "--data",
        nargs="+",
        type=Path,
        default=None,
        metavar="JSONL",
        help="score these labelled files (all their lines) instead of a bundled split, "
        "e.g. bench/data/longform_*.jsonl: full-length articles, never trained on",
    )
    args = parser.parse_args()
    clf = Classifier.from_settings(ClassifySettings(head=args.head, zero_shot_model=args.zero_shot))
    if args.data:
        examples = load_examples(args.data)
        args.split = " ".join(p.name for p in args.data)
    else:
        examples = [e for e in load_examples() if e.split == args.split]
    verdicts = clf.classify([Doc(title=e.title, text=e.text, lang=e.lang) for e in examples])
    trained = f" (trained on data {clf.head.meta.data_hash})" if clf.scorer is None else ""
    print(
        f"{args.split} split; encoder {clf.encoder.name}; labels from {clf.version}{trained}; "
        f"min_score {clf.min_score}"
    )
    label_table(examples, verdicts)
    field_table(examples, verdicts)
    confusion(examples, verdicts)


if __name__ == "__main__":
    main()
