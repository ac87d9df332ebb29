"""Scoring a story clustering against gold groups (B-cubed, forbidden merges).

Owns: B-cubed precision/recall/F1 (Bagga & Baldwin: per item, the share of
its predicted cluster that is in its gold group, and vice versa, averaged
over items) and listing hard-negative pairs that ended up in one story. Pure
functions; used by `bench/eval_cluster.py` and the tests.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class BCubed:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def _groups(labels: Mapping[str, Hashable]) -> dict[Hashable, set[str]]:
    out: dict[Hashable, set[str]] = defaultdict(set)
    for item, label in labels.items():
        out[label].add(item)
    return out


def bcubed(predicted: Mapping[str, Hashable], gold: Mapping[str, Hashable]) -> BCubed:
    """B-cubed scores of `predicted` (item -> cluster) against `gold` (item -> group)."""
    items = list(gold)
    if not items:
        return BCubed(precision=1.0, recall=1.0)
    pred_groups, gold_groups = _groups(predicted), _groups(gold)
    p = r = 0.0
    for item in items:
        cluster = pred_groups[predicted[item]]
        group = gold_groups[gold[item]]
        both = len(cluster & group)
        p += both / len(cluster)
        r += both / len(group)
    return BCubed(precision=p / len(items), recall=r / len(items))


def merged_pairs(
    predicted: Mapping[str, Hashable], pairs: Iterable[tuple[str, str]]
) -> list[tuple[str, str]]:
    """The pairs among `pairs` whose two items share a predicted cluster."""
    return [(a, b) for a, b in pairs if predicted[a] == predicted[b]]
