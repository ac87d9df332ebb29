"""Labels table: analysts' verdicts on articles, kept as an append-only history.

Owns: validating a label and its fields (`validate_label`, pure), recording it
(`LabelRepo.add`) and reading the latest label of every article with the
article's text (`LabelRepo.latest`, which `monitor train` turns into training
examples). A new label for an article never overwrites the old one; the latest
row wins. Does not own: training (see `monitor.classify.train`).

Field meanings follow `monitor.models.EventFields`: `amount` in units of
`currency` (ISO 4217) as the authority imposed it, `country` ISO 3166-1
alpha-2 of the authority or "EU".
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from monitor.errors import LabelError
from monitor.models import ACTIONS, LABELS, EventFields
from monitor.store.outbox import stamp

LABEL_FIELDS = ("action", "authority", "target", "amount", "currency", "country", "law")
_CURRENCY = re.compile(r"[A-Z]{3}")
_COUNTRY = re.compile(r"[A-Z]{2}")


@dataclass(frozen=True, slots=True, kw_only=True)
class LabeledArticle:
    """The latest analyst label of one article, with the article's text.

    `fields` holds only the fields the analyst gave, keys among `LABEL_FIELDS`;
    `amount` is a float.
    """

    article_id: int
    label: str
    fields: dict[str, Any]
    who: str
    created_at: str  # UTC ISO-8601
    title: str
    text: str
    lang: str | None

    def event_fields(self) -> EventFields:
        """The fields as the pipeline's `EventFields` (missing ones None)."""
        return EventFields(**self.fields)


def parse_field_pairs(pairs: Iterable[str]) -> dict[str, str]:
    """Turn `["amount=7500000", "currency=GBP"]` into a dict.

    Raises:
        LabelError: a pair has no "=", or a field is given twice.
    """
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise LabelError(f"field {pair!r}: expected NAME=VALUE")
        if key in out:
            raise LabelError(f"field {key!r} given twice")
        out[key] = value.strip()
    return out


def _amount(value: object) -> float:
    try:
        amount = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        amount = math.nan
    if not math.isfinite(amount) or amount < 0:
        raise LabelError(
            f"amount {value!r}: expected a number in units of the currency, e.g. 7500000"
        )
    return amount


def _field(key: str, value: object) -> Any:
    if key == "amount":
        return _amount(value)
    text = str(value).strip()
    if not text:
        raise LabelError(f"field {key!r} is empty")
    if key == "action" and text not in ACTIONS:
        raise LabelError(f"action {text!r}: expected one of {', '.join(ACTIONS)}")
    if key == "currency":
        text = text.upper()
        if not _CURRENCY.fullmatch(text):
            raise LabelError(f"currency {value!r}: expected an ISO 4217 code such as GBP")
    if key == "country":
        text = text.upper()
        if not _COUNTRY.fullmatch(text):
            raise LabelError(f"country {value!r}: expected ISO 3166-1 alpha-2 (GB, FR) or EU")
    return text


def validate_label(label: str, fields: Mapping[str, object]) -> dict[str, Any]:
    """Check `label` and `fields`; return the fields normalised (codes upper-cased).

    Raises:
        LabelError: unknown label or field name, or a value of the wrong form
            (amount not a non-negative number, action not in `ACTIONS`, currency
            not a 3-letter code, country not 2 letters, amount without currency).
    """
    if label not in LABELS:
        raise LabelError(f"label {label!r}: expected one of {', '.join(LABELS)}")
    unknown = sorted(set(fields) - set(LABEL_FIELDS))
    if unknown:
        raise LabelError(
            f"unknown field(s) {', '.join(unknown)}; expected: {', '.join(LABEL_FIELDS)}"
        )
    out = {k: _field(k, fields[k]) for k in LABEL_FIELDS if k in fields}
    if "amount" in out and "currency" not in out:
        raise LabelError("amount needs a currency (ISO 4217, e.g. currency=GBP)")
    return out


class LabelRepo:
    """Reads and appends to the `labels` table."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def add(
        self, *, article_id: int, label: str, fields: Mapping[str, object], who: str, now: datetime
    ) -> int:
        """Validate and record a label for `article_id`; return the new label row id.

        Raises:
            LabelError: the article does not exist, `who` is empty, or the
                label or a field is invalid (see `validate_label`).
        """
        clean = validate_label(label, fields)
        if not who.strip():
            raise LabelError("who: give the analyst's name")
        row = self._db.execute("SELECT 1 FROM articles WHERE id = ?", [article_id]).fetchone()
        if row is None:
            raise LabelError(f"no article with id {article_id}")
        with self._db.atomic():
            cur = self._db.execute(
                "INSERT INTO labels (article_id, label, fields, who, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                [article_id, label, json.dumps(clean, ensure_ascii=False), who.strip(), stamp(now)],
            )
            return int(cur.lastrowid or 0)

    def latest(self) -> list[LabeledArticle]:
        """The latest label of every labelled article, with its title, text and language.

        This is what `monitor train` adds to the bundled examples: one row per
        article (an analyst's newer label replaces their or a colleague's
        older one), ordered by article id. Labels of deleted articles are skipped.
        """
        rows = self._db.execute(
            "SELECT l.article_id, l.label, l.fields, l.who, l.created_at, a.title, a.text, a.lang"
            " FROM labels l JOIN articles a ON a.id = l.article_id"
            " WHERE l.id = (SELECT max(l2.id) FROM labels l2 WHERE l2.article_id = l.article_id)"
            " ORDER BY l.article_id"
        ).fetchall()
        return [
            LabeledArticle(
                article_id=r[0],
                label=r[1],
                fields=json.loads(r[2] or "{}"),
                who=r[3],
                created_at=r[4],
                title=r[5],
                text=r[6],
                lang=r[7],
            )
            for r in rows
        ]

    def history(self, article_id: int) -> list[dict[str, Any]]:
        """Every label recorded for `article_id`, oldest first (for review)."""
        return list(self._db["labels"].rows_where("article_id = ?", [article_id], order_by="id"))

    def count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM labels").fetchone()[0])
