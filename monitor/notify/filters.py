"""Subscriber filters: parsing `/subscribe` arguments, describing and matching them.

Owns: the filter language (`lang=fr,en country=FR,GB authority=CNIL action=fine
min=1m keywords=clearview,"facial recognition" investigations=yes`), its JSON
form in the store, a plain-words description, and deciding whether an alert
matches. Pure functions. Does not own: storing filters (`store/subscribers.py`).

Matching rules (every given filter must hold; values within one are ORed):
lang: one of the alert's languages; country/action: equal; authority and
keywords: whole words, ignoring case and accents (keywords look in the
headline, target, authority, law and source titles); min: the amount as
imposed, in its own currency (no conversion), alerts without an amount fail;
`min=1mEUR` also requires that currency.
"""

from __future__ import annotations

import re
import shlex
import unicodedata
from dataclasses import asdict, dataclass
from typing import Any

from monitor.errors import FilterError
from monitor.models import ACTIONS, Alert
from monitor.notify import names
from monitor.notify.format import clean

KEYS = ("lang", "country", "authority", "action", "min", "keywords", "investigations")
_YES = {"yes", "y", "true", "on", "1", "oui"}
_NO = {"no", "n", "false", "off", "0", "non"}
_SCALES = {"": 1.0, "k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9, "b": 1e9}
_MIN = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(k|mn|m|bn|b)?\s*([a-z]{3})?$", re.IGNORECASE)
_ACTION_ALIASES = {
    "fines": "fine",
    "orders": "order",
    "bans": "ban",
    "notice": "formal_notice",
    "formal-notice": "formal_notice",
    "settlements": "settlement",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Filters:
    """What one subscriber wants; empty tuples and None mean "any"."""

    langs: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    authorities: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    min_amount: float | None = None
    min_currency: str | None = None
    keywords: tuple[str, ...] = ()
    investigations: bool | None = None  # None: the bot's default

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form for the store; only the filters that are set."""
        return {
            k: (list(v) if isinstance(v, tuple) else v)
            for k, v in asdict(self).items()
            if v not in ((), None)
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Filters:
        known: dict[str, Any] = {
            k: (tuple(v) if isinstance(v, list) else v)
            for k, v in data.items()
            if k in cls.__dataclass_fields__
        }
        return cls(**known)


def fold(text: str) -> str:
    """Lower-case without accents, for matching words across EN/FR spellings."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def parse_filters(text: str) -> Filters:
    """Parse `key=value[,value...]` words; an empty text means no filters.

    Raises:
        FilterError: unknown key, bad value or unbalanced quotes (message for the user).
    """
    try:
        words = shlex.split(text)
    except ValueError as e:
        raise FilterError(f"cannot read the filters: {e}") from e
    values: dict[str, Any] = {}
    for word in words:
        key, sep, raw = word.partition("=")
        key = key.strip().lower()
        if not sep or key not in KEYS:
            raise FilterError(
                f"unknown filter {word!r}; use key=value with a key among: " + ", ".join(KEYS)
            )
        items = [v.strip() for v in raw.split(",") if v.strip()]
        if not items:
            raise FilterError(f"{key}: give at least one value")
        values.update(_parse_one(key, items))
    return Filters(**values)


def _parse_one(key: str, items: list[str]) -> dict[str, Any]:
    if key == "lang":
        return {"langs": _codes(key, items, lower=True)}
    if key == "country":
        return {"countries": _codes(key, items, lower=False)}
    if key == "authority":
        return {"authorities": tuple(items)}
    if key == "keywords":
        return {"keywords": tuple(items)}
    if key == "action":
        actions = tuple(_ACTION_ALIASES.get(i.lower(), i.lower()) for i in items)
        bad = [a for a in actions if a not in ACTIONS]
        if bad:
            raise FilterError(f"action: unknown {bad[0]!r}; use one of {', '.join(ACTIONS)}")
        return {"actions": actions}
    if key == "investigations":
        word = items[0].lower()
        if len(items) > 1 or word not in _YES | _NO:
            raise FilterError("investigations: say yes or no")
        return {"investigations": word in _YES}
    return _parse_min(items)


def _codes(key: str, items: list[str], *, lower: bool) -> tuple[str, ...]:
    for i in items:
        if not re.fullmatch(r"[A-Za-z]{2}", i):
            raise FilterError(f"{key}: {i!r} is not a two-letter code")
    return tuple(i.lower() if lower else i.upper() for i in items)


def _parse_min(items: list[str]) -> dict[str, Any]:
    match = _MIN.match(items[0]) if len(items) == 1 else None
    if not match:
        raise FilterError("min: give one amount such as 1000000, 250k, 1.5m or 1mEUR")
    number = float(match.group(1).replace(",", "."))
    scale = _SCALES[(match.group(2) or "").lower()]
    currency = match.group(3).upper() if match.group(3) else None
    return {"min_amount": number * scale, "min_currency": currency}


def _has_word(haystack: str, needle: str) -> bool:
    needle = fold(needle).strip()
    return bool(needle) and re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", haystack) is not None


def wants_label(
    filters: Filters, label: str, *, labels: tuple[str, ...], investigations_default: bool
) -> bool:
    """Whether a subscriber gets alerts of `label` at all."""
    if label == "investigation":
        if filters.investigations is not None:
            return filters.investigations
        return investigations_default or "investigation" in labels
    return label in labels


def matches(filters: Filters, alert: Alert) -> bool:
    """True when `alert` passes every filter that is set (labels aside, see `wants_label`)."""
    f = alert.fields
    if filters.langs and not set(filters.langs) & set(alert.languages):
        return False
    if filters.countries and (f.country or "").upper() not in filters.countries:
        return False
    if filters.actions and f.action not in filters.actions:
        return False
    if filters.authorities and not any(
        _has_word(fold(f.authority or ""), a) for a in filters.authorities
    ):
        return False
    if filters.min_amount is not None and not _amount_ok(filters, alert):
        return False
    if filters.keywords:
        text = fold(
            " ".join(
                [
                    alert.headline,
                    f.target or "",
                    f.authority or "",
                    f.law or "",
                    *(s.title for s in alert.sources),
                ]
            )
        )
        return any(_has_word(text, k) for k in filters.keywords)
    return True


def _amount_ok(filters: Filters, alert: Alert) -> bool:
    amount, currency = alert.fields.amount, alert.fields.currency
    if amount is None or filters.min_amount is None:
        return False
    if filters.min_currency and (currency or "").upper() != filters.min_currency:
        return False
    return amount >= filters.min_amount


def _or(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def describe(filters: Filters, *, investigations_default: bool = False) -> list[str]:
    """The filters in plain English, one clause per line (for /subscribe and /filters)."""
    inv = filters.investigations if filters.investigations is not None else investigations_default
    lines = ["enforcement actions" + (" and investigations" if inv else " (no investigations)")]
    if filters.langs:
        lines.append("reported in " + _or([names.language(c) for c in filters.langs]))
    if filters.countries:
        lines.append("in " + _or([names.country(c) for c in filters.countries]))
    if filters.authorities:
        lines.append("by " + _or([clean(a, 60) for a in filters.authorities]))
    if filters.actions:
        lines.append("of type: " + _or([names.action(a) for a in filters.actions]))
    if filters.min_amount is not None:
        amount = f"{round(filters.min_amount):,}"
        lines.append(
            f"with an amount of at least {amount} "
            + (filters.min_currency or "(in the currency imposed, not converted)")
        )
    if filters.keywords:
        lines.append("mentioning " + _or([f"“{clean(k, 60)}”" for k in filters.keywords]))
    return lines
