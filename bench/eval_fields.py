"""Accuracy of rule-based field extraction on the labelled EN/FR sets.

Usage:
    python bench/eval_fields.py            # table per language and split
    python bench/eval_fields.py --errors   # also list the train-split misses

Scores enforcement items only. authority uses `same_authority`, target uses
`same_target`, amount must be within 0.5% in the same currency (both empty
counts as right). Misses are printed for the train split only, so that rules are
never tuned on the held-out items.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor.classify.fields import extract_fields, same_authority, same_target  # noqa: E402

DATA = ROOT / "monitor" / "classify" / "data"
FIELDS = ("authority", "target", "amount", "action", "country", "all3")


def _amount_ok(gold: dict, amount: float | None, currency: str | None) -> bool:
    if gold.get("amount") is None:
        return amount is None
    if amount is None or currency != gold.get("currency"):
        return False
    return abs(amount - float(gold["amount"])) <= 0.005 * float(gold["amount"])


def _named_ok(gold: str | None, got: str | None, same) -> bool:
    if gold is None:
        return got is None
    return same(gold, got)


def score(row: dict) -> dict[str, bool]:
    f = extract_fields(row.get("title") or "", row.get("text") or "", row.get("lang"))
    ok = {
        "authority": _named_ok(row.get("authority"), f.authority, same_authority),
        "target": _named_ok(row.get("target"), f.target, same_target),
        "amount": _amount_ok(row, f.amount, f.currency),
        "action": row.get("action") == f.action,
        "country": row.get("country") == f.country,
    }
    ok["all3"] = ok["authority"] and ok["target"] and ok["amount"]
    ok["_got"] = f  # type: ignore[assignment]
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list train-split misses")
    args = parser.parse_args()
    print(f"{'lang':<5}{'split':<9}{'n':>4}" + "".join(f"{k:>11}" for k in FIELDS))
    for lang in ("en", "fr"):
        path = DATA / f"{lang}.jsonl"
        if not path.exists():
            print(f"{lang:<5}(missing {path.name})")
            continue
        rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
        rows = [r for r in rows if r.get("label") == "enforcement"]
        for split in ("train", "heldout"):
            part = [r for r in rows if r.get("split", "train") == split]
            results = [score(r) for r in part]
            cells = "".join(
                f"{100 * sum(r[k] for r in results) / max(1, len(results)):>10.1f}%" for k in FIELDS
            )
            print(f"{lang:<5}{split:<9}{len(part):>4}{cells}")
            if args.errors and split == "train":
                for r, res in zip(part, results, strict=True):
                    bad = [k for k in FIELDS[:5] if not res[k]]
                    if bad:
                        got = res["_got"]
                        print(f"  {r.get('id')} {bad}: {r['title']}")
                        for k in bad:
                            cur = f" {r.get('currency')} / {got.currency}" if k == "amount" else ""
                            print(f"      {k}: gold={r.get(k)!r} got={getattr(got, k)!r}{cur}")


if __name__ == "__main__":
    main()
