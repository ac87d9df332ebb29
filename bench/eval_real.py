"""Quality of the classifier on real third-party news and decisions (nobody here wrote them).

Usage:
    python bench/eval_real.py [--data DIR] [--head PATH] [--cache DIR] [--only NAME ...]
        [--errors NAME --kind fn|fp --limit N]

Reads every `*.jsonl` of `../shared/data/real_news_dev/` (the development halves; see its
README.md) and runs the shipped classify path (`Classifier`, same as `monitor classify`) on
title + text. Prints, per set: precision, recall and F1 for "enforcement" and for
"investigation", with a naive keyword rule beside them; for GDPRhub and AG News the
hand-read rows alone as well; for the CMS tracker (all fines by construction) recall overall
and on the summaries that state the sanction, and field accuracy on the rows it flags
(authority, amount where the tracker gives EUR, target where the controller is named);
then counts of the failure patterns of issue 12. `--cache DIR` keeps the embeddings between
runs (keyed by the embedded text and the encoder), so that a head or rule change is
re-measured in seconds. `--errors` prints misses (fn) or false alarms (fp) of one set for
study. Skips with a clear message when the folder is absent; never trains on these texts.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor.classify.authorities import find_authorities, lookup_authority  # noqa: E402
from monitor.classify.classifier import Classifier, Doc, embed_text  # noqa: E402
from monitor.classify.cues import find_cues  # noqa: E402
from monitor.classify.gazetteer import gazetteer  # noqa: E402
from monitor.classify.targets import same_target  # noqa: E402
from monitor.classify.textfold import fold_lower  # noqa: E402
from monitor.config import ClassifySettings  # noqa: E402
from monitor.models import Classification  # noqa: E402

DEFAULT_DIR = ROOT.parent / "shared" / "data" / "real_news_dev"

# The naive keyword rule of the issue: a sanction word anywhere means enforcement.
_KEYWORD_ENF = re.compile(
    r"\b(?:fine[sd]?|fining|penalt(?:y|ies)|sanction\w*|amendes?|condamn\w*|banned|interdit\w*"
    r"|reprimand\w*|ordered|ordonn\w*|mise?s? en demeure|settle[sd]?|settlement|inflig\w*)\b"
)
_KEYWORD_INV = re.compile(r"\b(?:investigat\w*|probe[sd]?|inquiry|enquete\w*|poursuit\w*)\b")
# "States the sanction": the summary itself names a fine, penalty or sanction, or a sum.
_STATES_SANCTION = re.compile(
    r"\b(?:fine[sd]?|fining|penalt(?:y|ies)|sanction\w*|impos\w*)\b|€|\beur\b|\d+\s*euros?\b"
)
_BACKGROUND = re.compile(r"\b(?:complain\w*|plainte|had warned|avait averti)\b")


@dataclass(frozen=True, slots=True)
class Row:
    raw: dict
    verdict: Classification

    @property
    def gold(self) -> str:
        return str(self.raw["label"])

    @property
    def pred(self) -> str:
        return self.verdict.label


def _prf(pred: Sequence[str], gold: Sequence[str], label: str) -> tuple[float, float, float]:
    tp = sum(p == g == label for p, g in zip(pred, gold, strict=True))
    n_pred, n_gold = sum(p == label for p in pred), sum(g == label for g in gold)
    p = tp / n_pred if n_pred else float("nan")
    r = tp / n_gold if n_gold else float("nan")
    f = 2 * tp / (n_pred + n_gold) if n_pred + n_gold else float("nan")
    return p, r, f


def keyword_label(title: str, text: str) -> str:
    low = fold_lower(f"{title}\n{text}")
    if _KEYWORD_ENF.search(low):
        return "enforcement"
    return "investigation" if _KEYWORD_INV.search(low) else "other"


def _vectors(clf: Classifier, docs: Sequence[Doc], cache: Path | None) -> np.ndarray:
    texts = [embed_text(d.title, d.text) for d in docs]
    if cache is None:
        return np.asarray(clf.encoder.encode(texts))
    cache.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha256(
        (clf.encoder.name + clf.encoder.version + "\x00".join(texts)).encode()
    ).hexdigest()[:20]
    path = cache / f"{key}.npy"
    if path.exists():
        return np.load(path)
    vectors = np.asarray(clf.encoder.encode(texts))
    np.save(path, vectors)
    return vectors


def classify_rows(clf: Classifier, rows: list[dict], cache: Path | None) -> list[Row]:
    docs = [
        Doc(title=r.get("title") or "", text=r.get("text") or "", lang=r.get("lang")) for r in rows
    ]
    verdicts = clf.classify_vectors(docs, _vectors(clf, docs, cache))
    return [Row(raw, v) for raw, v in zip(rows, verdicts, strict=True)]


def _fmt(x: float) -> str:
    return "   -  " if x != x else f"{x:6.3f}"


def print_header() -> None:
    print(
        f"{'set':<28}{'n':>6}{'gold E':>7}{'E P':>7}{'E R':>7}{'E F1':>7}"
        f"{'I P':>7}{'I R':>7}{'kw E P':>8}{'kw E R':>7}{'kw E F1':>8}"
    )


def print_line(name: str, rows: list[Row]) -> None:
    if not rows:
        return
    gold, pred = [r.gold for r in rows], [r.pred for r in rows]
    kw = [keyword_label(r.raw.get("title") or "", r.raw.get("text") or "") for r in rows]
    ep, er, ef = _prf(pred, gold, "enforcement")
    ip, ir, _ = _prf(pred, gold, "investigation")
    kp, kr, kf = _prf(kw, gold, "enforcement")
    print(
        f"{name:<28}{len(rows):>6}{gold.count('enforcement'):>7}{_fmt(ep)}{_fmt(er)}{_fmt(ef)}"
        f"{_fmt(ip)}{_fmt(ir)}  {_fmt(kp)}{_fmt(kr)}  {_fmt(kf)}"
    )


def _country_code(name: str) -> str | None:
    gz = gazetteer()
    return gz.place_of.get(fold_lower(name).strip())


def cms_authority_ok(raw: dict, got: str | None) -> bool:
    """Right when the found authority is the tracker's, or the same country's DPA."""
    if not got:
        return False
    want = lookup_authority(re.sub(r"\s*\([^)]*\)\s*$", "", raw.get("authority") or ""))
    found = lookup_authority(got)
    if want and found:
        return want.name == found.name
    code = _country_code(raw.get("country") or "")
    return found is not None and found.country == code and found.sector == "data_protection"


def cms_named(target: str | None) -> bool:
    """The tracker names the controller (a proper name), not a description ("Hospital")."""
    if not target or target.lower().startswith(("unknown", "private", "individual")):
        return False
    words = target.split()
    return (
        any(w[:1].isupper() for w in words[1:])
        or any(c.isdigit() for c in target)
        or (len(words) == 1 and not target.istitle())
        or ("." in target)
    )


# The amount is checked where the summary states a sum in euros and in no other currency
# (the tracker converts PLN, HUF... to EUR; the product reports the currency imposed).
_EUR = re.compile(r"€|\beur\b|\beuros?\b", re.IGNORECASE)
_OTHER_CURRENCY = re.compile(
    r"\b(?:pln|huf|ron|bgn|sek|nok|dkk|czk|hrk|gbp|usd|chf|isk|lei|zloty|kr|kn)\b|£|\$",
    re.IGNORECASE,
)
_A_SUM = re.compile(r"\d[\d.,\s]*\d|\d")


def _states_eur(text: str) -> bool:
    return (
        bool(_EUR.search(text)) and not _OTHER_CURRENCY.search(text) and bool(_A_SUM.search(text))
    )


def cms_table(rows: list[Row]) -> None:
    states = [r for r in rows if _STATES_SANCTION.search(fold_lower(r.raw.get("text") or ""))]
    flagged = [r for r in rows if r.pred == "enforcement"]
    auth = sum(cms_authority_ok(r.raw, r.verdict.fields.authority) for r in flagged)
    eur = [r for r in flagged if r.raw.get("amount_eur") and _states_eur(r.raw.get("text") or "")]
    amount = sum(
        r.verdict.fields.currency == "EUR"
        and r.verdict.fields.amount is not None
        and abs(r.verdict.fields.amount - r.raw["amount_eur"]) <= 0.005 * r.raw["amount_eur"]
        for r in eur
    )
    named = [r for r in flagged if cms_named(r.raw.get("target"))]
    target = sum(same_target(r.raw["target"], r.verdict.fields.target) for r in named)

    def pct(a: int, b: int) -> str:
        return f"{100 * a / b:5.1f}% ({a}/{b})" if b else "-"

    print(
        f"\nCMS tracker: recall {pct(len(flagged), len(rows))}; on summaries that state the "
        f"sanction {pct(sum(r.pred == 'enforcement' for r in states), len(states))}\n"
        f"  fields on flagged rows: authority {pct(auth, len(flagged))}, "
        f"amount (rows stating a EUR sum) {pct(amount, len(eur))}, "
        f"target (named) {pct(target, len(named))}"
    )


def failure_patterns(all_rows: dict[str, list[Row]]) -> None:
    counts = dict.fromkeys(
        (
            "1 missed enforcement, no authority found",
            "2 missed enforcement, sanction cue in the title only",
            "3 false investigation (gold other)",
            "4 false enforcement with an authority named",
            "5 missed enforcement with a complaint/warning sentence",
        ),
        0,
    )
    keys = list(counts)
    for rows in all_rows.values():
        for r in rows:
            title, text = r.raw.get("title") or "", r.raw.get("text") or ""
            if r.gold == "enforcement" and r.pred != "enforcement":
                if not find_authorities(f"{title}\n{text}"):
                    counts[keys[0]] += 1
                if title and find_cues(title) and not find_cues(text):
                    counts[keys[1]] += 1
                if _BACKGROUND.search(fold_lower(text)):
                    counts[keys[4]] += 1
            if r.gold == "other" and r.pred == "investigation":
                counts[keys[2]] += 1
            if r.gold != "enforcement" and r.pred == "enforcement" and r.verdict.fields.authority:
                counts[keys[3]] += 1
    print("\nfailure patterns (all sets)")
    for k, v in counts.items():
        print(f"  {k:<58}{v:>6}")


def print_errors(rows: list[Row], kind: str, limit: int) -> None:
    for r in rows:
        miss = r.gold == "enforcement" and r.pred != "enforcement"
        alarm = r.gold != "enforcement" and r.pred == "enforcement"
        inv = r.gold != "investigation" and r.pred == "investigation"
        if {"fn": miss, "fp": alarm, "ifp": inv}[kind]:
            f = r.verdict.fields
            print(
                f"--- {r.raw['id']} gold={r.gold} pred={r.pred} {r.verdict.score:.2f} "
                f"auth={f.authority} tgt={f.target} amt={f.amount} {f.currency}\n"
                f"  T: {r.raw.get('title', '')[:200]}\n  X: {r.raw.get('text', '')[:400]}"
            )
            limit -= 1
            if limit <= 0:
                break


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--head", default=None, help="head .json (default: the shipped head)")
    parser.add_argument("--cache", type=Path, default=None, help="embedding cache folder")
    parser.add_argument("--only", nargs="*", default=None, help="set names (file stems)")
    parser.add_argument("--errors", default=None, metavar="NAME")
    parser.add_argument("--kind", default="fn", choices=("fn", "fp", "ifp"))
    parser.add_argument("--limit", type=int, default=40)
    args = parser.parse_args()
    files = sorted(args.data.glob("*.jsonl")) if args.data.is_dir() else []
    if not files:
        print(f"skipped: no real labelled sets in {args.data} (see issue 12)")
        return
    clf = Classifier.from_settings(ClassifySettings(head=args.head))
    print(f"labels from {clf.version}; encoder {clf.encoder.name}; data {args.data}")
    results: dict[str, list[Row]] = {}
    for path in files:
        if args.only and path.stem not in args.only and path.stem != args.errors:
            continue
        rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
        results[path.stem] = classify_rows(clf, rows, args.cache)
    if args.errors:
        print_errors(results[args.errors], args.kind, args.limit)
        return
    print_header()
    for name, rows in results.items():
        print_line(name, rows)
        hand = [r for r in rows if r.raw.get("labelled_by") == "hand"]
        if hand and len(hand) < len(rows) and not name.startswith("lemonde"):
            print_line(f"  {name[:14]} hand-read", hand)
    if "cms_tracker_dev" in results:
        cms_table(results["cms_tracker_dev"])
    failure_patterns(results)


if __name__ == "__main__":
    main()
