"""`monitor cluster`: JSONL in, one {"id", "story", "duplicate_of"} line per article out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import main

DATA = Path(__file__).parents[1] / "data" / "stories"
GROUPS = ("ico-clearview-2022", "ftc-twitter-2022", "ico-ba-2020", "ico-marriott-2020")


@pytest.fixture
def sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    """Labelled articles of two same-week pairs of look-alike events, in a config-free cwd."""
    monkeypatch.chdir(tmp_path)  # no ./config.toml: default settings
    rows = [json.loads(line) for line in (DATA / "stories.jsonl").read_text("utf-8").splitlines()]
    return [r for r in rows if r["story"] in GROUPS]


def _run(args: list[str], stdin: str | None = None) -> list[dict[str, object]]:
    result = CliRunner().invoke(main, ["-q", "cluster", *args], input=stdin)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def _jsonl(rows: list[dict[str, object]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def test_same_event_gets_one_story_and_look_alikes_do_not(
    sample: list[dict[str, object]], tmp_path: Path
) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(_jsonl(sample), encoding="utf-8")
    out = _run([str(path), "--facts", "input"])
    assert [o["id"] for o in out] == [r["id"] for r in sample]  # input order
    story_of = {o["id"]: o["story"] for o in out}
    for group in GROUPS:
        assert len({story_of[r["id"]] for r in sample if r["story"] == group}) == 1, group
    assert len(set(story_of.values())) == len(GROUPS)
    assert all(o["duplicate_of"] in (None, *story_of) for o in out)
    # Deterministic, and the same stories whatever the input order (here: reversed, stdin).
    reversed_out = _run(["-", "--facts", "input"], _jsonl(sample[::-1]))
    assert reversed_out == out[::-1]


def test_minimal_lines_need_only_id_title_and_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    rows = [
        {"id": 1, "title": "CNIL fines Kelvo Media €1.5m", "text": "The CNIL fined Kelvo."},
        {"id": 2, "title": "Nordlys Cloud opens a data centre in Lyon", "text": "Jobs."},
    ]
    out = _run(["-"], _jsonl(rows))  # --facts auto: the classifier, else the extractor
    assert [o["id"] for o in out] == [1, 2]
    assert out[0]["story"] != out[1]["story"]


def test_a_bad_line_is_reported_with_its_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    bad = '{"id": 1, "title": "t", "text": "x"}\n{"id": 2, "title": "no text"}\n'
    result = CliRunner().invoke(main, ["cluster", "-"], input=bad)
    assert result.exit_code == 1
    assert "line 2" in result.output and "text" in result.output
    result = CliRunner().invoke(main, ["cluster", "-"], input="not json\n")
    assert result.exit_code == 1 and "line 1" in result.output
