"""docs/alerts.md is tested: its JSON, message, amounts, commands and filters are the code's."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from monitor.models import AlertSource
from monitor.notify.alerts import alert_to_dict, build_alert
from monitor.notify.bot import HANDLERS
from monitor.notify.filters import KEYS
from monitor.notify.format import format_amount, telegram_html
from monitor.notify.replies import ADMIN_COMMANDS, PUBLIC_COMMANDS

from .botapi_methods import render
from .seed import clearview_story

DOC = (Path(__file__).parents[2] / "docs" / "alerts.md").read_text(encoding="utf-8")


def block(lang: str) -> str:
    return re.search(rf"```{lang}\n(.*?)```", DOC, re.S).group(1)  # type: ignore[union-attr]


def founding_example(version: int) -> dict[str, object]:
    story = clearview_story(id=42, version=version)
    sources = [
        AlertSource(
            outlet=s["outlet"],
            lang=s["lang"],
            url=s["url"],
            title=s["title"],
            published=s["published"],
        )
        for s in json.loads(block("json"))["sources"]
    ]
    return alert_to_dict(build_alert(story, sources))


def test_json_example_is_what_we_produce() -> None:
    assert json.loads(block("json")) == founding_example(2)


def test_json_keys_are_all_documented() -> None:
    for key in founding_example(1):
        assert f"`{key}`" in DOC


def test_telegram_example_is_what_users_see() -> None:
    from monitor.notify.alerts import alert_from_dict

    alert = alert_from_dict(founding_example(1))
    assert render(telegram_html(alert))[0] == block("text").rstrip("\n")


AMOUNTS = re.findall(r"^\| (\d+) ([A-Z]{3}) \| (.+?) \| (.+?) \|$", DOC, re.M)


@pytest.mark.parametrize(("amount", "currency", "en", "fr"), AMOUNTS)
def test_amount_table(amount: str, currency: str, en: str, fr: str) -> None:
    assert format_amount(float(amount), currency, "en") == en
    # The doc shows plain spaces where French typography uses no-break ones.
    assert (
        format_amount(float(amount), currency, "fr").replace("\u202f", " ").replace("\u00a0", " ")
        == fr
    )


def test_every_command_and_filter_is_documented() -> None:
    assert len(AMOUNTS) == 6
    commands = {c for c, _ in PUBLIC_COMMANDS + ADMIN_COMMANDS}
    assert commands == {name for name, _ in HANDLERS}
    for command in commands:
        assert f"`/{command}" in DOC
    for key in KEYS:
        assert f"`{key}=" in DOC
