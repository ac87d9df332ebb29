"""Every measure a sanction story reports, not only the main one.

Owns: `find_measures(lead, cues, action)`: the measures imposed besides the
main `action` (a fine *and* an order to delete data and to stop collecting
it), from the sanction cues of the headline and lead and from what an order
spells out (delete or erase data, stop a processing, comply within a
deadline). Reported in `MEASURES` order. Hypothetical measures ("could be
ordered to") are not measures. Does not own: finding cues (`cues.py`) or
choosing the main action (`fields.py`). Pure; patterns are data below and run
on accent-folded lower-case text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from monitor.classify.cues import Cue
from monitor.classify.textfold import fold_lower
from monitor.models import MEASURES, Action, Measure

# What an order spells out, after an order word ("ordered it to", "lui ordonne de",
# "must", "devra", "enjoint de", "mise en demeure de") in the same sentence.
_ORDER_KINDS: dict[Measure, tuple[str, ...]] = {
    "delete_data": (
        r"(?:delete|erase|destroy|purge|remove)\w*\s+(?:\S+\s+){0,6}?(?:data|images|photos"
        r"|records|recordings|profiles|information|details)",
        r"(?:effac|supprim|detrui|purg)\w*\s+(?:\S+\s+){0,6}?(?:donnees|images|photos"
        r"|enregistrements|profils|informations|fichiers)",
        r"(?:suppression|effacement|destruction)\s+(?:de\s+|des\s+)(?:\S+\s+){0,3}?donnees",
    ),
    "stop_processing": (
        r"(?:stop|cease|halt|end|suspend)\w*\s+(?:\S+\s+){0,4}?(?:collect|process|using|use\b"
        r"|sharing|selling|sending|transfer|scraping|tracking|monitoring)",
        r"(?:cesser|arreter|stopper|mettre\s+fin\s+a|suspendre)\s+(?:\S+\s+){0,4}?(?:la\s+|le\s+"
        r"|les\s+|tout\s+|toute\s+)?(?:collecte|traitement|utilisation|transfert|envoi|aspiration"
        r"|exploitation|prospection|geolocalisation|surveillance)",
    ),
    "comply": (
        r"(?:bring|brings|brought)\s+(?:\S+\s+){0,5}?into\s+(?:line|compliance)",
        r"\bcomply\s+with\b",
        r"mise?\s+en\s+conformite|se\s+(?:mettre|conformer)\s+(?:en\s+conformite|a)",
    ),
}
_ORDER_WORD = re.compile(
    r"\b(?:order\w*|told|direct\w*|requir\w*|must|instruct\w*|enjoin\w*|ordonn\w*|enjoint\w*"
    r"|injonction\w*|somm\w*|demeure|devra|devront|doit|doivent|oblig\w*|contraint\w*)\b"
)
_HEDGE = re.compile(r"\b(?:could|may|might|would|risk\w*|pourrai\w*|risqu\w*|if|si)\b")
_KINDS = {kind: re.compile(r"(?<!\w)(?:" + "|".join(ps) + ")") for kind, ps in _ORDER_KINDS.items()}
# A cue's action as a measure; a reprimand or a warning is the "other" action.
_OF_ACTION: dict[Action, Measure] = {
    "fine": "fine",
    "settlement": "settlement",
    "ban": "ban",
    "formal_notice": "formal_notice",
    "order": "order",
    "other": "reprimand",
}


def _order_kinds(low: str) -> set[Measure]:
    found: set[Measure] = set()
    for sentence in re.split(r"(?<=[.;!?])\s+", low):
        for word in _ORDER_WORD.finditer(sentence):
            rest = sentence[word.end() : word.end() + 160]
            if _HEDGE.search(sentence[max(0, word.start() - 30) : word.start()]):
                continue
            found |= {k for k, rx in _KINDS.items() if rx.search(rest)}
    return found


def find_measures(lead: str, cues: Sequence[Cue], action: Action | None) -> tuple[Measure, ...]:
    """The measures `lead` (headline and first sentences) reports besides `action`.

    Args:
        lead: the text the cues were found in (headline and lead).
        cues: the sanction cues of `lead`.
        action: the main action; it is not repeated among the measures.

    Returns:
        Measures in `MEASURES` order; a generic "order" gives way to the kinds of
        order spelled out.
    """
    if action is None:
        return ()
    found = {_OF_ACTION[c.action] for c in cues if not c.hypothetical}
    kinds = _order_kinds(fold_lower(lead))
    if kinds:
        found = (found - {"order"}) | kinds
    found.discard(_OF_ACTION[action])
    if action == "order" and kinds:  # "order" is the main action: its kinds say which
        found |= kinds
    return tuple(m for m in MEASURES if m in found)
