"""Rendering alerts for people: Telegram HTML and plain text, in English or French.

Owns: message layout, amount formatting and escaping. Every piece of text
that comes from a feed is cleaned (control characters and line breaks become
spaces) and, for HTML, escaped with `html.escape`; links are only made from
http(s) URLs, with the href escaped too. Pure functions.

Amounts are shown as imposed, in the reader's language, rounded to at most
two decimals of millions or billions (the exact figure is in the JSON):

    EN: £750,000   £7.5m   £7.55m   €1.2bn   $20m   CHF 3m
    FR: 750 000 £  7,5 M£  7,55 M£  1,2 Md€  20 M$  3 M CHF

French uses a narrow no-break space (U+202F) between thousands and a no-break
space (U+00A0) before the unit.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata

from monitor.models import Alert, AlertSource
from monitor.notify import names

TELEGRAM_LIMIT = 4096
MAX_SOURCES = 8
_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$", "JPY": "¥"}
_EMOJI = {"enforcement": "🚨", "investigation": "🔎"}
_NBSP, _NNBSP = "\u00a0", "\u202f"
_WORDS = {
    "en": {
        "action": "Action",
        "country": "Country",
        "law": "Law",
        "date": "Date",
        "sources": "Sources",
        "more": "… and {n} more",
        "updated": "✏️ Updated (version {v})",
    },
    "fr": {
        "action": "Mesure",
        "country": "Pays",
        "law": "Texte",
        "date": "Date",
        "sources": "Sources",
        "more": "… et {n} autres",
        "updated": "✏️ Mis à jour (version {v})",
    },
}


def clean(text: str | None, limit: int | None = None) -> str:
    """One line of display text: control and separator characters become spaces."""
    out = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in (text or ""))
    out = re.sub(" {2,}", " ", out).strip(" ")  # keeps no-break spaces (French amounts)
    if limit is not None and len(out) > limit:
        out = out[: limit - 1].rstrip() + "…"
    return out


def esc(text: str | None, limit: int | None = None) -> str:
    """Cleaned and HTML-escaped, safe inside a Telegram HTML message."""
    return html.escape(clean(text, limit), quote=False)


def link(url: str, text: str) -> str:
    """`<a href>` for http(s) URLs (text and href escaped); plain escaped text otherwise."""
    url = clean(url)
    if not re.match(r"https?://\S+$", url, re.IGNORECASE):
        return esc(text)
    return f'<a href="{html.escape(url, quote=True)}">{esc(text)}</a>'


def _decimals(value: float, lang: str) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "fr" else text


def format_amount(amount: float | None, currency: str | None, lang: str = "en") -> str:
    """`amount` (units, as imposed) for a reader of `lang`; "" when unknown."""
    if amount is None or not math.isfinite(amount) or amount < 0:
        return ""
    code = clean(currency).upper()[:3]
    symbol = _SYMBOLS.get(code)
    if amount >= 999_995_000:
        number, unit = _decimals(amount / 1e9, lang), ("Md" if lang == "fr" else "bn")
    elif amount >= 999_995:
        number, unit = _decimals(amount / 1e6, lang), ("M" if lang == "fr" else "m")
    else:
        grouped = f"{round(amount):,}"
        number, unit = (grouped.replace(",", _NNBSP) if lang == "fr" else grouped), ""
    if lang == "fr":
        tail = unit + (symbol or (f" {code}" if unit and code else code))
        return f"{number}{_NBSP}{tail}".rstrip() if tail else number
    if symbol:
        return f"{symbol}{number}{unit}"
    return f"{code} {number}{unit}".strip()


def _who(alert: Alert) -> str:
    f = alert.fields
    return " → ".join(x for x in (clean(f.authority, 80), clean(f.target, 80)) if x)


def _action_text(alert: Alert, lang: str) -> str:
    """ "Fine — £7,552,800 + order to delete data": the main action, then every other measure."""
    f = alert.fields
    parts = [
        names.action(f.action, lang) if f.action else "",
        format_amount(f.amount, f.currency, lang),
    ]
    main = " — ".join(p for p in parts if p)
    return " + ".join(p for p in (main, *(names.measure(m, lang) for m in f.measures)) if p)


def _fact_lines(alert: Alert, lang: str) -> list[tuple[str, str]]:
    f, w = alert.fields, _WORDS[lang]
    facts = [
        (w["action"], _action_text(alert, lang)),
        (w["country"], names.country(f.country, lang) if f.country else ""),
        (w["law"], clean(f.law, 120)),
        (w["date"], clean(alert.date)),
    ]
    return [(k, clean(v)) for k, v in facts if v]


def _colon(lang: str) -> str:
    return f"{_NBSP}: " if lang == "fr" else ": "


def _source_html(s: AlertSource) -> str:
    lang = f" ({esc(s.lang.upper(), 8)})" if s.lang else ""
    return f"• {link(s.url, clean(s.outlet, 60) or s.url)}{lang} — {esc(s.title, 120)}"


def telegram_html(alert: Alert, lang: str = "en") -> str:
    """The Telegram message (parse mode HTML) for `alert`, at most 4096 characters."""
    lang = "fr" if lang == "fr" else "en"
    shown = min(len(alert.sources), MAX_SOURCES)
    while True:
        text = _telegram_html(alert, lang, shown)
        if len(text) <= TELEGRAM_LIMIT or shown == 0:
            return text[:TELEGRAM_LIMIT]
        shown -= 1


def _telegram_html(alert: Alert, lang: str, shown: int) -> str:
    w = _WORDS[lang]
    head = f"{_EMOJI.get(alert.label, '🔔')} <b>{esc(names.label(alert.label, lang))}</b>"
    who = _who(alert)
    headline = esc(alert.headline, 300)
    lines = [
        head + (f" · {html.escape(who, quote=False)}" if who else ""),
        f"<b>{headline}</b>" if headline else "",
        "",
    ]
    lines += [
        f"{k}{_colon(lang)}{html.escape(v, quote=False)}" for k, v in _fact_lines(alert, lang)
    ]
    if alert.sources:
        lines += ["", f"{w['sources']} ({len(alert.sources)}){_colon(lang).rstrip()}"]
        lines += [_source_html(s) for s in alert.sources[:shown]]
        if len(alert.sources) > shown:
            lines.append(esc(w["more"].format(n=len(alert.sources) - shown)))
    if alert.version > 1:
        lines += ["", w["updated"].format(v=alert.version)]
    return "\n".join(lines)


def plain_text(alert: Alert, *, event: str = "new", lang: str = "en") -> str:
    """Plain-text rendering (console, logs): one summary line, headline, one line per source."""
    lang = "fr" if lang == "fr" else "en"
    tag = "UPDATE" if event == "update" else "ALERT"
    facts = " · ".join(v for k, v in _fact_lines(alert, lang) if k != _WORDS[lang]["action"])
    action = _action_text(alert, lang)
    summary = " ".join(x for x in (f"{_who(alert)}:" if _who(alert) else "", action) if x)
    first = f"{tag} {alert.id} v{alert.version} [{names.label(alert.label, lang)}] {summary}"
    lines = [
        first.rstrip(": ") + (f" ({facts})" if facts else ""),
        f"  {clean(alert.headline, 300)}",
    ]
    lines += [f"  - {clean(s.outlet, 60)} ({s.lang or '?'}): {clean(s.url)}" for s in alert.sources]
    return "\n".join(lines)


def short_line(alert: Alert, lang: str = "en") -> str:
    """One HTML line for lists (/latest): date, who, what, linked headline."""
    parts = [p for p in (clean(alert.date), _who(alert), _action_text(alert, lang)) if p]
    url = alert.sources[0].url if alert.sources else ""
    head = link(url, clean(alert.headline, 160)) if url else esc(alert.headline, 160)
    return "• " + html.escape(" · ".join(parts), quote=False) + (" — " if parts else "") + head
