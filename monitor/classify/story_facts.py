"""Fact consistency between an article and a story, and merging a story's facts.

Owns: deciding whether two sets of `EventFields` can describe the same event
(`compare`), how strongly they agree (`evidence`), amount compatibility in the
imposed currency with rounding tolerance, and the per-field vote that gives a
story its facts (`merge_fields`). A missing field is unknown, never a
conflict. Does not own: extracting the fields (`fields.py`, whose
`same_authority` / `same_target` helpers are used when available) or any
similarity threshold (`stories.py`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from functools import lru_cache

from monitor.classify.authorities import lookup_authority
from monitor.classify.dedup import fold
from monitor.models import MEASURES, EventFields, Label

_STOP = frozenset(
    (
        "the",
        "of",
        "for",
        "and",
        "on",
        "in",
        "de",
        "des",
        "du",
        "la",
        "le",
        "les",
        "l",
        "d",
        "et",
        "pour",
        "sur",
        "a",
        "au",
        "aux",
        "per",
        "dei",
        "della",
        "di",
        "s",  # "s": from "'s"
    )
)
_LEGAL = frozenset(
    (
        "inc",
        "incorporated",
        "ltd",
        "limited",
        "llc",
        "plc",
        "sa",
        "sas",
        "sarl",
        "gmbh",
        "ag",
        "bv",
        "b",
        "v",
        "nv",
        "corp",
        "corporation",
        "co",
        "company",
        "group",
        "groupe",
        "holdings",
        "spa",
        "srl",
        "ab",
        "asa",
        "oy",
    )
)
# Decisions that are often announced together ("fined and ordered to delete",
# "agreed to pay a penalty to settle"): articles may name any one of them, so
# they do not contradict each other. A formal notice is a separate, earlier step.
_COMPATIBLE_ACTIONS = frozenset({"fine", "order", "ban", "settlement"})


@dataclass(frozen=True, slots=True, kw_only=True)
class FactPolicy:
    """Tolerances of the fact check (defaults documented in docs of `compare`)."""

    amount_rel_tol: float = 0.02
    event_date_tol_days: int = 7
    label_conflict: bool = True  # an investigation is never the same event as a sanction


class Evidence(IntEnum):
    """How much the known facts confirm that two reports are the same event."""

    NONE = 0
    WEAK = 1  # the same target, or the same authority and amount
    STRONG = 2  # the same target and (the same authority or the same amount)


@dataclass(frozen=True, slots=True, kw_only=True)
class FactCheck:
    """Result of comparing two sets of facts: the first conflict, else the agreements."""

    conflict: str | None
    agreements: frozenset[str]
    mixed_labels: bool = False  # one side is "other", the other an event

    @property
    def evidence(self) -> Evidence:
        agree = self.agreements
        if "target" in agree and ("authority" in agree or "amount" in agree):
            return Evidence.STRONG
        if {"authority", "amount"} <= agree:
            return Evidence.WEAK
        if "target" in agree and not self.mixed_labels:
            # A company alone is weak evidence, and none at all for a general
            # news piece about a company that was just sanctioned.
            return Evidence.WEAK
        return Evidence.NONE


def _tokens(name: str, drop: frozenset[str]) -> list[str]:
    return [t for t in fold(name).split() if t not in drop]


def _acronym_of(short: str, long_tokens: list[str]) -> bool:
    """True when `short` is the initials of a run of words: "DPC" in "irish data protection..."."""
    if not 2 <= len(short) <= 8 or not short.isalpha():
        return False
    return short in "".join(t[0] for t in long_tokens)


def _names_match(a: str, b: str, drop: frozenset[str]) -> bool:
    ta, tb = _tokens(a, drop), _tokens(b, drop)
    if not ta or not tb:
        return fold(a) == fold(b)
    if ta == tb:
        return True
    if (len(ta) == 1 and _acronym_of(ta[0], tb)) or (len(tb) == 1 and _acronym_of(tb[0], ta)):
        return True
    short, long = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    n = len(short)
    return any(long[i : i + n] == short for i in range(len(long) - n + 1))


def _fallback_same_authority(a: str, b: str) -> bool:
    return _names_match(a, b, _STOP)


def _fallback_same_target(a: str, b: str) -> bool:
    return _names_match(a, b, _STOP | _LEGAL)


def _target_acronym(a: str, b: str) -> bool:
    """ "BA" and "British Airways": outlets shorten names the extractor keeps as written."""
    ta, tb = _tokens(a, _STOP | _LEGAL), _tokens(b, _STOP | _LEGAL)
    return (len(ta) == 1 and len(tb) > 1 and _acronym_of(ta[0], tb)) or (
        len(tb) == 1 and len(ta) > 1 and _acronym_of(tb[0], ta)
    )


def _load_matchers() -> tuple[Callable[[str, str], bool], Callable[[str, str], bool]]:
    # fields.py owns entity aliases (ICO = Information Commissioner's Office...);
    # until it is installed the simple name matching above stands in.
    try:
        from monitor.classify.fields import same_authority as authority
        from monitor.classify.fields import same_target as target
    except ImportError:
        return _fallback_same_authority, _fallback_same_target
    return authority, lambda a, b: bool(target(a, b)) or _target_acronym(a, b)


same_authority, same_target = _load_matchers()


def granularity(value: float) -> float:
    """How coarsely an amount looks rounded, kept to two significant digits.

    7_500_000 -> 100_000 ("£7.5m"); 7_552_800 -> 100; 20_000_000 -> 1_000_000.
    """
    v = round(abs(value))
    if v == 0:
        return 0.0
    step = 1
    while v % (step * 10) == 0:
        step *= 10
    return float(min(step, 10 ** max(0, int(math.log10(v)) - 1)))


def amounts_compatible(a: float, b: float, rel_tol: float = 0.02) -> bool:
    """Same amount up to `rel_tol` plus half the rounding step of the coarser mention."""
    if a <= 0 or b <= 0:
        return a == b
    slack = rel_tol * max(a, b) + 0.5 * max(granularity(a), granularity(b))
    return abs(a - b) <= slack


def _dates_close(a: str, b: str, days: int) -> bool | None:
    try:
        return abs((date.fromisoformat(a[:10]) - date.fromisoformat(b[:10])).days) <= days
    except ValueError:
        return None  # unparseable: unknown


def _action_known(action: str | None) -> bool:
    return action is not None and action != "other"


def _names_a_body(fields: EventFields) -> bool:
    return bool(fields.authority) and (bool(fields.country) or _known_body(fields.authority))


@lru_cache(maxsize=4096)
def _known_body(name: str | None) -> bool:
    return lookup_authority(name) is not None


def _check_names(a: EventFields, b: EventFields, agree: set[str]) -> str | None:
    # A placeless descriptor ("the DPA", "the court") says nothing about which body
    # acted: it neither agrees nor conflicts.
    if a.authority and b.authority and _names_a_body(a) and _names_a_body(b):
        if not same_authority(a.authority, b.authority):
            return "authority"
        agree.add("authority")
    if a.target and b.target:
        if not same_target(a.target, b.target):
            return "target"
        agree.add("target")
    if a.country and b.country:
        if a.country.upper() != b.country.upper():
            return "country"
        agree.add("country")
    return None


def _check_values(
    a: EventFields, b: EventFields, policy: FactPolicy, agree: set[str]
) -> str | None:
    if _action_known(a.action) and _action_known(b.action):
        if a.action != b.action and not {a.action, b.action} <= _COMPATIBLE_ACTIONS:
            return "action"
        agree.add("action")
    # Only amounts in one currency compare: a conversion is not the imposed amount.
    if (
        a.amount
        and b.amount
        and a.currency
        and b.currency
        and (a.currency.upper() == b.currency.upper())
    ):
        if not amounts_compatible(a.amount, b.amount, policy.amount_rel_tol):
            return "amount"
        agree.add("amount")
    if a.event_date and b.event_date:
        close = _dates_close(a.event_date, b.event_date, policy.event_date_tol_days)
        if close is False:
            return "event_date"
        if close:
            agree.add("event_date")
    return None


def compare(
    a: EventFields,
    b: EventFields,
    policy: FactPolicy = FactPolicy(),
    *,
    label_a: Label = "other",
    label_b: Label = "other",
) -> FactCheck:
    """Check two reports' facts: any known-vs-known mismatch is a conflict.

    Authority and target use `same_authority` / `same_target`; amounts compare
    only in one currency, within `amount_rel_tol` plus rounding; event dates
    within `event_date_tol_days`; fine/order/ban do not contradict each other;
    an "investigation" never matches an "enforcement" report.
    """
    agree: set[str] = set()
    if policy.label_conflict and "other" not in (label_a, label_b) and label_a != label_b:
        return FactCheck(conflict="label", agreements=frozenset())
    conflict = _check_names(a, b, agree) or _check_values(a, b, policy, agree)
    return FactCheck(
        conflict=conflict,
        agreements=frozenset(() if conflict else agree),
        mixed_labels=(label_a == "other") != (label_b == "other"),
    )


def _vote(values: Sequence[str | None], key: Callable[[str], str]) -> str | None:
    """Most common value (by `key`), ties to the earliest; keeps the first spelling seen."""
    counts: dict[str, int] = {}
    first: dict[str, str] = {}
    for v in values:
        if v:
            k = key(v)
            counts[k] = counts.get(k, 0) + 1
            first.setdefault(k, v)
    if not counts:
        return None
    best = max(counts.values())
    return next(first[k] for k in first if counts[k] == best)


def _vote_amount(members: Sequence[EventFields], rel_tol: float) -> tuple[float | None, str | None]:
    """The amount most other mentions are compatible with; ties to the earliest."""
    known = [(f.amount, f.currency.upper()) for f in members if f.amount and f.currency]
    best: tuple[int, float | None, str | None] = (0, None, None)
    for amount, currency in known:
        support = sum(
            1 for x, c in known if c == currency and amounts_compatible(amount, x, rel_tol)
        )
        if support > best[0]:
            best = (support, amount, currency)
    return best[1], best[2]


@lru_cache(maxsize=8192)
def _fold_key(value: str) -> str:
    return fold(value)


def merge_fields(members: Sequence[EventFields], policy: FactPolicy = FactPolicy()) -> EventFields:
    """A story's facts: the per-field majority of its members (earliest wins ties)."""
    if not members:
        return EventFields()
    text_key = _fold_key
    out: dict[str, object] = {}
    for name in ("authority", "target", "country", "law", "event_date"):
        out[name] = _vote([getattr(m, name) for m in members], text_key)
    # a body named by some members wins over a placeless "the DPA" from others
    named = [m.authority for m in members if _names_a_body(m)]
    if named:
        out["authority"] = _vote(named, text_key)
    actions = [m.action for m in members if _action_known(m.action)]
    out["action"] = _vote(actions, str) or _vote([m.action for m in members], str)
    out["amount"], out["currency"] = _vote_amount(members, policy.amount_rel_tol)
    out["measures"] = _all_measures(members, out["action"])
    return EventFields(**out)  # type: ignore[arg-type]


def _all_measures(members: Sequence[EventFields], action: object) -> tuple[str, ...]:
    """Every measure some member reports (one outlet may tell the order, another not),
    in `MEASURES` order, less the story's main action."""
    main = "reprimand" if action == "other" else action
    seen = {m for f in members for m in f.measures if m != main}
    return tuple(m for m in MEASURES if m in seen)
