"""A regression net for the rules: label and fields of every text we have, against a snapshot.

The snapshot (`tests/data/snapshot/verdicts.jsonl`) holds the shipped classifier's
verdict (label, action, measures, authority, target, amount, currency, country,
law) on every bundled labelled example, every long-form bench article and every
golden field case. A change to a cue, a gazetteer entry, a target rule or the head
shows up here as a readable diff; when the change is intended, update the snapshot
on purpose and review its diff in the commit:

    MONITOR_UPDATE_SNAPSHOT=1 python -m pytest tests/classify/test_snapshot.py

A label that flips on a near tie (score under `UNSURE` before or after) is not a
regression: another machine's floating point may round the other way.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from monitor.classify.classifier import Classifier, Doc
from monitor.classify.encoders.use import UniversalSentenceEncoder
from monitor.classify.head import Head
from monitor.classify.train import load_examples

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = ROOT / "tests" / "data" / "snapshot" / "verdicts.jsonl"
FIELDS = ("action", "measures", "authority", "target", "amount", "currency", "country", "law")
UNSURE = 0.55
SHOWN = 40
UPDATE = "MONITOR_UPDATE_SNAPSHOT=1 python -m pytest tests/classify/test_snapshot.py"


def _texts() -> list[tuple[str, Doc]]:
    out = [
        (f"{e.group}:{e.id}", Doc(title=e.title, text=e.text, lang=e.lang)) for e in load_examples()
    ]
    bench = sorted((ROOT / "bench" / "data").glob("*.jsonl"))
    out += [
        (f"{e.group}:{e.id}", Doc(title=e.title, text=e.text, lang=e.lang))
        for e in load_examples(bench)
    ]
    for path in sorted((ROOT / "tests" / "data" / "fields").glob("*.json")):
        case = json.loads(path.read_text("utf-8"))
        out.append((f"fields:{path.stem}", Doc(**{k: case[k] for k in ("title", "text", "lang")})))
    return out


def _verdicts(encoder: UniversalSentenceEncoder) -> dict[str, dict[str, Any]]:
    texts = _texts()
    clf = Classifier(encoder, Head.load())
    rows = {}
    for (key, _), v in zip(texts, clf.classify([d for _, d in texts]), strict=True):
        f = v.fields
        row = {"id": key, "label": v.label, "score": round(v.score, 3)}
        row |= {k: (list(f.measures) if k == "measures" else getattr(f, k)) for k in FIELDS}
        rows[key] = row
    return rows


def _diff(old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]) -> list[str]:
    lines = [f"{k}: new text (not in the snapshot)" for k in sorted(set(new) - set(old))]
    lines += [f"{k}: gone from the texts" for k in sorted(set(old) - set(new))]
    for key in sorted(set(old) & set(new)):
        a, b = old[key], new[key]
        if a["label"] != b["label"]:
            if min(a["score"], b["score"]) >= UNSURE:
                lines.append(f"{key}: label {a['label']} -> {b['label']} ({b['score']})")
            continue
        lines += [f"{key}: {k} {a[k]!r} -> {b[k]!r}" for k in FIELDS if a.get(k) != b[k]]
    return lines


@pytest.mark.slow
def test_verdicts_match_the_snapshot(use_encoder: UniversalSentenceEncoder) -> None:
    new = _verdicts(use_encoder)
    if os.environ.get("MONITOR_UPDATE_SNAPSHOT"):
        SNAPSHOT.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in new.values()), "utf-8"
        )
    old = {
        r["id"]: r
        for r in (json.loads(line) for line in SNAPSHOT.read_text("utf-8").splitlines() if line)
    }
    changes = _diff(old, new)
    kinds = Counter(line.split(": ", 1)[1].split(" ", 1)[0] for line in changes)
    assert not changes, (
        f"{len(changes)} verdicts differ from the snapshot ({dict(kinds)}):\n"
        + "\n".join(changes[:SHOWN])
        + ("\n..." if len(changes) > SHOWN else "")
        + f"\nIf intended: {UPDATE}"
    )


def test_the_diff_reads_field_by_field() -> None:
    row = {"label": "enforcement", "score": 0.9, **dict.fromkeys(FIELDS)}
    old = {"a": row, "b": row, "c": row}
    new = {
        "a": row | {"target": "Clearview AI"},
        "b": row | {"label": "other", "score": 0.51},  # a near tie: not a regression
        "c": row | {"label": "other", "score": 0.97},
        "d": row,
    }
    assert _diff(old, new) == [
        "d: new text (not in the snapshot)",
        "a: target None -> 'Clearview AI'",
        "c: label enforcement -> other (0.97)",
    ]
