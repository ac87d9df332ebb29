"""Language of an article: page markup, else the feed, else a detector.

Owns: normalising language tags and the fallback order. Does not own: text
extraction. The detector (py3langid) is loaded on first use only.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


def normalise_lang(tag: str | None) -> str | None:
    """'fr-FR' -> 'fr'; None or junk -> None."""
    if not tag:
        return None
    primary = tag.strip().lower().replace("_", "-").split("-")[0]
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None


def choose_lang(page_lang: str | None, feed_lang: str | None, text: str) -> str | None:
    """Page's declared language, else the feed's, else detected from `text`."""
    return normalise_lang(page_lang) or normalise_lang(feed_lang) or detect_lang(text)


def detect_lang(text: str) -> str | None:
    """Detect the language of `text` with py3langid; None for too little text."""
    sample = text.strip()[:2000]
    if len(sample) < 20:
        return None
    lang, _score = _identifier().classify(sample)
    return str(lang)


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
