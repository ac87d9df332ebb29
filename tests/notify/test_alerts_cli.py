"""`monitor alerts` and `monitor bot` through click, on a real store file."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from monitor.cli import main
from monitor.config import parse_settings
from monitor.notify.outbox import refresh_alerts
from monitor.store import Store

from .seed import CLEARVIEW, CNIL, EN, FR, add_story

NOW = datetime(2022, 5, 24, 12, 0, tzinfo=UTC)


def invoke(db: Path, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["--db", str(db), *args], env={"MONITOR_CONFIG": ""})


def test_alerts_lists_newest_first_with_delivery_state(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    assert invoke(db, "alerts").output == "no alerts\n"
    with Store(db) as store:
        ids = [add_story(store, CLEARVIEW, [EN, FR]), add_story(store, CNIL, [FR])]
        refresh_alerts(store, ids, NOW, notify=parse_settings({}).notify)
        store.db.execute(
            "UPDATE alerts SET updated_at = '2022-05-20T00:00:00.000+00:00' WHERE id = 'story-2'"
        )
    result = invoke(db, "alerts")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:5] == [
        "ALERT story-1 v1 [Enforcement] ICO → Clearview AI: fine — £7.5m "
        "(United Kingdom · UK GDPR · 2022-05-23)",
        "  UK regulator fines Clearview AI £7.5m over facial recognition database",
        f"  - Tech Policy Wire (en): {EN.url}",
        f"  - Le Journal du Numérique (fr): {FR.url}",
        "  deliveries: pending 1; updated 2022-05-24T12:00:00.000+00:00",
    ]
    lines = invoke(db, "alerts", "--json").output.splitlines()
    assert [json.loads(x)["id"] for x in lines] == ["story-1", "story-2"]
    assert json.loads(lines[0])["amount"] == 7500000
    recent = invoke(db, "alerts", "--json", "--since", "2022-05-21").output.splitlines()
    assert [json.loads(x)["id"] for x in recent] == ["story-1"]
    assert invoke(db, "alerts", "--since", "2030-01-01").output == "no alerts since 2030-01-01\n"
    bad = invoke(db, "alerts", "--since", "yesterday")
    assert bad.exit_code == 2 and "'yesterday' is not a date like 2022-05-23" in bad.output


def test_bot_needs_telegram_enabled(tmp_path: Path) -> None:
    result = invoke(tmp_path / "m.db", "bot")
    assert result.exit_code == 1
    assert "[notify.telegram] enabled is false" in result.output
