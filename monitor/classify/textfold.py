"""Length-preserving text folding for matching names in news text.

Owns: `fold` (accents, typographic apostrophes, dashes and odd spaces mapped to
plain ASCII-like characters) and `fold_lower` (the same, lower-cased). Both
return a string of exactly the same length as the input, so a regex match on
the folded text gives spans that index the original text.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# fmt: off
_SPECIAL = {
    "’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'", "′": "'",
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "−": "-",
    "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ", "\u200a": " ",
    "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i", "ß": "s",
    "æ": "a", "Æ": "A", "œ": "o", "Œ": "O", "«": '"', "»": '"', "“": '"', "”": '"',
}
# fmt: on


class _FoldTable(dict[int, str]):
    """A str.translate table that folds each character on first sight."""

    def __init__(self, lower: bool) -> None:
        super().__init__()
        self._lower = lower

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        out = _SPECIAL.get(ch)
        if out is None:
            base = unicodedata.normalize("NFD", ch)[0] if code >= 128 else ch
            out = base if len(base) == 1 and not unicodedata.combining(base) else ch
        if self._lower:
            low = out.lower()
            out = low if len(low) == 1 else out
        self[code] = out
        return out


_FOLD = _FoldTable(lower=False)
_FOLD_LOWER = _FoldTable(lower=True)


# The matchers fold the same title and lead several times each: a small cache serves them.
@lru_cache(maxsize=256)
def fold(text: str) -> str:
    """Strip accents and normalise punctuation, keeping case and length."""
    if text.isascii():  # the common English case: only the backtick folds
        return text.replace("`", "'") if "`" in text else text
    return text.translate(_FOLD)


@lru_cache(maxsize=256)
def fold_lower(text: str) -> str:
    """Like `fold`, lower-cased; same length as the input."""
    if text.isascii():
        low = text.lower()
        return low.replace("`", "'") if "`" in low else low
    return text.translate(_FOLD_LOWER)
