"""Reader-facing names of codes, in English and French.

Owns: the words shown for country codes, language codes, actions, measures and labels
in messages. Unknown codes are shown as they are. Pure lookups.
"""

from __future__ import annotations

Lang = str  # "en" or "fr"; anything else reads as English

_COUNTRIES: dict[str, tuple[str, str]] = {
    "AT": ("Austria", "Autriche"),
    "AU": ("Australia", "Australie"),
    "BE": ("Belgium", "Belgique"),
    "BR": ("Brazil", "Brésil"),
    "CA": ("Canada", "Canada"),
    "CH": ("Switzerland", "Suisse"),
    "CN": ("China", "Chine"),
    "DE": ("Germany", "Allemagne"),
    "DK": ("Denmark", "Danemark"),
    "ES": ("Spain", "Espagne"),
    "EU": ("European Union", "Union européenne"),
    "FI": ("Finland", "Finlande"),
    "FR": ("France", "France"),
    "GB": ("United Kingdom", "Royaume-Uni"),
    "GR": ("Greece", "Grèce"),
    "IE": ("Ireland", "Irlande"),
    "IN": ("India", "Inde"),
    "IT": ("Italy", "Italie"),
    "JP": ("Japan", "Japon"),
    "KR": ("South Korea", "Corée du Sud"),
    "LU": ("Luxembourg", "Luxembourg"),
    "NL": ("Netherlands", "Pays-Bas"),
    "NO": ("Norway", "Norvège"),
    "PL": ("Poland", "Pologne"),
    "PT": ("Portugal", "Portugal"),
    "SE": ("Sweden", "Suède"),
    "TR": ("Türkiye", "Turquie"),
    "US": ("United States", "États-Unis"),
}
_LANGUAGES: dict[str, tuple[str, str]] = {
    "en": ("English", "anglais"),
    "fr": ("French", "français"),
    "de": ("German", "allemand"),
    "es": ("Spanish", "espagnol"),
    "it": ("Italian", "italien"),
    "nl": ("Dutch", "néerlandais"),
    "pt": ("Portuguese", "portugais"),
}
_ACTIONS: dict[str, tuple[str, str]] = {
    "fine": ("fine", "amende"),
    "order": ("order", "injonction"),
    "ban": ("ban", "interdiction"),
    "formal_notice": ("formal notice", "mise en demeure"),
    "settlement": ("settlement", "transaction"),
    "other": ("other measure", "autre mesure"),
}
_MEASURES: dict[str, tuple[str, str]] = {
    **_ACTIONS,
    "delete_data": ("order to delete data", "injonction d'effacer les données"),
    "stop_processing": ("order to stop the processing", "injonction de cesser le traitement"),
    "comply": ("order to comply", "injonction de mise en conformité"),
    "reprimand": ("reprimand", "rappel à l'ordre"),
}
_LABELS: dict[str, tuple[str, str]] = {
    "enforcement": ("Enforcement", "Sanction"),
    "investigation": ("Investigation", "Enquête"),
    "other": ("Other", "Autre"),
}


def _pick(table: dict[str, tuple[str, str]], code: str, lang: Lang) -> str:
    names = table.get(code)
    if names is None:
        return code
    return names[1] if lang == "fr" else names[0]


def country(code: str, lang: Lang = "en") -> str:
    return _pick(_COUNTRIES, code.upper(), lang)


def language(code: str, lang: Lang = "en") -> str:
    return _pick(_LANGUAGES, code.lower(), lang)


def action(code: str, lang: Lang = "en") -> str:
    return _pick(_ACTIONS, code, lang)


def measure(code: str, lang: Lang = "en") -> str:
    """A measure besides the main action ("order to delete data")."""
    return _pick(_MEASURES, code, lang)


def label(code: str, lang: Lang = "en") -> str:
    return _pick(_LABELS, code, lang)


def reader_lang(language_code: str | None) -> Lang:
    """Language of messages for a Telegram user: French for fr-*, else English."""
    return "fr" if (language_code or "").lower().startswith("fr") else "en"
