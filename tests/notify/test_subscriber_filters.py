"""Subscriber filters: parsing untrusted text, plain-words descriptions, matching."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.errors import FilterError
from monitor.models import Alert, AlertSource, EventFields
from monitor.notify.filters import Filters, describe, matches, parse_filters, wants_label

ALERT = Alert(
    id="story-1",
    story_id=1,
    version=1,
    label="enforcement",
    headline="La CNIL sanctionne un éditeur de logiciels médicaux",
    score=0.9,
    fields=EventFields(
        authority="CNIL",
        target="Dédalus Biologie",
        action="fine",
        amount=1_500_000.0,
        currency="EUR",
        country="FR",
        law="RGPD",
    ),
    date="2022-04-21",
    languages=("fr",),
    sources=(
        AlertSource(
            outlet="Actu Régulation",
            lang="fr",
            url="https://a.example/1",
            title="Données de santé : amende pour l'éditeur",
            published=None,
        ),
    ),
)


def test_parse_every_key() -> None:
    f = parse_filters(
        'lang=FR,en country=fr,gb authority=CNIL,"Garante privacy" action=fines,ban'
        ' min=1.5m keywords="données de santé",meta investigations=oui'
    )
    assert f == Filters(
        langs=("fr", "en"),
        countries=("FR", "GB"),
        authorities=("CNIL", "Garante privacy"),
        actions=("fine", "ban"),
        min_amount=1_500_000.0,
        keywords=("données de santé", "meta"),
        investigations=True,
    )
    assert Filters.from_dict(f.to_dict()) == f
    assert parse_filters("") == Filters()
    assert parse_filters("min=250k").min_amount == 250_000
    assert parse_filters("min=1mEUR") == Filters(min_amount=1e6, min_currency="EUR")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colour=red", "unknown filter 'colour=red'"),
        ("lang", "unknown filter 'lang'"),
        ("lang=", "lang: give at least one value"),
        ("lang=french", "lang: 'french' is not a two-letter code"),
        ("action=jail", "action: unknown 'jail'"),
        ("min=1,5,6", "min: give one amount"),
        ("investigations=maybe", "investigations: say yes or no"),
        ('keywords="open', "cannot read the filters: No closing quotation"),
    ],
)
def test_parse_errors_name_the_problem(text: str, message: str) -> None:
    with pytest.raises(FilterError, match=message):
        parse_filters(text)


@settings(deadline=None)  # a slow shared CI machine must not fail a pure function
@given(st.text(max_size=80))
def test_parse_never_fails_otherwise(text: str) -> None:
    try:
        f = parse_filters(text)
    except FilterError:
        return
    assert Filters.from_dict(f.to_dict()) == f
    assert describe(f)  # always something to show back


def test_describe_in_plain_words() -> None:
    f = parse_filters("country=FR,DE,XX min=2mEUR action=formal_notice")
    assert describe(f, investigations_default=True) == [
        "enforcement actions and investigations",
        "in France, Germany or XX",
        "of type: formal notice",
        "with an amount of at least 2,000,000 EUR",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", True),
        ("lang=fr", True),
        ("lang=en", False),
        ("country=FR,GB", True),
        ("country=GB", False),
        ("authority=cnil", True),
        ("authority=ICO", False),
        ("action=fine,ban", True),
        ("action=order", False),
        ("min=1.5m", True),
        ("min=1.6m", False),
        ("min=1mEUR", True),
        ("min=1mGBP", False),
        ("keywords=dedalus", True),  # accents and case ignored, target searched
        ("keywords=sante", True),  # source titles searched
        ("keywords=dedal", False),  # whole words only
        ("keywords=meta,logiciels", True),
        ("country=FR keywords=meta", False),
    ],
)
def test_matches(text: str, expected: bool) -> None:
    assert matches(parse_filters(text), ALERT) is expected


def test_unknown_facts_do_not_match_a_filter_on_them() -> None:
    bare = replace(ALERT, fields=EventFields())
    assert matches(parse_filters("min=1"), bare) is False
    assert matches(parse_filters("country=FR"), bare) is False
    assert matches(parse_filters("lang=fr"), bare) is True


def test_investigations_are_opt_in() -> None:
    labels = ("enforcement",)
    assert wants_label(Filters(), "enforcement", labels=labels, investigations_default=False)
    assert not wants_label(Filters(), "investigation", labels=labels, investigations_default=False)
    assert wants_label(Filters(), "investigation", labels=labels, investigations_default=True)
    assert wants_label(
        Filters(investigations=True), "investigation", labels=labels, investigations_default=False
    )
    assert not wants_label(
        Filters(investigations=False),
        "investigation",
        labels=("enforcement", "investigation"),
        investigations_default=True,
    )
    assert not wants_label(Filters(), "other", labels=labels, investigations_default=True)
