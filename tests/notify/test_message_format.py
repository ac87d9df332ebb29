"""Rendering alerts: amounts per language, Telegram HTML safety, plain text."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.models import Alert, AlertSource, EventFields
from monitor.notify.format import clean, format_amount, plain_text, telegram_html

from .botapi_methods import render

NB, NNB = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    ("amount", "currency", "en", "fr"),
    [
        (7_500_000, "GBP", "£7.5m", f"7,5{NB}M£"),
        (7_552_800, "GBP", "£7.55m", f"7,55{NB}M£"),
        (750_000, "GBP", "£750,000", f"750{NNB}000{NB}£"),
        (1_200_000_000, "EUR", "€1.2bn", f"1,2{NB}Md€"),
        (20_000_000, "USD", "$20m", f"20{NB}M$"),
        (3_000_000, "CHF", "CHF 3m", f"3{NB}M CHF"),
        (999_999, "EUR", "€1m", f"1{NB}M€"),  # rounds up into millions
        (999_994, "EUR", "€999,994", f"999{NNB}994{NB}€"),
        (1_500, "SEK", "SEK 1,500", f"1{NNB}500{NB}SEK"),
        (5_000_000, None, "5m", f"5{NB}M"),
        (None, "EUR", "", ""),
        (float("nan"), "EUR", "", ""),
    ],
)
def test_amounts(amount: float | None, currency: str | None, en: str, fr: str) -> None:
    assert format_amount(amount, currency, "en") == en
    assert format_amount(amount, currency, "fr") == fr


def alert(**changes: object) -> Alert:
    base = Alert(
        id="story-3",
        story_id=3,
        version=1,
        label="enforcement",
        headline="Regulator fines Clearview AI",
        score=0.9,
        fields=EventFields(
            authority="ICO",
            target="Clearview AI",
            action="fine",
            amount=7_500_000.0,
            currency="GBP",
            country="GB",
        ),
        date="2022-05-23",
        languages=("en",),
        sources=(
            AlertSource(
                outlet="Wire",
                lang="en",
                url="https://w.example/a?x=1&y=2",
                title="Fine",
                published=None,
            ),
        ),
    )
    return replace(base, **changes)


def test_markup_and_links_are_escaped() -> None:
    hostile = alert(
        headline="<b>Fake</b> & <script>alert(1)</script>\nsecond line",
        fields=EventFields(authority="A<i>", target='T"&'),
        sources=(
            AlertSource(
                outlet="O</a>", lang="en", url='https://x.example/"><b>', title="t", published=None
            ),
            AlertSource(
                outlet="Bad", lang="en", url="javascript:alert(1)", title="t2", published=None
            ),
        ),
    )
    text, links = render(telegram_html(hostile))
    assert text.splitlines()[:2] == [
        '🚨 Enforcement · A<i> → T"&',
        "<b>Fake</b> & <script>alert(1)</script> second line",
    ]
    assert links == [('https://x.example/"><b>', "")]  # the javascript: URL is not a link
    assert "• Bad (EN) — t2" in text


def test_long_messages_fit_telegram() -> None:
    many = tuple(
        AlertSource(
            outlet=f"Outlet {i}",
            lang="fr",
            url=f"https://o{i}.example/" + "p" * 1500,
            title="T" * 300,
            published=None,
        )
        for i in range(30)
    )
    message = telegram_html(alert(sources=many, headline="H" * 5000))
    text, _ = render(message)
    assert len(message) <= 4096
    assert "Sources (30):" in text and text.count("• ") < 30
    assert "… and" in text


@settings(max_examples=60, deadline=None)
@given(
    headline=st.text(max_size=300),
    outlet=st.text(max_size=40),
    url=st.text(max_size=60),
    authority=st.one_of(st.none(), st.text(max_size=40)),
    lang=st.sampled_from(["en", "fr"]),
)
def test_any_text_renders_as_valid_telegram_html(
    headline: str, outlet: str, url: str, authority: str | None, lang: str
) -> None:
    a = alert(
        headline=headline,
        fields=EventFields(authority=authority),
        sources=(
            AlertSource(
                outlet=outlet,
                lang="en",
                url="https://e.example/" + url,
                title=headline,
                published=None,
            ),
        ),
    )
    text, _ = render(telegram_html(a, lang))  # raises on markup Telegram would refuse
    assert clean(headline, 300) in text


@settings(deadline=None)
@given(st.text(max_size=200))
def test_plain_text_has_no_control_characters(headline: str) -> None:
    out = plain_text(alert(headline=headline), event="update")
    lines = out.split("\n")
    assert len(lines) == 3 and lines[0].startswith("UPDATE story-3 v1 [Enforcement]")
    assert not any(ord(c) < 32 or c == "\x7f" for c in out.replace("\n", ""))


def test_plain_text_example() -> None:
    assert plain_text(alert()) == (
        "ALERT story-3 v1 [Enforcement] ICO → Clearview AI: fine — £7.5m "
        "(United Kingdom · 2022-05-23)\n"
        "  Regulator fines Clearview AI\n"
        "  - Wire (en): https://w.example/a?x=1&y=2"
    )
