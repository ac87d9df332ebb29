"""The head's inputs besides the embedding: a few wording cues in title and lead.

Owns: `cue_vector(title, lead)`, a small fixed-order vector of 0/1 cues that a
sentence embedding blurs: is a sanction named, and is it real or hypothetical
(from `cues.py`); is a regulator named (`authorities.py`); and the wording
groups below that say the news is an inquiry, an appeal or annulment, a
private or political matter, a person or a sports club rather than an
organisation, or sanctions on a country. (Whether an amount is given was
tried and dropped: no gain in cross-validation, and a cost per article.) Each cue is
computed for the title and for the lead separately, because the title carries
the main news. `CUES_VERSION` names this vector; a head records the version it
was trained with and refuses another. Does not own: the weights (`head.py`).
Pure functions on accent-folded lower-case text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from monitor.classify.authorities import mentions_authority
from monitor.classify.cues import find_cues
from monitor.classify.textfold import fold_lower
from monitor.models import ACTIONS

CUES_VERSION = "cues-12"  # bump on any change below: shipped heads must be retrained
# Lead cues read the first ~2 sentences: that is where news names the actor and the
# action, and cross-validation was the same as with 600 characters at half the cost.
CUE_LEAD_CHARS = 300
# Cues are 0/1 while embedding components are ~0.05; 0.5 let cross-validation on the
# training split do best (0.3 and 1.0 were close behind).
CUE_SCALE = 0.5

_GROUPS: dict[str, tuple[str, ...]] = {
    # Sanction verbs that name no particular action (so `cues.py` does not list them).
    "sanctioned": (
        r"\bsanctionn\w*",
        r"\binflig\w*",
        r"\becop\w*",
        r"\bfrapp\w*",
        r"\bepingl\w*",
        r"\bsomm(?:e|ee|es|ees)\s+de\b",
        r"\bcondamn\w*",
        r"\bhit(?:s|ting)?\s+(?:\S+\s+){0,3}?with\b",
        r"\bpunish\w*",
        r"\bpuni(?:t|e|s)?\b",
        r"\bcrack(?:s|ed)?\s+down\b",
        r"\bcrackdown\b",
        r"\bimpos\w*\s+(?:an?\s+|the\s+)?(?:\S+\s+)?(?:fine|penalty|sanction|ban)\b",
        r"\bstrip\w*\s+(?:\S+\s+){0,3}?licen[cs]e\b",
        r"\brestrei?n\w*",
    ),
    "inquiry": (
        r"\binvestigat\w*",
        r"\bprob(?:e|es|ed|ing)\b",
        r"\binquir(?:y|ies)\b",
        r"\b(?:opens?|opened|launch\w*|starts?|started|begins?|initiates?)\b(?:\s+\S+){0,3}?"
        r"\s+(?:proceedings|case|review|inquiry|probe|investigation|audit)\b",
        r"\bstatement\s+of\s+objections\b",
        r"\bcharg(?:es|ed)\b(?:\s+\S+){1,5}?\s+(?:with|over)\b",
        r"\b(?:brings?|brought|files?|filed)\s+(?:criminal\s+|civil\s+)?charges\b",
        r"\bsu(?:es|ed|ing)\b",
        r"\blawsuit\b",
        r"\braid\w*",
        r"\brequests?\s+for\s+information\b",
        r"\bscrutin\w*",
        r"\bexamin\w*",
        r"\blook(?:s|ing)?\s+into\b",
        r"\baudit\w*",
        r"\bsummon\w*",
        r"\bsubpoena\w*",
        r"\benquet\w*",
        r"\bcontroles?\b",
        # a procedure against someone, not "procédure de sauvegarde" (insolvency)
        r"\bprocedures?\s+(?:de\s+sanction|d'infraction|formelle|d'enquete|contre|visant|a\s+l'encontre"
        r"|judiciaire|penale|d'examen|accusatoire)",
        r"\bgriefs\b",
        # "poursuites", "poursuivi pour": prosecution; not "Moscou poursuit" (goes on)
        r"\bpoursuites?\b|\bpoursuivie?s?\b",
        r"\bassign\w+\s+en\s+justice\b",
        r"\bse\s+penche\w*",
        r"\bconvoqu\w*",
        r"\bdemande\w*\s+des\s+comptes\b",
        r"\bperquisition\w*",
        r"\bsaisi(?:e|t)?\b",
        r"\battaque\w*\s+en\s+justice\b",
        r"\bouvr\w*\s+une?\b",
        r"\bdans\s+le\s+viseur\b",
        r"\bs'interess\w*",
        r"\bs'attaqu\w*",
        r"\bin\s+(?:the|its)\s+(?:crosshairs|sights)\b",
    ),
    "reversal": (
        r"\bappeal\w*",
        r"\boverturn\w*",
        r"\bquash\w*",
        r"\bannul\w*",
        r"\bstr(?:uck|ikes?)\s+down\b",
        r"\bdismiss\w*",
        r"\bthrows?\s+out\b",
        r"\bthrown\s+out\b",
        r"\bclears?\b",
        r"\bcleared\b",
        r"\b(?:drops?|dropped|closes?|closed|ends?|ended|abandons?|abandoned)\b(?:\s+\S+){0,3}?\s+"
        r"(?:probe|investigation|inquiry|case|proceedings|lawsuit|suit|charges)\b",
        # "scraps/scrapped" drop a measure; "scraped/scraping" (collect data) must not match
        r"\bscrap(?:s|ped|ping)?\b",
        r"\bwaive\w*",
        r"\bchalleng\w*",
        r"\brenonc\w*",
        r"\bfait\s+appel\b",
        r"\ben\s+appel\b",
        r"\bcontest\w*",
        r"\brejet\w*",
        r"\brejette\w*",
        r"\bclot\b",
        r"\bcloture\w*",
        r"\bclass\w*\s+sans\s+suite\b",
        r"\babandonn\w*",
        r"\bautoris\w*",
        r"\bfeu\s+vert\b",
        r"\bvalid\w*\b",
    ),
    "policy": (
        r"\burges?\b",
        r"\bcalls?\s+(?:on|for)\b",
        r"\basks?\b",
        r"\bplans?\b",
        r"\bpropos\w*",
        r"\bbill\b",
        r"\bdraft\b",
        r"\bconsultation\b",
        r"\bguidance\b",
        r"\bguidelines?\b",
        r"\breport\b",
        r"\bstudy\b",
        r"\bsurvey\b",
        r"\binterview\b",
        r"\bopinion\b",
        r"\banalysis\b",
        r"\bexplainer\b",
        r"\bwarns?\b",
        r"\blaw(?:makers)?\b",
        r"\bmps\b",
        r"\bprojet\s+de\s+loi\b",
        r"\bproposition\s+de\s+loi\b",
        r"\bamendement\w*",
        r"\bdeputes\b",
        r"\bsenat\w*",
        r"\brecommandation\w*",
        r"\blignes\s+directrices\b",
        r"\brapport\b",
        r"\betude\b",
        r"\bbilan\b",
        r"\bentretien\b",
        r"\btribune\b",
        r"\banalyse\b",
        r"\bappell?e\w*\s+a\b",
        r"\breclam\w*",
        r"\bpubli\w*",
        r"\bdata\s+shows?\b",
        r"\bfigures\b",
        r"\bstatisti\w*",
        r"\bchiffr\w*",
        r"\bcomes?\s+into\s+(?:full\s+)?force\b",
        r"\btakes?\s+effect\b",
        r"\bentre\w*\s+en\s+vigueur\b",
        r"\bs'applique\w*\b",
    ),
    "business": (
        r"\bearnings\b",
        r"\bprofits?\b",
        r"\brevenues?\b",
        r"\bshares?\b",
        r"\braises?\b",
        r"\bfunding\b",
        r"\bipo\b",
        r"\bprovisions?\b",
        r"\bsets?\s+aside\b",
        r"\bquarter\w*",
        r"\bleve\w*\s+(?:de\s+)?\d",
        r"\blevee\s+de\s+fonds\b",
        r"\bchiffre\s+d'affaires\b",
        r"\bbenefices?\b",
        r"\bresultats?\b",
        r"\bprovisionn\w*",
        r"\btrimestr\w*",
    ),
    "private": (
        r"\bclass\s+action\b",
        r"\bconsumers?\s+(?:group|association|organi[sz]ation)s?\b",
        r"\bshareholders?\b",
        r"\bngos?\b",
        r"\bcampaign(?:ers|\s+group)\b",
        r"\bcomplain\w*",
        r"\baction\s+(?:collective|de\s+groupe)\b",
        r"\bplaintes?\b",
        r"\bassociation\w*",
        r"\bong\b",
        r"\bverser\b\s+(?:\S+\s+){0,6}?a\s+[A-Za-z]",
        r"\bsettle\w*\s+(?:\S+\s+){0,3}?(?:lawsuit|suit|litigation|class\s+action|claims?)\b",
        r"\bin\s+(?:an?\s+)?\S+\s+settlement\b",
        r"\baclu\b",
        r"\bnoyb\b",
        r"\b(?:rights|privacy|civil\s+liberties|advocacy)\s+groups?\b",
        r"\bquadrature\s+du\s+net\b",
        r"\bufc[- ]que\s+choisir\b",
    ),
    "person_or_sport": (
        r"\b(?:man|woman|driver|motorist|passenger|pensioner|teenager|landlord|footballer)\b",
        r"\b(?:club|league|points|player|referee|fifa|uefa|tennis|wimbledon|tournament)\b",
        r"\b(?:grand\s+prix|formula\s+one|f1|umpire|coach|athlete|cyclist|jockey)\b",
        r"\b(?:un\s+homme|une\s+femme|automobiliste|conducteur|passager|joueur|ligue|club)\b",
        r"\b(?:joueuse|footballeur|tournoi|arbitre|entraineur|pilote|cycliste|roland-garros)\b",
    ),
    "country_sanctions": (
        r"\bsanctions?\s+(?:on|against)\b",
        r"\bembargo\w*",
        r"\btariffs?\b",
        r"\bsanctions?\s+(?:contre|visant)\b",
        r"\bdroits\s+de\s+douane\b",
    ),
}
# Every pattern starts at a word that starts with a letter: one shared check lets the
# engine skip the alternatives everywhere else (same matches, ~2x faster).
_COMPILED = {
    name: re.compile(r"\b(?=[a-z])(?:" + "|".join(ps) + ")") for name, ps in _GROUPS.items()
}

# Pairs whose co-occurrence means something neither does alone: a sanction that is
# annulled, a sanction on a person or a sports club, a sanction a company merely
# provisions for. A linear head cannot build these products itself.
_PAIRS: tuple[tuple[str, str], ...] = (
    ("sanction", "reversal"),
    ("sanction", "person_or_sport"),
    ("sanction", "business"),
    ("sanction", "private"),
)
CUE_NAMES: tuple[str, ...] = (
    *(f"action_{a}" for a in ACTIONS),
    "sanction",
    "hypothetical",
    "authority",
    *_GROUPS,
    *(f"{a}_and_{b}" for a, b in _PAIRS),
)
FEATURE_NAMES: tuple[str, ...] = tuple(
    f"{part}_{n}" for part in ("title", "lead") for n in CUE_NAMES
)


def named_anywhere(matrix: np.ndarray, cue: str) -> np.ndarray:
    """Per row of a `cue_matrix`: is `cue` (a `CUE_NAMES` entry) in the title or the lead?"""
    cols = [FEATURE_NAMES.index(f"title_{cue}"), FEATURE_NAMES.index(f"lead_{cue}")]
    return np.asarray(np.asarray(matrix[:, cols] > 0).any(axis=1), dtype=bool)


def cue_matrix(pairs: Sequence[tuple[str, str]]) -> np.ndarray:
    """Scaled cue rows for (title, lead) pairs, shape (n, len(FEATURE_NAMES))."""
    if not pairs:
        return np.zeros((0, len(FEATURE_NAMES)), dtype=np.float32)
    return CUE_SCALE * np.vstack([cue_vector(title, lead) for title, lead in pairs])


def cue_vector(title: str, lead: str) -> np.ndarray:
    """0/1 cues of the title then of the lead's start, in `FEATURE_NAMES` order."""
    if len(lead) > CUE_LEAD_CHARS:
        lead = lead[:CUE_LEAD_CHARS].rsplit(" ", 1)[0]
    return np.array(_cues(title) + _cues(lead), dtype=np.float32)


def _cues(text: str) -> list[bool]:
    if not text:
        return [False] * len(CUE_NAMES)
    found = find_cues(text)
    real = {c.action for c in found if not c.hypothetical}
    low = fold_lower(text)
    groups = {name: rx.search(low) is not None for name, rx in _COMPILED.items()}
    flags = {"sanction": bool(real) or groups["sanctioned"], **groups}
    return [
        *(a in real for a in ACTIONS),
        bool(real),
        any(c.hypothetical for c in found),
        mentions_authority(text),
        *groups.values(),
        *(flags[a] and flags[b] for a, b in _PAIRS),
    ]
