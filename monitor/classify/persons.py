"""Whether a target name is a person's: "Eric Zemmour", "Jean-Jacques Bourdin", "Keir Starmer".

Owns: `is_person(name)`: a given name (`data/given_names.json`) followed by one to three
capitalised surname words, none of them a company word ("Inc", "Group", "Bank"). The
taxonomy keeps people out of enforcement and investigation: a person sentenced by a court
or investigated by a prosecutor is `other`. Does not own: finding the target
(`targets.py`). Pure.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from monitor.classify.textfold import fold_lower

_PARTICLES = frozenset(("de", "du", "des", "d'", "le", "la", "van", "von", "der", "da", "di", "el"))


@cache
def _lists() -> dict[str, frozenset[str]]:
    raw = json.loads(
        resources.files("monitor.classify").joinpath("data/given_names.json").read_text("utf-8")
    )
    return {k: frozenset(fold_lower(n) for n in raw[k]) for k in ("given_names", "company_words")}


def _words(key: str) -> frozenset[str]:
    return _lists()[key]


def is_person(name: str | None) -> bool:
    """Tell whether `name` reads as a person's name (given name + surname)."""
    if not isinstance(name, str):
        return False
    words = name.replace("’", "'").split()
    if not 2 <= len(words) <= 5 or fold_lower(words[0].split("-")[0]) not in _words("given_names"):
        return False
    rest = [w for w in words[1:] if fold_lower(w) not in _PARTICLES]
    return bool(rest) and all(
        w[:1].isupper() and fold_lower(w).strip(".,") not in _words("company_words") for w in rest
    )
