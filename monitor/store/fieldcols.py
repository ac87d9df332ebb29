"""Event fields as table columns: the one mapping between `EventFields` and SQL values.

Owns: the column names of the fields (`FIELD_COLUMNS`, shared by the
`classifications` and `stories` tables) and the conversion of each value:
`measures`, a tuple in Python, is a comma-separated TEXT column ("delete_data,
stop_processing"; NULL when empty) so that analysts can filter it with LIKE.
Does not own: the SQL statements (the repositories).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from monitor.models import EventFields

FIELD_COLUMNS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(EventFields))


def to_columns(fields: EventFields) -> list[Any]:
    """Column values of `fields`, in `FIELD_COLUMNS` order."""
    return [
        (",".join(fields.measures) or None) if k == "measures" else getattr(fields, k)
        for k in FIELD_COLUMNS
    ]


def from_columns(row: Mapping[str, Any] | Sequence[Any]) -> EventFields:
    """`EventFields` from a row: a mapping by column name, or values in `FIELD_COLUMNS` order."""
    values = (
        {k: row.get(k) for k in FIELD_COLUMNS}
        if isinstance(row, Mapping)
        else dict(zip(FIELD_COLUMNS, row, strict=True))
    )
    raw = values.get("measures") or ""
    values["measures"] = tuple(m for m in str(raw).split(",") if m)
    return EventFields(**values)
