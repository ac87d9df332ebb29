"""Analyst labels: validation, `monitor label`, and `LabelRepo.latest()` for training."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.errors import LabelError
from monitor.models import EventFields
from monitor.store import Store
from monitor.store.labels import parse_field_pairs, validate_label

NOW = datetime(2022, 5, 25, 9, 30, tzinfo=UTC)


def test_latest_is_one_row_per_article_with_its_text(analyst_store: Store) -> None:
    latest = analyst_store.labels.latest()
    assert [(x.article_id, x.label, x.who) for x in latest] == [
        (2, "enforcement", "alice"),  # alice's label replaced bob's earlier "other"
        (5, "investigation", "alice"),
    ]
    clearview = latest[0]
    assert clearview.lang == "fr"
    assert clearview.title == "Reconnaissance faciale : Clearview AI sanctionnée au Royaume-Uni"
    assert "8,75 millions d'euros" in clearview.text
    assert clearview.event_fields() == EventFields(
        action="fine",
        authority="ICO",
        target="Clearview AI",
        amount=7552800.0,
        currency="GBP",
        country="GB",
    )


def test_add_appends_and_the_newest_wins(analyst_store: Store) -> None:
    label_id = analyst_store.labels.add(
        article_id=5, label="other", fields={}, who="carol", now=NOW
    )
    assert label_id == 4
    assert [x.label for x in analyst_store.labels.latest() if x.article_id == 5] == ["other"]
    history = analyst_store.labels.history(5)
    assert [(h["label"], h["who"]) for h in history] == [
        ("investigation", "alice"),
        ("other", "carol"),
    ]
    assert history[-1]["created_at"] == "2022-05-25T09:30:00.000+00:00"


@pytest.mark.parametrize(
    ("label", "fields", "message"),
    [
        ("fine", {}, "label 'fine': expected one of enforcement, investigation, other"),
        ("enforcement", {"penalty": "5"}, "unknown field(s) penalty"),
        ("enforcement", {"event_date": "2022-05-23"}, "unknown field(s) event_date"),
        ("enforcement", {"amount": "7.5m", "currency": "GBP"}, "amount '7.5m': expected a number"),
        ("enforcement", {"amount": "nan", "currency": "GBP"}, "expected a number"),
        ("enforcement", {"amount": "-5", "currency": "GBP"}, "expected a number"),
        ("enforcement", {"amount": "7500000"}, "amount needs a currency"),
        ("enforcement", {"action": "penalty"}, "action 'penalty': expected one of fine, order"),
        ("enforcement", {"currency": "£"}, "ISO 4217"),
        ("enforcement", {"country": "UK1"}, "ISO 3166-1 alpha-2"),
        ("enforcement", {"authority": "  "}, "field 'authority' is empty"),
    ],
)
def test_invalid_labels_are_refused(label: str, fields: dict[str, str], message: str) -> None:
    with pytest.raises(LabelError) as e:
        validate_label(label, fields)
    assert message in str(e.value)


def test_valid_fields_are_normalised() -> None:
    assert validate_label(
        "enforcement",
        {
            "amount": "7_552_800",
            "currency": "gbp",
            "country": "gb",
            "action": "fine",
            "authority": " ICO ",
            "law": "UK GDPR",
        },
    ) == {
        "action": "fine",
        "authority": "ICO",
        "amount": 7552800.0,
        "currency": "GBP",
        "country": "GB",
        "law": "UK GDPR",
    }
    assert validate_label("investigation", {"country": "EU"}) == {"country": "EU"}


def test_field_pairs() -> None:
    assert parse_field_pairs(["target=Clearview AI", "law=a=b"]) == {
        "target": "Clearview AI",
        "law": "a=b",
    }
    with pytest.raises(LabelError, match="expected NAME=VALUE"):
        parse_field_pairs(["amount"])
    with pytest.raises(LabelError, match="given twice"):
        parse_field_pairs(["amount=1", "amount=2"])


def test_unknown_article_is_refused(analyst_store: Store) -> None:
    with pytest.raises(LabelError, match="no article with id 999"):
        analyst_store.labels.add(article_id=999, label="other", fields={}, who="a", now=NOW)
    assert analyst_store.labels.count() == 3


def test_cli_label_records_a_validated_label(cli, analyst_db: Path) -> None:
    result = cli(
        analyst_db,
        "label",
        "1",
        "enforcement",
        "--field",
        "action=fine",
        "--field",
        "amount=7552800",
        "--field",
        "currency=gbp",
        "--field",
        "authority=ICO",
        "--field",
        "target=Clearview AI",
        "--field",
        "country=GB",
        "--who",
        "dana",
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("article 1: enforcement ")
    with Store(analyst_db) as store:
        first = store.labels.latest()[0]
    assert (first.article_id, first.who, first.fields["currency"], first.fields["amount"]) == (
        1,
        "dana",
        "GBP",
        7552800.0,
    )


def test_cli_label_who_defaults_to_the_environment(
    cli, analyst_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MONITOR_ANALYST", "erin")
    assert cli(analyst_db, "label", "9", "other").exit_code == 0
    with Store(analyst_db) as store:
        assert store.labels.history(9)[-1]["who"] == "erin"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["999", "other"], "no article with id 999"),
        (["1", "fine"], "'fine' is not one of 'enforcement', 'investigation', 'other'"),
        (["x", "other"], "'x' is not a valid integer"),
        (
            ["1", "enforcement", "--field", "amount=lots", "--field", "currency=GBP"],
            "expected a number",
        ),
        (["1", "enforcement", "--field", "action=fined"], "action 'fined'"),
        (["1", "enforcement", "--field", "fine=1"], "unknown field(s) fine"),
    ],
)
def test_cli_label_errors(cli, analyst_db: Path, args: list[str], message: str) -> None:
    result = cli(analyst_db, "label", *args)
    assert result.exit_code == 2
    assert message in result.output
    with Store(analyst_db) as store:
        assert store.labels.count() == 3  # nothing recorded
