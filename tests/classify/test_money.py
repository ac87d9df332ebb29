"""Money amounts in English and French news text (monitor.classify.money)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.classify.money import Money, find_amounts


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("£7.5m", 7_500_000, "GBP"),
        ("£7,552,800", 7_552_800, "GBP"),
        ("$5bn", 5_000_000_000, "USD"),
        ("$1.2 billion", 1_200_000_000, "USD"),
        ("€20 million", 20_000_000, "EUR"),
        ("€746m", 746_000_000, "EUR"),
        ("US$10m", 10_000_000, "USD"),
        ("20 M€", 20_000_000, "EUR"),
        ("20 millions d'euros", 20_000_000, "EUR"),
        ("1,2 milliard d'euros", 1_200_000_000, "EUR"),
        ("150 000 euros", 150_000, "EUR"),
        ("150\u202f000 euros", 150_000, "EUR"),
        ("150\u00a0000\u00a0€", 150_000, "EUR"),
        ("7,5 millions de livres sterling", 7_500_000, "GBP"),
        ("5 milliards de dollars", 5_000_000_000, "USD"),
        ("300 000 €", 300_000, "EUR"),
        ("2,5 M€", 2_500_000, "EUR"),
        ("CHF 3m", 3_000_000, "CHF"),
        ("3 millions de francs suisses", 3_000_000, "CHF"),
        ("SEK 50 million", 50_000_000, "SEK"),
        ("NOK 65 million", 65_000_000, "NOK"),
        ("DKK 1.2m", 1_200_000, "DKK"),
        ("2 mln zł", 2_000_000, "PLN"),
        ("¥10bn", 10_000_000_000, "JPY"),
        ("CNY 18.2 billion", 18_200_000_000, "CNY"),
        ("₹200 crore", 2_000_000_000, "INR"),
        ("A$50m", 50_000_000, "AUD"),
        ("C$7.5 million", 7_500_000, "CAD"),
        ("42 billion won", 42_000_000_000, "KRW"),
        ("R$45 million", 45_000_000, "BRL"),
        ("TRY 2.6bn", 2_600_000_000, "TRY"),
        ("€50,000", 50_000, "EUR"),
        ("50.000 euros", 50_000, "EUR"),
        ("1.234.567,89 €", 1_234_567.89, "EUR"),
        ("un milliard d'euros", 1_000_000_000, "EUR"),
        ("a billion dollars", 1_000_000_000, "USD"),
        ("une amende de 250 000 livres", 250_000, "GBP"),
        ("65 millions de couronnes norvégiennes", 65_000_000, "NOK"),
    ],
)
def test_reads_value_and_currency(text: str, value: float, currency: str) -> None:
    found = find_amounts(text)
    assert [(m.value, m.currency) for m in found] == [(pytest.approx(value), currency)]
    assert found[0].approximate is False


def test_french_decimal_comma_with_scale_depends_on_language() -> None:
    assert find_amounts("1,200 milliard d'euros", "fr")[0].value == pytest.approx(1.2e9)
    assert find_amounts("$1,200 million", "en")[0].value == pytest.approx(1.2e9)


def test_span_points_at_the_amount() -> None:
    text = "The ICO fined the firm £7.5m on Monday."
    (m,) = find_amounts(text)
    assert text[m.span[0] : m.span[1]] == "£7.5m"


@pytest.mark.parametrize(
    "text",
    [
        "fined £7.5m (€8.85m) for scraping",
        "a £7.5m fine (about $9.4m)",
        "7,5 millions de livres, soit environ 8,8 millions d'euros",
        "£7.5 million ($9.4 million; €8.9 million)",
    ],
)
def test_conversions_after_the_amount_are_approximate(text: str) -> None:
    found = find_amounts(text)
    assert found[0].approximate is False
    assert len(found) >= 2
    assert all(m.approximate for m in found[1:])


@pytest.mark.parametrize(
    "text",
    [
        "a fine of around €50m",
        "environ 8,75 millions d'euros",
        "près de 800 millions d'euros",
        "the equivalent of $9.4m",
        "quelque 20 millions d'euros",
    ],
)
def test_estimates_are_approximate(text: str) -> None:
    (m,) = find_amounts(text)
    assert m.approximate is True


@pytest.mark.parametrize(
    "text",
    [
        "In 2022 the regulator opened 7.5% more cases",
        "up to 4% of global turnover",
        "on 23 May 2022 at 10:30",
        "the firm won 2 cases",
        "il a lu 3 livres",
        "a 5 m wall",
        "7,5 millions de visiteurs",
    ],
)
def test_numbers_that_are_not_money(text: str) -> None:
    assert find_amounts(text) == []


def test_year_before_amount_is_not_read_as_pounds() -> None:
    found = find_amounts("In 2022 £7.5m was imposed")
    assert [(m.value, m.currency) for m in found] == [(7_500_000, "GBP")]


def test_bare_kr_takes_the_country_named() -> None:
    assert find_amounts("Swedish regulator imposes 50 000 kr fine")[0].currency == "SEK"
    assert find_amounts("Norway's watchdog imposes 50 000 kr fine")[0].currency == "NOK"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_and_spans_are_valid(text: str) -> None:
    for m in find_amounts(text):
        assert isinstance(m, Money)
        assert 0 <= m.span[0] < m.span[1] <= len(text)
        assert m.value > 0


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "£",
                "€",
                "$",
                "7",
                ",",
                ".",
                "5",
                "m",
                " ",
                "\u202f",
                "millions",
                "d'euros",
                "(",
                ")",
                "soit",
                "bn",
                "000",
                "CHF",
                "kr",
                "%",
                "2022",
                "livres",
                "de",
            ]
        ),
        max_size=30,
    ).map("".join)
)
def test_never_raises_on_money_like_noise(text: str) -> None:
    for m in find_amounts(text, "fr"):
        assert m.value > 0
