"""English and French wording that names a sanction, and the action it implies.

Owns: the cue patterns ("fined", "amende", "mise en demeure", "ordered to",
"enjoint", "banned", "interdit", "agrees to pay", "composition administrative",
"retrait d'agrément"...) mapped to `Action`, the filter for hypothetical
wording ("could face fines of up to"), and the rule that picks one action when
several cues appear. Does not own: who sanctions whom (see `fields.py`). Pure
functions; patterns run on accent-folded lower-case text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from monitor.classify.textfold import fold_lower
from monitor.models import Action

_PATTERNS: dict[Action, tuple[str, ...]] = {
    "fine": (
        r"\bfin(?:ed|ing)\b",
        r"\bfines?\b(?!\s*-?\s*(?:tun|print|line|art|dining|weather|wine|grain|dust|food)\w*)",
        r"\bpenalt(?:y|ies)\b",
        r"\bpenali[sz](?:ed|es|e|ing)\b",
        r"\bslapped\s+with\b",
        r"\bamendes?\b",
        r"\bsanctions?\s+(?:pecuniaires?|financieres?)\b",
        r"\bsanctions?\s+(?:de|d'un\s+montant\s+de)\s+(?:plus\s+de\s+)?\d",
        r"\bcondamnee?s?\s+a\s+(?:\d|une\s+sanction\s+de)",
        r"\bpenalites?\b",
        r"\bmise?s?\s+a\s+l'amende\b",
        r"\bcondamne(?:e|s|es)?\s+a\s+(?:payer|verser)\b",
        r"\b(?:devra|doit|must)\s+(?:payer|verser|pay)\b",
        r"\bliquid\w*\s+(?:l')?astreinte\b|\bastreinte\s+liquidee\b",
    ),
    "settlement": (
        r"\bsettle(?:s|d|ment|ments)?\b",
        r"\bsettling\b",
        r"\bagree(?:s|d|ing)?\s+to\b",
        r"\bplead(?:s|ed)?\s+guilty\b|\bplea\s+(?:deal|agreement)\b|\bplaid\w*\s+coupable\b",
        r"\bconsent\s+decree\b",
        r"\b(?:deferred|non)[- ]prosecution\s+agreement\b",
        r"\btransactions?\s+(?:penale|administrative|avec)\b",
        r"\bcomposition\s+administrative\b",
        r"\bcjip\b",
        r"\bconvention\s+judiciaire\s+d'interet\s+public\b",
        r"\baccord\s+(?:transactionnel|amiable|a\s+l'amiable)\b",
        r"\baccept\w*\s+de\s+(?:payer|verser)\b",
        r"\btransig\w+",
        # "X to pay $5bn", "X pays", "Epic Games paiera": the firm pays of its own accord.
        r"\bto\s+pay\b",
        r"\bpays\s+(?=[£$€¥₹\d]|[a-z]{1,3}\$|(?:eur|gbp|usd|chf|sek|nok|dkk)\b|record|out\b)"
        r"|\bwill\s+pay\b",
        # "Epic Games paiera 520 millions", not "l'Afrique paie le prix de la guerre"
        r"\b(?:paie|paye|paiera|payera|versera|verse)\s+(?=(?:plus\s+de\s+|pres\s+de\s+|quelque\s+"
        r"|environ\s+)?[\d£$€]|une\s+(?:amende|penalite|transaction|sanction)|(?:\S+\s+){0,6}?pour"
        r"\s+(?:solder|clore|mettre\s+fin|eviter))",
        r"\b(?:accepted|binding|offered)\s+commitments\b|\bcommitments\s+(?:legally\s+)?binding\b",
        r"\bengagements\s+(?:rendus\s+)?(?:obligatoires|contraignants)\b",
        r"\b(?:valide|accepte|approuve)\w*\s+(?:les|des)\s+engagements\b",
        r"\bclore\s+(?:les|des)\s+poursuites\b|\bsolder\s+(?:les|deux|la)\s+(?:poursuites|procedures?)\b",
        r"\bmettre\s+fin\s+aux\s+poursuites\b|\bva\s+(?:payer|verser)\b",
    ),
    "ban": (
        r"\bban(?:s|ned|ning)?\b",
        r"\bbarred\b",
        r"\bprohibit(?:s|ed|ion|ing)?\b",
        r"\bsuspend(?:s|ed|ing)?\b",
        r"\bsuspension\b",
        r"\binterdi(?:t|te|ts|tes|ction|re|sent|sant)\b",
        r"\b(?:blacklist\w*|liste\s+noire|entity\s+list)\b",
        r"\bsuspen(?:d|du|due|dus|dre|sion)\b",
        r"\bbanni(?:e|s|t)?\b",
        r"\bbars?\b(?=\s+\S+(?:\s+\S+)?\s+from\b|\s+approval)",
        r"\bblock(?:s|ed|ing)?\b",
        r"\bblocage\b|\bbloqu(?:e|ee|es|ees|er)\b",
        r"\bdereferencement\b|\bdelist(?:s|ed|ing)?\b",
        r"\bfermeture\s+administrative\b|\bclosure\s+order\b|\bordonn\w*\s+la\s+fermeture\b",
        # a licence revoked or withdrawn bars the firm from operating: one rule, EN and FR
        r"\brevok\w*(?:\s+\S+){0,3}\s+licen[cs]es?\b",
        r"\blicen[cs]es?\s+(?:was\s+|has\s+been\s+)?revoked\b",
        r"\bwithdr[ae]w?\w*\s+(?:\S+\s+){0,3}?(?:licen[cs]e|authori[sz]ation|registration)s?\b",
        r"\bstripp\w*\s+(?:\S+\s+){0,2}?of\s+(?:its|their|the)\s+licen[cs]es?\b",
        r"\bcancel\w*\s+(?:\S+\s+){0,4}?(?:licen[cs]es?|authori[sz]ations?|registrations?)\b",
        r"\brevoqu\w*\s+(?:\S+\s+){0,2}?(?:licence|agrement|autorisation|enregistrement)\b",
        r"\bretrait\s+(?:de\s+(?:l'|son\s+|sa\s+)?|d')(?:agrement|licence|autorisation)\b",
        r"\bretir\w*\s+(?:l'|son\s+|sa\s+)(?:agrement|licence|enregistrement|autorisation)\b",
    ),
    "formal_notice": (
        r"\bformal\s+notices?\b",
        r"\ben\s+demeure\b",
        r"\bwarning\s+letters?\b",
        r"\blettres?\s+d'avertissement\b",
    ),
    "order": (
        r"(?<!\bin )\border(?:s|ed|ing)?\b(?:\s+\S+){0,5}?\s+to\b",
        r"\benforcement\s+notices?\b",
        r"\binjunctions?\b",
        r"\bcease[- ]and[- ]desist\b",
        r"\bcompliance\s+orders?\b",
        r"\b(?:directed|told|required)\s+to\b",
        r"\benjoin\w*",
        r"\binjonctions?\b",
        r"\bordonn(?:e|ee|ees|es|ent|er|ant)\b",
        r"\bcontraint(?:e|s|es)?\s+de\s+(?:supprimer|retirer|fermer|cesser|effacer|rembourser)\b",
    ),
    "other": (
        r"\breprimand\w*",
        r"\brappel\s+a\s+l'ordre\b",
        # "un avertissement à la société X", not "un avertissement au tsunami"
        r"\bavertissements?\s+(?:a|a\s+l'encontre|contre|public|solennel)\b(?!\s+(?:au\s+)?tsunami)"
        r"|\bprononc\w*\s+(?:un\s+)?avertissement\b",
        r"\bblame\b",
        r"\bcensured?\b",
        r"\bformal\s+warning\b|\bofficial\s+warning\b",
        r"\b(?:issu|impos)\w*\s+an?\s+(?:formal\s+)?warning\s+(?:to|on|against)\b",
    ),
}
# The order in which one action wins over another found in the same lead.
PRIORITY: tuple[Action, ...] = ("settlement", "fine", "ban", "formal_notice", "order", "other")

# Every pattern starts at a word beginning with a letter: one shared check lets the
# engine skip all alternatives elsewhere (same matches, several times faster).
_COMPILED = {
    a: re.compile(r"(?<!\w)(?=[a-z])(?:" + "|".join(ps) + ")") for a, ps in _PATTERNS.items()
}
_HYPOTHETICAL = re.compile(
    r"(?:\bcould|\bmay|\bmight|\bwould|\bfaces?|\bfacing|\brisks?|\brisking|\bup\s+to|\bthreat\w*"
    r"|\bpossible|\bpotential|\bmaximum|\bjusqu'a|\bencour\w*|\brisqu\w*|\bpourrai\w*|\bpassible"
    r"|\bmenac\w*|\bproposed|\bintends?\s+to|\bnotice\s+of\s+intent|\bs'expos\w*|\bpouvant"
    r"|\brequis|\brequested|\bsought|\bhad\s+sought|\breclam\w*)\b[^.;]{0,30}$"
)
# "orders X to pay": an order to pay is not the firm settling.
_ORDERED_TO_PAY = re.compile(
    r"^to\s+pay\|.*\b(?:order\w*|told|forced|requir\w*|ordonn\w*|must|fail\w*|refus\w*|unable)\b"
)
_ORDERED_TO_SUSPEND = re.compile(
    r"\b(?:enjoin\w*|ordonn\w*|order\w*|requir\w*|somm\w*|direct\w*)\b[^.]{0,50}\b(?:de|d'|to)\s+$"
)
_ADJECTIVE_FINE = re.compile(
    r"\b(?:is|was|are|were|be|been|seems?|looks?|very|so|too|perfectly)\s+$"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Cue:
    """A sanction word in a text; `span` indexes the original text."""

    action: Action
    span: tuple[int, int]
    hypothetical: bool = False


def _is_adjective_fine(low: str, m: re.Match[str]) -> bool:
    # "the weather is fine", but "the bank was fined": only the bare word can be an adjective
    return m.group(0) == "fine" and bool(_ADJECTIVE_FINE.search(low[: m.start()]))


def find_cues(text: str) -> list[Cue]:
    """Return the sanction cues in `text`, in order; odd input gives []."""
    if not isinstance(text, str) or not text:
        return []
    return list(_cached_cues(text))


# The classifier's cue features and the field extractor read the same title and lead.
@lru_cache(maxsize=256)
def _cached_cues(text: str) -> tuple[Cue, ...]:
    low = fold_lower(text)
    cues: list[Cue] = []
    for action, rx in _COMPILED.items():
        for m in rx.finditer(low):
            if _is_adjective_fine(low, m):
                continue
            before = low[max(0, m.start() - 60) : m.start()]
            if action == "settlement" and _ORDERED_TO_PAY.search(m.group(0) + "|" + before[-40:]):
                continue
            if action == "ban" and _ORDERED_TO_SUSPEND.search(before) and m.group(0)[:4] == "susp":
                continue  # "enjoint à X de suspendre ses clauses": the order is the sanction
            hyp = bool(_HYPOTHETICAL.search(before))
            cues.append(Cue(action=action, span=m.span(), hypothetical=hyp))
    return tuple(sorted(cues, key=lambda c: c.span))


def pick_action(cues: list[Cue]) -> Action | None:
    """Choose one action among cues: a fine with an order is a fine; a settlement wins."""
    real = {c.action for c in cues if not c.hypothetical}
    for action in PRIORITY:
        if action in real:
            return action
    return None


# A sanction told in the passive voice leaves its authority implicit but certain: "the bank
# was fined", "Deliveroo condamnée à une amende", "EDF se voit infliger une sanction".
_PASSIVE_PATTERNS = (
    r"\b(?:was|were|been|being|is|are|gets?|got)\s+(?:\w+\s+)?(?:fined|penali[sz]ed|sanctioned"
    r"|ordered|banned|reprimanded|imposed|issued|levied|censured|suspended)\b",
    r"\b(?:a|ont|avait|avaient|sont|est|ete)\s+(?:ete\s+)?(?:condamne|sanctionne|inflige"
    r"|mis\w*\s+en\s+demeure|prononce)\w*",
    r"\bcondamne\w*\s+(?:a|pour|en)\s",
    r"\bsanctionne\w*\s+(?:de|d'|pour|par)\b",
    r"\becope\w*",
    r"\bse\s+voit\s+infliger\b",
    # settling a case implies who brought it: "agreed to pay $12m to settle charges"
    r"\bto\s+settle\s+(?:the\s+)?(?:\w+\s+){0,2}?(?:charges|investigations?|inquiries|probes?"
    r"|allegations|accusations|case|cases|complaints?)\b",
    r"\bpour\s+(?:solder|clore|eteindre|mettre\s+fin\s+a)\s+(?:les|des|la|l')\s*(?:\w+\s+){0,2}?"
    r"(?:poursuites|procedures?|enquetes?|accusations)\b",
)
# English headlines drop the auxiliary: "CBS Fined $550,000", "Broker Censured By NASD".
_HEADLINE_PASSIVE = re.compile(
    r"(?<!\w)(?:fined|penali[sz]ed|sanctioned|censured|banned|barred|suspended|reprimanded"
    r"|ordered\s+to)\b"
)
_PASSIVE = re.compile(r"(?<!\w)(?=[a-z])(?:" + "|".join(_PASSIVE_PATTERNS) + ")")


def passive_sanction(text: str, *, headline: bool = False) -> bool:
    """Tell whether `text` tells a sanction in the passive voice (its authority implicit);
    a `headline` may drop the auxiliary ("CBS Fined")."""
    if not isinstance(text, str):
        return False
    low = fold_lower(text)
    return _PASSIVE.search(low) is not None or (
        headline and _HEADLINE_PASSIVE.search(low) is not None
    )


# Opinion and interviews: a headline that is one quotation ("« Il faut ... »"), or a lead
# that says so ("dans une tribune au « Monde »"). They discuss sanctions; they do not report
# one (3,017 such items in half a year of a national daily's feed: none an event).
_QUOTED_HEADLINE = re.compile(r"^\s*[\"«“][^\"«»“”]{8,}[\"»”]\s*$")
_OPINION_LEAD = re.compile(
    r"\b(?:dans\s+une\s+tribune|dans\s+un\s+entretien|dans\s+sa\s+chronique|dans\s+son\s+editorial"
    r"|dans\s+une\s+lettre\s+ouverte|in\s+an?\s+(?:op-ed|opinion\s+piece|column|interview\s+with)"
    r"|writes\s+in\s+an?\s+(?:op-ed|column))\b"
)


def opinion_piece(title: str, lead: str) -> bool:
    """Tell whether a title and lead are an op-ed or interview rather than a news report."""
    title = fold_lower(title or "").strip()
    return bool(_QUOTED_HEADLINE.match(title)) or bool(_OPINION_LEAD.search(fold_lower(lead)))
