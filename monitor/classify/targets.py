"""Who was sanctioned: the target organisation of an enforcement story.

Owns: finding the sanctioned organisation in an English or French sentence
("fines X", "X fined", "X hit with", "X agrees to pay", "imposed a fine on X",
"inflige à X", "sanctionne X", "X écope", "met en demeure X", "à l'encontre de
X"...), cleaning the name (articles, possessives, nationality words, press
descriptors such as "la société" or "US firm"), and comparing two target names
(`same_target`). Does not own: picking the sentence (see `fields.py`). Pure
functions.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from monitor.classify.textfold import fold_lower

_UP = "A-ZÀÂÄÁÃÇÉÈÊËÍÎÏÓÔÖÕÚÙÛÜŸÑŒÆØ"
# A name token: capitalised ("Clearview", "AI", "3M") or camel-cased ("eBay", "iRobot").
_TOK = rf"(?=[\w&'’.+\-]*[A-Za-z{_UP}])(?:[{_UP}0-9][\w&'’.+\-]*|[a-z]{{1,2}}[{_UP}][\w&\-]*)"
_JOIN = r"(?:\s+(?:of(?:\s+the)?|de(?:\s+la|\s+l')?|du|des|del|della|di|von|van|der|den|y)\s+|\s*&\s*|\s+d['’]|\s+|-)"
NAME = rf"{_TOK}(?:{_JOIN}{_TOK}){{0,6}}"
_NAME_RE = re.compile(NAME)
_NAME_END_RE = re.compile(rf"(?:^|(?<=[\s(«\"“]))({NAME})\s*$")

# Capitalised words that end a name: headline verbs, prepositions, dates.
_STOP = set(
    """fined fines fine hit hits slapped ordered orders banned bans agrees agreed settles settled
    to over for by with after amid in on at is was has have faces pays pay must told gets receives
    and record million billion the a an this that these in its their his her as from into under
    says said could would will may might not against sanctionné sanctionnée condamné condamnée
    écope amende inflige infligé infligée pour par avec dans sur après selon contre le la les un
    une des ce cette et ou mais au aux en est a été sera se voit doit devra va but while when
    monday tuesday wednesday thursday friday saturday sunday lundi mardi mercredi jeudi vendredi
    samedi dimanche january february march april may june july august september october november
    december janvier février mars avril mai juin juillet août septembre octobre novembre décembre
    mr mrs ms m. mme dr""".split()
)
_LEAD_DROP = {"the", "le", "la", "les", "l'", "l’", "us", "u.s.", "uk", "u.k.", "eu", "french", "a"}
_GENERIC = set(
    """company firm group government court commission regulator watchdog authority agency
    société entreprise groupe gouvernement tribunal justice état state ministry ministère
    police parliament parlement council conseil european union""".split()
)
# Lower-case words that may stand between a verb and the name: "fines US facial recognition
# firm Clearview AI", "sanctionne la société américaine Clearview AI".
_BLOCK = set(
    """for to after over with by in on at from that which who whose because as its their his her
    and or but than under amid while when where following since about against into per this these
    those was were is are has have had been be will would could said says failing not also more
    million millions billion billions milliard milliards fine fines fined penalty record pour par
    après avec dans sur à au aux en qui que dont car ou et mais selon contre suite faute lors
    depuis pendant a est sont été ont sera n' ne pas se sa son ses leur leurs amende sanction
    euros dollars pounds livres if si""".split()
)
_NATIONAL = re.compile(
    r"^(?:US|U\.S\.|UK|U\.K\.|EU|American|British|Chinese|French|Irish|German|Dutch|Italian"
    r"|Spanish|Swedish|Japanese|Korean|South|Silicon|Valley|Canadian|Australian|Indian|Swiss"
    r"|Belgian|Polish|Norwegian|Danish|Finnish|Austrian|Portuguese|Greek|Russian|Big|Tech)$"
)

_VERB_OBJ = re.compile(
    r"(?i:\b(?:fines|fined|fining|penali[sz]es|penali[sz]ed|sanctions|sanctioned|bans|banned"
    r"|orders|ordered|hits|slaps|reprimands|reprimanded|sues|sued|censures|censured|punishes"
    r"|punished|sanctionne|sanctionné|condamne|condamné|met\s+en\s+demeure|mis\s+en\s+demeure"
    r"|épingle|épinglé|frappe|frappé|inflige\s+à|infligé\s+à|ordonne\s+à|enjoint\s+à|interdit\s+à"
    r"|somme)\b)"
)
_PREP = re.compile(
    r"(?i:\b(?:on|against|for|with|to)\b|(?<!\w)(?:à\s+l['’]encontre\s+d(?:e\s+|['’])|contre\b"
    r"|à|au|aux|envers\b|visant\b|pour\b))"
)
_PREP_CUE = re.compile(
    r"(?i:\b(?:fine|fines|fined|penalty|penalties|sanction|sanctions|settlement|settles|settled"
    r"|action|enforcement|ban|order|amende|amendes|inflige|infligé|infligée|sanction|sanctions"
    r"|sanctionné|mise\s+en\s+demeure|procédure|injonction|transaction)\b)"
)
_SUBJ_VERB = re.compile(
    r"(?i:\s*(?:,\s*)?(?:(?:has|have|had|will|to|is|was|were|are|being|has\s+now)\s+)?(?:been\s+|be\s+)?"
    r"(?:fined|penali[sz]ed|hit\s+with|slapped\s+with|ordered\s+to|told\s+to|banned|barred"
    r"|sanctioned|reprimanded|censured|agrees\s+to|agreed\s+to|to\s+pay|must\s+pay|pays|paid"
    r"|will\s+pay|settles|settled|faces\s+(?:a|an|\S*\d)|receives|handed|loses|gets|cops"
    r"|(?:a\s+été\s+|est\s+|sera\s+)?(?:condamné|sanctionné|mis\s+en\s+demeure|mis\s+à\s+l['’]amende|épinglé|frappé|visé)e?s?"
    r"|écope|a\s+écopé|se\s+voit\s+infliger|s['’]est\s+vue?\s+infliger|devra\s+(?:payer|verser)"
    r"|doit\s+(?:payer|verser)|va\s+(?:payer|verser)|paie|paye|verse|accepte\s+de|a\s+accepté\s+de"
    r"|s['’]acquitte|transige)\b)"
)
_POSSESSIVE = re.compile(
    rf"({NAME})['’]s\s+(?:\S+\s+){{0,3}}?(?i:fine|penalty|settlement|ban|sanction)\b"
)
_FR_DESC_SMALL = {"le", "la", "les", "l'", "l’", "de", "du", "des", "d'", "d’", "un", "une", "the", "a", "an", "of"}
_TOKEN_RE = re.compile(r"[\w&'’.+\-]+|[^\w\s]")
_LEGAL = (
    "inc incorporated ltd limited llc llp plc sa sas sasu sarl se gmbh ag nv bv spa srl ab asa as "
    "oy oyj kg co corp corporation company group groupe holdings holding plc. cie"
).split()


def _clean(name: str) -> str | None:
    """Trim a raw name: stop words, leading articles, possessive, trailing dots."""
    toks = name.split()
    for i, tok in enumerate(toks):
        if i > 0 and tok.lower().strip(".,") in _STOP:
            toks = toks[:i]
            break
    while len(toks) > 1 and toks[0].lower() in _LEAD_DROP:
        toks = toks[1:]
    out = " ".join(toks).strip(" .,;:")
    out = re.sub(r"['’]s?$", "", out)
    out = re.sub(r"^(?:L|l)['’]", "", out)
    low = out.lower()
    if not out or low in _STOP or low in _GENERIC or low in _LEAD_DROP or not re.search(r"[^\W\d_]", out):
        return None
    return out


def _name_after(sentence: str, pos: int, french: bool) -> tuple[int, str] | None:
    """The name that follows `pos`, skipping articles and short descriptors."""
    skipped = 0
    for m in _TOKEN_RE.finditer(sentence, pos):
        tok = m.group(0)
        low = tok.lower()
        if _NATIONAL.match(tok) or low in _FR_DESC_SMALL:
            continue
        if tok[:1].isupper() or tok[:1].isdigit() or re.match(r"[a-z]{1,2}[A-Z]", tok):
            nm = _NAME_RE.match(sentence, m.start())
            name = _clean(nm.group(0)) if nm else None
            return (m.start(), name) if name else None
        if low in _BLOCK or not tok[:1].isalpha() or skipped >= 6:
            return None
        skipped += 1
    return None


def _name_before(sentence: str, pos: int) -> tuple[int, str] | None:
    """The name that ends at `pos` (allowing one ", appositive," before the verb)."""
    prefix = sentence[:pos].rstrip()
    if prefix.endswith(","):
        cut = prefix[:-1].rfind(",")
        prefix = prefix[:cut].rstrip() if cut > 0 else prefix[:-1]
    m = _NAME_END_RE.search(prefix)
    if not m:
        return None
    name = _clean(m.group(1))
    return (m.start(1), name) if name else None


Excluded = Callable[[int, int], bool]


def target_in_sentence(sentence: str, excluded: Excluded, french: bool = False) -> str | None:
    """Return the sanctioned organisation named in one sentence, or None.

    Args:
        sentence: one sentence or headline.
        excluded: tells whether a (start, end) span of `sentence` is an
            authority or a place, which can never be the target.
        french: whether French descriptor words may precede the name.
    """
    found: list[tuple[int, int, str]] = []

    def keep(rank: int, hit: tuple[int, str] | None) -> None:
        if hit and not excluded(hit[0], hit[0] + len(hit[1])) and not _is_place(hit[1]):
            found.append((rank, hit[0], hit[1]))

    for m in _VERB_OBJ.finditer(sentence):
        keep(0, _name_after(sentence, m.end(), french))
    for m in _SUBJ_VERB.finditer(sentence):
        if m.start() > 0:
            keep(0, _name_before(sentence, m.start()))
    for m in _POSSESSIVE.finditer(sentence):
        keep(1, (m.start(1), _clean(m.group(1)) or ""))
    for m in _PREP.finditer(sentence):
        if _PREP_CUE.search(sentence[max(0, m.start() - 90) : m.start()]):
            keep(2, _name_after(sentence, m.end(), french))
    found = [f for f in found if f[2]]
    return min(found)[2] if found else None


_PLACES = set(
    """uk us usa eu europe britain france paris london washington brussels bruxelles ireland italy
    spain germany netherlands china india japan california new york""".split()
)


def _is_place(name: str) -> bool:
    return fold_lower(name).strip(". ") in _PLACES


def normalise_target(name: str) -> str:
    """Fold case, accents, punctuation, articles and legal suffixes of an organisation name."""
    low = fold_lower(name)
    low = re.sub(r"['’]s\b", "", low)
    low = re.sub(r"[^\w\s&]", " ", low)
    words = low.split()
    while words and words[0] in ("the", "le", "la", "les", "l"):
        words = words[1:]
    while len(words) > 1 and words[-1] in _LEGAL:
        words = words[:-1]
    return " ".join(words)


def same_target(a: str | None, b: str | None) -> bool:
    """Tell whether two target names denote the same organisation.

    Equal after `normalise_target`, or one is a whole-word part of the other
    ("Google" and "Google Ireland Ltd"). False when either side is missing.
    """
    if not a or not b or not isinstance(a, str) or not isinstance(b, str):
        return False
    na, nb = normalise_target(a), normalise_target(b)
    if not na or not nb:
        return False
    if na == nb:
        return True
    short, long_ = sorted((na, nb), key=len)
    return re.search(rf"(?<!\w){re.escape(short)}(?!\w)", long_) is not None
