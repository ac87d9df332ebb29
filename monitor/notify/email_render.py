"""Rendering the daily digest as an email: subject, plain text, HTML, MIME message.

Owns: the Jinja2 environment (autoescape on for `*.html.j2`, strict undefined),
the filters the templates use (full amounts as imposed, country/action names,
local times, http(s)-only links), the subject line, and the
`multipart/alternative` message with its headers (From, To, Subject, Date,
Message-ID, List-Unsubscribe). Does not own: what the digest contains
(`monitor.notify.digest`) or sending (`monitor.notify.smtp`).

Amounts are shown in full, as imposed: £7,552,800, €20,000,000, CHF 3,000,000.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from monitor.notify import names
from monitor.notify.format import clean

if TYPE_CHECKING:
    from monitor.notify.digest import Digest

TEMPLATES = Path(__file__).parent / "templates"
PRODUCT = "news-monitor"
_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}


@dataclass(frozen=True, slots=True, kw_only=True)
class RenderedDigest:
    """The three texts of a digest; the same for every recipient."""

    subject: str
    text: str
    html: str


def full_amount(amount: float | None, currency: str | None) -> str:
    """E.g. "£7,552,800", "GBP"-less codes as "CHF 3,000,000"; "" when unknown."""
    if amount is None or not math.isfinite(amount) or amount < 0:
        return ""
    number = f"{amount:,.0f}" if float(amount).is_integer() else f"{amount:,.2f}"
    code = clean(currency).upper()[:3]
    symbol = _SYMBOLS.get(code)
    if symbol:
        return f"{symbol}{number}"
    return f"{code} {number}".strip()


def http_url(url: str | None) -> str | None:
    """`url` when it is an http(s) link with a host, else None (never link javascript: etc.)."""
    url = clean(url)
    parts = urlsplit(url)
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def _local_time(value: str | None, timezone: str) -> str:
    """An ISO timestamp as "23 May 10:14" in the digest's time zone; "" when unreadable."""
    if not value:
        return ""
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return ""
    if when.tzinfo is not None:
        when = when.astimezone(ZoneInfo(timezone))
    return f"{when.day} {when:%b %H:%M}"


def _group_name(key: str | None, group_by: str) -> str:
    if key is None:
        return "Country not identified" if group_by == "country" else "Authority not identified"
    if group_by == "country":
        name = names.country(key)
        return f"{name} ({key})" if name != key else key
    return clean(key)


def _lang_tag(lang: str | None) -> str:
    return (lang or "?").upper()


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        amount=full_amount,
        url=http_url,
        clean=clean,
        local_time=_local_time,
        group_name=_group_name,
        lang_tag=_lang_tag,
        action=names.action,
        measure=names.measure,
        country=names.country,
        label=names.label,
    )
    return env


_ENV = _environment()


def subject_line(digest: Digest) -> str:
    """E.g. "[news-monitor] 2022-05-23: 3 enforcement actions, 1 investigation"."""
    day = digest.day.isoformat()
    if digest.is_empty:
        return f"[{PRODUCT}] {day}: nothing to report"
    return f"[{PRODUCT}] {day}: {digest.counts(with_articles=False)}"


def render_digest(digest: Digest, *, unsubscribe: str) -> RenderedDigest:
    """Subject, plain text and HTML of `digest`; every feed text is escaped in the HTML."""
    subject = subject_line(digest)
    unsub = unsubscribe_target(unsubscribe)
    context = {
        "digest": digest,
        "subject": subject,
        "summary": digest.counts(),
        "day_long": f"{digest.day:%A} {digest.day.day} {digest.day:%B %Y}",
        "unsubscribe": unsub,
        "product": PRODUCT,
    }
    text = _ENV.get_template("digest.txt.j2").render(context)
    html = _ENV.get_template("digest.html.j2").render(context)
    return RenderedDigest(subject=subject, text=text, html=html)


def unsubscribe_target(value: str) -> str:
    """The address or URL readers use to unsubscribe, without angle brackets."""
    return value.strip().strip("<>").strip()


def message_id(key: str, sender: str) -> str:
    """A Message-ID derived from the delivery key: a re-send after a crash reuses it,
    so mail clients that deduplicate by Message-ID show the digest once."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]
    return f"<digest.{digest}@{domain}>"


def build_message(
    rendered: RenderedDigest,
    *,
    sender: str,
    recipient: str,
    unsubscribe: str,
    msg_id: str,
    now: datetime,
) -> EmailMessage:
    """A multipart/alternative message: text/plain first, text/html preferred."""
    msg = EmailMessage()
    msg["Subject"] = rendered.subject
    msg["From"] = sender
    msg["To"] = recipient
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = msg_id
    target = unsubscribe_target(unsubscribe)
    msg["List-Unsubscribe"] = f"<{target}>"
    if target.lower().startswith("https://"):
        # RFC 8058 one-click unsubscribe; only meaningful for an https endpoint.
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation auto-replies
    msg.set_content(rendered.text, subtype="plain", charset="utf-8")
    msg.add_alternative(rendered.html, subtype="html", charset="utf-8")
    return msg
