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

from monitor.classify.authorities import is_place
from monitor.classify.textfold import fold, fold_lower

_UP = "A-ZÀÂÄÁÃÇÉÈÊËÍÎÏÓÔÖÕÚÙÛÜŸÑŒÆØ"
# A name token: capitalised ("Clearview", "AI", "3M") or camel-cased ("eBay", "iRobot").
# Token length is bounded so that a 50 kB run of hyphenated words cannot make the regex crawl.
# Lower-case web names count too: "bol.com", "leboncoin.fr".
_TOK = (
    rf"(?=[\w&'’.+\-]{{0,40}}[A-Za-z{_UP}])(?![LDJ]['’][a-zà-ÿ])"
    rf"(?:[{_UP}0-9][\w&'’.+\-]{{0,40}}|[a-z]{{1,6}}[{_UP}][\w&\-]{{0,40}}"
    r"|[a-z0-9][a-z0-9\-]{1,30}\.(?:com|fr|nl|de|be|es|it|io|net|org|co\.uk|eu)\b)"
)
_JOIN = (
    r"(?:\s+(?:of(?:\s+the)?|de(?:\s+la|\s+l')?|du|des|del|della|di|von|van|der|den|y)\s+"
    r"|\s+&\s+|\s+d['’]|\s+de\s+l['’]|\s+)"
)
NAME = rf"{_TOK}(?:{_JOIN}{_TOK}){{0,6}}"
_NAME_RE = re.compile(NAME)
_NAME_END_RE = re.compile(rf"(?:^|(?<=[\s(«\"“]))({NAME})\s*$")
# French public bodies are written in lower case before their name: "le ministère de
# l'Intérieur", "la mairie de Nice", "le centre hospitalier de Cannes".
_PUBLIC_BODY = (
    r"(?i:minist[eè]re|mairie|commune|ville|d[ée]partement|r[ée]gion|pr[ée]fecture"
    r"|centre\s+hospitalier(?:\s+universitaire)?|h[oô]pital|universit[ée]|acad[ée]mie"
    r"|conseil\s+(?:d[ée]partemental|r[ée]gional|municipal)|caisse\s+primaire)"
    rf"\s+(?:de\s+la\s+|de\s+l['’]|des\s+|du\s+|de\s+|d['’])?{_TOK}"
    rf"(?:{_JOIN}{_TOK}){{0,3}}"
)
_PUBLIC_BODY_RE = re.compile(_PUBLIC_BODY)
_PUBLIC_BODY_END_RE = re.compile(rf"(?:^|(?<=[\s(«\"“']))({_PUBLIC_BODY})\s*$")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Capitalised words that end a name: headline verbs, prepositions, dates.
_STOP = _words(
    """fined fines fine hit hits slapped ordered orders banned bans agrees agreed settles settled
    to over for by with after amid in on at is was has have faces pays pay must told gets receives
    and record million billion the a an this that these in its their his her as from into under
    says said could would will may might not against sanctionné sanctionnée condamné condamnée
    écope amende inflige infligé infligée pour par avec dans sur après selon contre le la les un
    une des ce cette et ou mais au aux en est a été sera se voit doit devra va but while when
    monday tuesday wednesday thursday friday saturday sunday lundi mardi mercredi jeudi vendredi
    samedi dimanche january february march april may june july august september october november
    december janvier février mars avril mai juin juillet août septembre octobre novembre décembre
    mr mrs ms m. mme dr it il elle ils elles they he she we on celle celui ceux ce cela
    ceci ces those such faute aucun aucune nul nulle chaque tout toute tous toutes
    one two three four five
    six seven eight nine ten eleven twelve several un deux
    trois quatre cinq six sept huit neuf dix onze douze plusieurs"""
)
_LEAD_DROP = {"the", "le", "la", "les", "l'", "l’", "us", "u.s.", "uk", "u.k.", "eu", "french", "a"}
# Capitalised common nouns that open headlines ("Fintech hit with penalty"), never a name alone.
_GENERIC = _words(
    """company firm group government court commission regulator watchdog authority agency
    société entreprise groupe gouvernement tribunal justice état state ministry ministère
    police parliament parlement council conseil european union fintech bank banks lender insurer
    retailer broker brokerage airline carrier operator app platform startup start-up chain
    supermarket hospital developer manufacturer maker casino exchange telecom telco giant owner
    banque assureur opérateur enseigne plateforme géant fabricant courtier chaîne laboratoire
    hôpital mairie ville autorité régulateur distributeur éditeur site réseau agence
    prestataire fournisseur
    constructeur compagnie filiale startups banques opérateurs plateformes sites firms companies
    lenders insurers retailers brokers airlines operators platforms drugmaker drugmakers
    automaker carmaker chipmaker pharma miner utility broadcaster publisher network
    marketplace lab council trust charity school university"""
)
# After a capitalised French article, a name ("La Poste", "Le Bon Coin", "La Banque
# Postale") unless the word is a public body's ("La Commission", "La Cour").
_PUBLIC_WORDS = _words(
    """commission cour tribunal gouvernement justice police mairie ville ministère autorité
    préfecture conseil agence direction chambre haute"""
)
# Lower-case words that may stand between a verb and the name: "fines US facial recognition
# firm Clearview AI", "sanctionne la société américaine Clearview AI".
_BLOCK = _words(
    """for to after over with by in on at from that which who whose because as its their his her
    and or but than under amid while when where following since about against into per this these
    those was were is are has have had been be will would could said says failing not also more
    million millions billion billions milliard milliards fine fines fined penalty record pour par
    après avec dans sur à au aux qui que car ou et mais selon contre suite faute lors
    depuis pendant a est sont été ont sera n' ne pas se sa son ses leur leurs amende sanction
    euros dollars pounds livres if si"""
)
_NATIONAL_WORDS = (
    r"US|U\.S\.|UK|U\.K\.|EU|American|British|Chinese|French|Irish|German|Dutch|Italian"
    r"|Spanish|Swedish|Japanese|Korean|South|Silicon|Valley|Canadian|Australian|Indian|Swiss"
    r"|Belgian|Polish|Norwegian|Danish|Finnish|Austrian|Portuguese|Greek|Russian|Big|Tech"
)
_NATIONAL = re.compile(rf"^(?:{_NATIONAL_WORDS})$")

# Trigger patterns run on `fold(sentence)`: no accents, plain apostrophes, same offsets.
# Each starts with `_WORD_START`, so the engine tries its alternatives only where a word
# begins (same matches, about twice as fast).
_WORD_START = r"(?<!\w)(?=[A-Za-z])"
_VERB_OBJ = re.compile(
    _WORD_START
    + r"(?i:\b(?:fines?|fined|fining|penali[sz]es|penali[sz]ed|sanctions|sanctioned|bans|banned"
    r"|orders|ordered|hits|slaps|reprimands|reprimanded|sues|sued|censures|censured|punishes"
    r"|punished|bars|barred|blocks|blocked|suspends|suspended|revokes|revoked|warns|warned"
    r"|gives|gave|puts|put|serves|served|places|placed"
    r"|(?:de)?referencement\s+d[eu']|blocage\s+d[eu']|suspension\s+d[eu']|interdiction\s+d[eu']"
    r"|sanctionnee?|condamnee?|met\s+en\s+demeure|mis\s+en\s+demeure|epinglee?|frappee?"
    r"|infligee?\s+a|ordonnee?\s+a|enjoint\s+a|interdit\s+a|somme|suspendu|suspend|bloque"
    r"|retire\s+(?:a|au)|bloquer|blocking|limite|limits|restricts|restreint|caps|plafonne"
    r"|impose\s+(?:a|au)|imposes\s+on|imposed\s+on|requiring|requires|required|obliging"
    r"|oblige|obligeant|forcing|compelling|compels|contraint|reproche\s+(?:a|au)|enjoignant\s+a"
    r"|hands|handed|issues|issued|levies|levied|assesses|assessed|withdrawn|withdraws|withdrew"
    r"|banning|barring|ordering|fining|prohibiting|prohibits|prohibited|interdisant|ordonnant"
    r"|cancels|cancelled|canceled|revoquee?|retrait\s+de\s+(?:l'|la\s+|son\s+|sa\s+)?"
    r"(?:agrement|licence|autorisation|enregistrement)\s+d[eu'])\b)"
)
_PREP = re.compile(
    r"(?i:\b(?:on|against|for|with|to)\b|(?<!\w)a\s+l'encontre\s+d(?:e\b|')"
    r"|(?<!\w)(?:contre|a|au|aux|envers|visant|pour|avec)(?!\w))"
)
_PREP_CUE = re.compile(
    _WORD_START
    + r"(?i:\b(?:fine|fines|fined|penalty|penalties|sanction|sanctions|settlement|settles|settled"
    r"|action|enforcement|ban|order|amende|amendes|inflige|infligee?|sanctionnee?"
    r"|notice|notices|reprimand|warning|injunction|demeure|injonction|avertissement"
    r"|procedure|transaction|rappel|blame|mesures?|decision|measures|interim|conservatoires?"
    r"|orders|ordered|ordonnee?s?|revocation|accord|consentement|reglement|agreement)\b)"
)
_SUBJ_VERB = re.compile(
    r"(?<![\w'])(?=[A-Za-z])(?i:(?:(?:has|have|had|will|to|is|was|were|are|being|has\s+now)\s+)?"
    r"(?:been\s+|be\s+)?"
    r"(?:fined|penali[sz]ed|hit\s+with|slapped\s+with|ordered|told\s+to|banned|barred"
    r"|plead(?:s|ed)?\s+guilty|to\s+plead\s+guilty|(?:will\s+)?(?:have|has)\s+to\s+pay"
    r"|sanctioned|reprimanded|censured|agrees\s+to|agreed\s+to|to\s+pay|must\s+pay|pays|paid"
    r"|will\s+pay|settles|settled|faces\s+(?:a|an|\S*\d)|receives|handed|loses|gets|cops"
    r"|blocked|suspended|forced\s+to|(?:a\s+ete\s+|est\s+|sera\s+)?(?:condamne|sanctionne"
    r"|mis\s+en\s+demeure|mis\s+a\s+l'amende|epingle|frappe|vise|bloque|suspendu|interdit"
    r"|rappele\s+a\s+l'ordre|somme|ferme)e?s?|paiera|versera|accepte|a\s+accepte"
    r"|ecope|a\s+ecope|se\s+voit\s+infliger|s'est\s+vue?\s+infliger|devra\s+(?:payer|verser)"
    r"|doit\s+(?:payer|verser|encore)|va\s+(?:payer|verser)|paie|paye|verse|est\s+redevable"
    r"|s'acquitte|transige)\b)"
)
# "The AEPD has fined X": the subject acted; "X has been fined" is the passive that names X.
_ACTIVE_VOICE = re.compile(
    r"(?i:\s*,?\s*(?:has|have|had)\s+(?:now\s+)?(?:fined|penali[sz]ed|ordered|banned|barred"
    r"|sanctioned|reprimanded|censured|blocked|suspended|handed|told)\b)"
)
# An infinitive after "to"/"à": "ordered to pay", "condamné à verser" (lower case:
# "une amende à Twitter" names the firm).
_INFINITIVE = re.compile(
    r"\s+(?:(?:stop|cease|halt|delete|erase|pay|comply|end|remove|suspend|block|refund|fix"
    r"|change|destroy|notify|provide|hand|take|make|improve|implement|correct|limit|restrict"
    r"|withdraw|recall|repay|compensate|scrap|drop|overhaul|appoint|sell|divest|be|have|not"
    r"|ensure|allow|publish|inform|report|respond|reply|answer|submit|share|disclose|return"
    r"|reimburse|carry|bring|put|set|give|get|keep|let|offer|open|close|shut|strengthen|review"
    r"|[a-z]+er|[a-z]+ir|mettre|faire|prendre|suspendre|interrompre|produire|detruire|reduire"
    r"|permettre|remettre|transmettre|repondre|rendre|soumettre|se|s'|ne)(?!\w))"
)
_GERUND = re.compile(r"\s+[a-z]{3,}ing\b")
# Weaker evidence: "the regulator said X had breached the rules".
_SUBJ_WEAK = re.compile(
    r"(?i:\s+(?:had\s+|has\s+|have\s+|a\s+|avait\s+)?(?:breached|violated|broke|failed\s+to|infringed"
    r"|abused|misled|enfreint|viole|manque\s+a|abuse\s+de)\b)"
)
_POSSESSIVE = re.compile(
    rf"({NAME})['’]s\s+(?:\S+\s+){{0,3}}?"
    r"(?i:fine[sd]?|penalty|settlement|ban|sanction(?:ed)?|penali[sz]ed|was\s+fined)\b"
)
_FR_DESC_SMALL = _words("le la les l' l’ de du des d' d’ un une the a an of")
_COURTS = _words("court tribunal judge juge cour")
_CURRENCY_CODES = _words(
    "EUR GBP USD CHF SEK NOK DKK PLN JPY CNY RMB INR AUD CAD KRW BRL TRY NZD HKD SGD CZK HUF RON"
)
_TOKEN_RE = re.compile(r"[\w&'’.+\-]+|[^\w\s]")
_LEGAL = _words(
    "inc incorporated ltd limited llc llp plc sa sas sasu sarl se gmbh ag nv bv spa srl ab asa as "
    "oy oyj kg co corp corporation company group groupe holdings holding plc. cie"
)


_NOT_AN_ORGANISATION = re.compile(
    r"^(?:" + "|".join(sorted(_CURRENCY_CODES)) + r")\s*\d"  # "NOK 10m"
    r"|\b(?:Act|Directive|Regulation|Code|Law|Bill|Rules?|Loi|Règlement|Directive|Code)$"
    r"|^\d+G$"  # "4G", "5G"
    r"|^(?:DSA|DMA|RGPD|GDPR|CCPA|PSD2|MiFID(?:\s+II)?|AML|KYC|LCB-FT|DORA|NIS2?|AI\s+Act)$"
    r"|^(?:Rs\.?|Rp|R)$"  # rupees, rupiah, rand before an amount
    r"|^\d[\d.,]*\s*(?:(?-i:k|m|bn|mn|K|BN|MN)|million|billion|crore|lakh)?$",  # "37m", not "3M"
    re.IGNORECASE,
)


# Lower-case words inside a name when a capitalised word follows ("Caisse des Dépôts").
_NAME_JOINERS = frozenset(("de", "des", "du", "of"))


# French names that open with a common noun, capitalised ("Banque Lémanique", "Caisse des
# Dépôts", "Société Générale"): the noun is part of the name, not a descriptor to drop.
_NAME_HEADS = _words("banque caisse compagnie société crédit mutuelle")


def _keeps_head(toks: list[str]) -> bool:
    return (
        len(toks) > 1
        and toks[0].lower() in _NAME_HEADS
        and toks[0][:1].isupper()
        and (toks[1][:1].isupper() or toks[1].lower() in _NAME_JOINERS)
    )


def _clean(name: str) -> str | None:
    """Trim a raw name: stop words, leading articles, possessive, trailing dots, a
    currency code after it ("Spotify SEK 58 million")."""
    toks = name.split()
    for i, tok in enumerate(toks):
        joins = tok.lower() in _NAME_JOINERS and i + 1 < len(toks) and toks[i + 1][:1].isupper()
        currency = tok.isupper() and tok in _CURRENCY_CODES
        if i > 0 and (currency or (not joins and tok.lower().strip(".,") in _STOP)):
            toks = toks[:i]
            break
    owner = re.sub(r"['’]s$", "", toks[0]) if toks else ""
    if len(toks) > 1 and owner != toks[0] and is_place(owner):
        toks = toks[1:]  # "Germany's Velmar Chemicals"
    article_name = (
        len(toks) > 1
        and toks[0] in ("La", "Le", "Les")
        and not toks[1].isupper()
        and toks[1].lower() not in _PUBLIC_WORDS
    )
    while (
        not article_name
        and not _keeps_head(toks)
        and len(toks) > 1
        and (toks[0].lower() in _LEAD_DROP or toks[0].lower() in _GENERIC)
    ):
        toks = toks[1:]
    out = " ".join(toks).strip(" .,;:")
    out = re.sub(r"['’]s?$", "", out)
    out = re.sub(r"^(?:L|l)['’]", "", out)
    low = out.lower()
    if low in _STOP or low in _GENERIC or low in _LEAD_DROP or not re.search(r"[^\W\d_]", out):
        return None
    if out.upper() in _CURRENCY_CODES or low.split()[-1] in _COURTS:
        return None
    if _NOT_AN_ORGANISATION.search(out):  # an amount, a law or a technology, not who paid
        return None
    return out if len(out) > 1 or out == "X" else None


Excluded = Callable[[int, int], bool]
Hit = tuple[int, str]


def _located(sentence: str, start: int, name: str) -> Hit:
    """(offset, name) with the offset of the cleaned name, not of "The" before it."""
    pos = sentence.find(name, start)
    return (pos if pos >= 0 else start), name


_WEB_NAME = re.compile(
    r"[a-z0-9][a-z0-9\-]{1,30}\.(?:com|fr|nl|de|be|es|it|io|net|org|co\.uk|eu)\b"
)


def _starts_name(tok: str) -> bool:
    return (
        tok[:1].isupper()
        or tok[:1].isdigit()
        or re.match(r"[a-z]{1,6}[A-Z]", tok) is not None
        or _WEB_NAME.match(tok) is not None
    )


# A name that qualifies the next noun is not who was sanctioned: "ATOL licence", "Ligue 1 rights".
_QUALIFIES_NOUN = re.compile(
    r"\s+(?:[a-z]+\s+)?(?i:licen[cs]es?|permits?|authori[sz]ations?|accreditations?|registrations?|approvals?"
    r"|certificates?|schemes?|status|profiles?|users?|customers?|clients?|accounts?|data|rights"
    r"|matches|matchs|rules?|agréments?|autorisations?|ads|adverts?|advertisements?"
    r"|campaigns?|publicités?)\b"
)
# "une chaîne de la TNT", "a lender of the Caisse group": the name only places an unnamed firm.
_UNNAMED_FIRM_OF = (
    r"(?:un|une|a|an)\s+[^\W\d_][\w'-]*(?:\s+[^\W\d_][\w'-]*)?"
    r"\s+(?:de\s+la|du|des|of\s+the)\s+(?:groupe\s+|group\s+|r[ée]seau\s+|network\s+)?$"
)
_UNNAMED_OF = re.compile(rf"(?i:^\s*{_UNNAMED_FIRM_OF})")
_DESCRIBED_END = re.compile(
    r"(?i:(?:^|\s)(?:le|la|l['’]|the)\s*(?:groupe|group|soci[ée]t[ée]|company|enseigne|marque"
    r"|brand|cha[iî]ne|chain|firm|op[ée]rateur|operator)\s+$)"
)
_UNNAMED_OF_END = re.compile(rf"(?i:(?:^|\s){_UNNAMED_FIRM_OF})")
_QUANTITY = re.compile(r"\d[\d\s.,]*$")
# A nationality word followed by a capitalised word that is not another nationality word
# starts a name ("British Airways") rather than describing one ("US firm X", "South Korean").
_NATIONAL_IN_NAME = re.compile(rf"\s+(?!(?:{_NATIONAL_WORDS})(?![\w.]))[{_UP}][a-z]")
_ARTICLE_NAME = re.compile(rf"\s+(?!(?i:{'|'.join(sorted(_PUBLIC_WORDS))})\b)[{_UP}][a-zà-ÿ]")
_QUOTED_NAME = re.compile(rf"\s*[{_UP}0-9][^«»\"“”.,;:!?]{{0,40}}[»”\"]")
_QUOTES = frozenset(("«", "»", '"', "“", "”"))
_DESCRIPTOR_NOUNS = _words(
    """groupe group société company enseigne marque brand chaîne chain firm opérateur operator
    plateforme platform site application app laboratoire"""
)


def _plain(raw: str) -> str | None:
    """A capitalised common noun kept as a name once a descriptor vouches for it ("le groupe
    Casino"); anything else `_clean` refused stays refused (a currency, a law, a place)."""
    out = raw.split()[0].strip(" .,;:") if raw.split() else ""
    return out if out.lower() in _GENERIC and out[:1].isupper() else None


_OF_WORDS = frozenset(("by", "for", "from", "of", "de", "du", "des", "d'", "d’"))
_ADS = frozenset(("ads", "adverts", "advertisements", "campaigns", "publicités", "products"))


def _name_after(sentence: str, pos: int, excluded: Excluded, max_skip: int = 6) -> Hit | None:
    """The name that follows `pos`, skipping articles, places and short descriptors."""
    skipped = 0
    at = pos
    read_on = False
    prev = ""
    while True:
        m = _TOKEN_RE.search(sentence, at)
        if m is None:
            return None
        at = m.end()
        tok, low = m.group(0), m.group(0).lower()
        if _NATIONAL.match(tok) and not _NATIONAL_IN_NAME.match(sentence, m.end()):
            continue  # "fines US firm X"; but "British Airways", "US Steel" are names
        article_name = tok in ("La", "Le", "Les") and _ARTICLE_NAME.match(sentence, m.end())
        if article_name and m.start() > 0:
            nm = _NAME_RE.match(sentence, m.start())
            name = _clean(nm.group(0)) if nm else None
            if nm and name and not excluded(m.start(), nm.end()) and not is_place(name):
                return _located(sentence, m.start(), name)  # "inflige une amende à La Poste"
        if low in _FR_DESC_SMALL or low.endswith(("-based", "-registered")):
            continue
        if tok in _QUOTES and _QUOTED_NAME.match(sentence, m.end()):
            continue  # "sanctionne « Le Bon Panier »"; a quoted sentence still stops the search
        if (read_on or prev in _ADS) and low in _OF_WORDS:
            continue  # "bans ads by Klarna", "the licence of X"
        if sentence[m.end() : m.end() + 1] == "$":
            return None  # "R$45m", "S$74,000": a currency, not a name
        body = _public_body(sentence, _PUBLIC_BODY_RE.match(sentence, m.start()))
        if body:
            return body
        if _starts_name(tok):
            nm = _NAME_RE.match(sentence, m.start())
            name = _clean(nm.group(0)) if nm else None
            if nm is None and _QUANTITY.match(tok):
                return None  # "le blocage de 45 sites": several unnamed firms, named later
            if nm and excluded(m.start(), nm.end()):
                return None
            if nm and name is None and prev in _DESCRIPTOR_NOUNS:
                name = _plain(nm.group(0))  # "le groupe Casino": a name, though "casino" is a noun
            if nm and name and not is_place(name):
                if _UNNAMED_OF.match(sentence[pos : m.start()]):
                    return None
                if not _QUALIFIES_NOUN.match(sentence, m.start() + len(nm.group(0).rstrip())):
                    return _described_after(sentence, nm.end()) or _with_partner_after(
                        sentence, _located(sentence, m.start(), name), nm.end(), excluded
                    )
                at = nm.end()  # "revokes the ATOL licence of X": read on
                read_on = True
            if skipped >= max_skip:
                return None
            skipped += 1  # "fines Milan broker SIM Navigli": skip the place
            continue
        if low in _BLOCK or not tok[:1].isalpha() or skipped >= max_skip:
            return None
        skipped += 1
        prev = re.sub(r"^[ld]['’]", "", low)


# "fines AI app Lumio", "sanctionne le Suisse groupe X": the first name was a descriptor.
_THEN_DESCRIBED = re.compile(
    r"\s+(?:[a-z][\w-]*\s+){0,2}?(?:app|firm|company|start-?up|chatbot|platform|maker|"
    r"operator|developer|retailer|broker|lender|insurer|subsidiary|unit|application|"
    r"plateforme|éditeur|filiale|société|entreprise)\s+(?=[" + _UP + r"0-9])"
)


def _described_after(sentence: str, end: int) -> Hit | None:
    """The name after "<name> <descriptor noun>", when a name is so described."""
    g = _THEN_DESCRIBED.match(sentence, end)
    if not g:
        return None
    nm = _NAME_RE.match(sentence, g.end())
    if nm is None or sentence[nm.end() : nm.end() + 1] == "$":  # "unit HK$348m": money
        return None
    name = _clean(nm.group(0))
    return _located(sentence, g.end(), name) if name and not is_place(name) else None


def _public_body(sentence: str, m: re.Match[str] | None) -> Hit | None:
    """The public body a match names, cut where its name stops ("ministère de l'Intérieur")."""
    if m is None:
        return None
    words = m.group(0).split()
    for i, word in enumerate(words[2:], start=2):
        if word.lower().strip(".,") in _STOP:
            words = words[:i]
            break
    return m.start(), " ".join(words).strip(" .,;:")


def _name_before(sentence: str, pos: int) -> Hit | None:
    """The name that ends at `pos` (allowing one ", appositive," before the verb)."""
    prefix = sentence[:pos].rstrip().rstrip('»”"').rstrip()  # "« Le Bon Coin » épinglé"
    if sentence[pos:].lstrip().startswith(","):
        prefix += ","
    appositive = None
    if prefix.endswith(","):
        appositive = prefix[:-1].rstrip()
        cut = prefix[:-1].rfind(",")
        prefix = prefix[:cut].rstrip() if cut > 0 else prefix[:-1]
    # "Clearview AI, the US firm, was fined": the name before the appositive; else the
    # appositive is the name ("Un site de vente en ligne, Maison Express, devra payer").
    legal = _LEGAL_APPOSITIVE.search(appositive or "")
    if legal:  # "L'éditeur de l'appli Mangez Mieux, la société NutriTech SAS, devra verser"
        name = _clean(legal.group(1))
        if name and not is_place(name):
            return _located(sentence, 0, name)
    for candidate in (prefix, appositive or ""):
        body = _public_body(sentence, _PUBLIC_BODY_END_RE.search(candidate))
        if body:
            return body
        m = _NAME_END_RE.search(candidate) if candidate else None
        name = _clean(m.group(1)) if m else None
        if m and _UNNAMED_OF_END.search(candidate[: m.start(1)]):
            continue  # "une entreprise du BTP écope": the firm is named later
        if m and name is None and _DESCRIBED_END.search(candidate[: m.start(1)]):
            name = _plain(m.group(1))  # "Le groupe Casino sanctionné"
        if m and name and not is_place(name):
            return _with_partner_before(sentence, candidate[: m.start(1)], name) or _located(
                sentence, m.start(1), name
            )
    return None


# An appositive that names the legal entity: "..., la société NutriTech SAS, devra verser".
_LEGAL_APPOSITIVE = re.compile(
    rf",\s*(?:la|le|l['’]|the)\s*(?:soci[ée]t[ée]|entreprise|company|firm|groupe|group)\s+({NAME})\s*$"
)
# "la chaîne Info24, éditée par la société Média Continu SAS": the publisher was sanctioned.
PUBLISHED_BY = re.compile(
    r",?\s+(?:[ée]dit[ée]e?s?|exploit[ée]e?s?|d[ée]tenue?s?|owned|operated|run|published)\s+"
    rf"(?:par|by)\s+(?:la\s+soci[ée]t[ée]\s+|le\s+groupe\s+|the\s+company\s+|l['’])?({NAME})"
)
# "fines Apple and Meta", "Orange et SFR sanctionnés": both firms are the target.
_AND_NAME = re.compile(rf"(?:,\s+({NAME}))?(?:,\s+({NAME}))?,?\s+(?:and|et)\s+({NAME})")
_NAME_AND_END = re.compile(rf"(?:^|(?<=[\s(«\"“]))({NAME})\s+(?:and|et)\s+$")


def _partner(raw: str) -> str | None:
    name = _clean(raw)
    whole = raw.strip().rstrip(".")  # the sentence's full stop is not part of the name
    return name if name and name.rstrip(".") == whole and not is_place(name) else None


def _with_partner_after(sentence: str, hit: Hit, end: int, excluded: Excluded) -> Hit:
    """`hit` joined by the names listed after it: "Alder Bank, Birch Capital and Cedar Trust"."""
    m = _AND_NAME.match(sentence, end)
    if m is None:
        return hit
    others = []
    for g in (1, 2, 3):
        if m.group(g) is None:
            continue
        name = _partner(m.group(g))
        if name is None or excluded(m.start(g), m.end(g)):
            return hit
        others.append(name)
    return hit[0], ", ".join([hit[1], *others])


def _with_partner_before(sentence: str, before: str, name: str) -> Hit | None:
    m = _NAME_AND_END.search(before)
    first = _partner(m.group(1)) if m else None
    if m is None or first is None:
        return None
    return _located(sentence, m.start(1), f"{first}, {name}")


def target_in_sentence(sentence: str, excluded: Excluded) -> Hit | None:
    """Return (offset, name) of the sanctioned organisation in one sentence, or None.

    Args:
        sentence: one sentence or headline.
        excluded: tells whether a (start, end) span of `sentence` is an
            authority, which can never be the target.
    """
    folded = fold(sentence)
    found: list[tuple[int, int, str]] = []

    def keep(rank: int, hit: Hit | None) -> None:
        if hit and not excluded(hit[0], hit[0] + len(hit[1])):
            found.append((rank, hit[0], hit[1]))

    for m in _VERB_OBJ.finditer(folded):
        keep(0, _name_after(sentence, m.end(), excluded))
    for m in _SUBJ_VERB.finditer(folded):
        if m.start() > 0 and not _ACTIVE_VOICE.match(m.group(0)):
            keep(0, _name_before(sentence, m.start()))
    for m in _SUBJ_WEAK.finditer(folded):
        keep(1, _name_before(sentence, m.start()))
    for m in _POSSESSIVE.finditer(sentence) if ("'s" in sentence or "’s" in sentence) else ():
        name = _clean(m.group(1))
        keep(1, _located(sentence, m.start(1), name) if name and not is_place(name) else None)
    cue_spans = [c.span() for c in _PREP_CUE.finditer(folded)]  # one pass, not one per "to"
    for m in _PREP.finditer(folded) if cue_spans else ():
        prep = m.group(0).lower()
        if _INFINITIVE.match(folded, m.end()) and prep in ("to", "a", "pour"):
            continue  # "ordered to stop scraping LinkedIn", "condamné à verser": no name here
        if prep == "for" and _GERUND.match(folded, m.end()):
            continue  # "fined for overcharging the NHS": what was done, not who did it
        if any(m.start() - 90 <= a and b <= m.start() for a, b in cue_spans):
            keep(2, _name_after(sentence, m.end(), excluded))
    return (found and min(found)[1:]) or None  # type: ignore[return-value]


_DESCRIBED = re.compile(
    _WORD_START
    + r"(?i:\b(?:company|firm|group|operator|brokerage|broker|bank|lender|insurer|retailer|platform"
    r"|app|provider|carrier|airline|distributor|manufacturer|maker|developer|publisher|network"
    r"|chain|agency|exchange|casino|website|start-?up|fintech|neobank|subsidiary|unit|arm"
    r"|societe|groupe|agence|entreprise|operateur|banque|courtier|assureur|fabricant|distributeur"
    r"|editeur|plateforme|enseigne|marque|laboratoire|filiale|neobanque|fournisseur|chaine"
    r"|application|site|prestataire|cabinet|exploitant|constructeur|transporteur|compagnie"
    r"|comparateur|importateur|importer|revendeur|reseller|vendeur|seller|vendor|hebergeur"
    r"|operated\s+by|owned\s+by|run\s+by|sold\s+by|made\s+by|exploitee?s?\s+par|vendue?s?\s+par"
    r"|fabriquee?s?\s+par|editee?s?\s+par"
    r"|known\s+as|called|named|dubbed|baptisee?|appelee?|nommee?|dont|including)\b)"
)
_LEADING_CLAUSE = re.compile(
    r"^(?:(?:In|After|Following|Après|Selon|Depuis|En|Dans|Lors|On|Since|Despite|Malgré|Pour)\b"
    r"|[A-ZÉ]\w*(?:ée?s?|ant|ing|ed|ly|ment)\b"
    r"|[A-ZÉ]\w*\s+(?=(?:par|de|dans|en|pour|by|in|with|after|for)\s))[^,]{0,90},\s*"
)


# A capitalised common word opening a sentence: "Broadcasting regulator Ofcom said...".
_COMMON_OPENER = re.compile(
    r"[A-ZÉ][a-zé]+(?:ing|tion|ment|ive|al|ous|ed|ique|aire|eur|ée?)(?=\s+[a-zé])"
)


def described_target(sentence: str, excluded: Excluded) -> Hit | None:
    """A name introduced by a descriptor: "la société Soleya Habitat", "The company, B2 Kapital"."""
    for m in _DESCRIBED.finditer(fold(sentence)):
        pos = m.end()
        rest = sentence[pos:]
        if rest.lstrip().startswith(","):
            pos += rest.index(",") + 1
        hit = _name_after(sentence, pos, excluded, max_skip=3)
        if hit:
            return hit
    return None


def subject_target(sentence: str, excluded: Excluded) -> Hit | None:
    """The organisation a sentence opens with: "Le fabricant Kelvio a imposé..."."""
    lead = _LEADING_CLAUSE.match(sentence)
    start = lead.end() if lead else 0
    word = _COMMON_OPENER.match(sentence, start)
    return _name_after(sentence, word.end() if word else start, excluded, max_skip=4)


# Outlets name either the brand or its owner ("Facebook" / "Meta"): one group each.
# Amounts and dates still tell two decisions against one group apart (story_facts).
_GROUPS = {
    "meta": ("meta", "facebook", "instagram", "whatsapp"),
    "alphabet": ("alphabet", "google", "youtube"),
    "x": ("twitter", "x"),
    "bytedance": ("bytedance", "tiktok"),
    "amazon": ("amazon", "aws"),
    "microsoft": ("microsoft", "linkedin"),
}
_GROUP_OF = {brand: group for group, brands in _GROUPS.items() for brand in brands}


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
    if re.search(rf"(?<!\w){re.escape(short)}(?!\w)", long_) is not None:
        return True
    group_a, group_b = _GROUP_OF.get(na.split()[0]), _GROUP_OF.get(nb.split()[0])
    return group_a is not None and group_a == group_b


def with_partners(sentence: str, hit: Hit, excluded: Excluded) -> Hit:
    """`hit` (offset, name in `sentence`) joined by the names listed right after it."""
    return _with_partner_after(sentence, hit, hit[0] + len(hit[1]), excluded)
