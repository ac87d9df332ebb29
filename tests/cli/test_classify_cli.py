"""`monitor classify` (JSONL in, verdicts out) and `monitor train` through the real CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from monitor.classify.train import DATA_DIR
from monitor.cli import main
from monitor.models import Article, Feed
from monitor.store import Store

KEYS = [
    "id",
    "label",
    "score",
    "action",
    "measures",
    "authority",
    "target",
    "amount",
    "currency",
    "country",
    "law",
    "lang",
]
GOOD_EN = {
    "id": "a1",
    "title": "UK watchdog fines Clearview AI £7.5m",
    "text": "The Information Commissioner's Office has fined Clearview AI Inc £7,552,800 "
    "and ordered it to delete the data of UK residents.",
}
GOOD_FR = {
    "id": "a2",
    "title": "La CNIL ouvre une enquête sur une application de rencontre",
    "text": "Le régulateur français des données a ouvert une enquête sur la façon dont "
    "l'application conserve les données de ses utilisateurs.",
    "lang": "fr",
}


@pytest.fixture(autouse=True)
def _no_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no ./config.toml: default settings, store in tmp_path
    monkeypatch.delenv("MONITOR_CONFIG", raising=False)


def _invoke(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, ["--db", "monitor.db", *args], input=stdin)


def _jsonl(*rows: object) -> str:
    return "".join(
        (r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows
    )


def test_good_lines_give_one_verdict_each(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(_jsonl(GOOD_EN, "", GOOD_FR), encoding="utf-8")
    result = _invoke("classify", str(path))
    assert result.exit_code == 0, result.output
    en, fr = (json.loads(line) for line in result.stdout.splitlines())
    assert list(en) == KEYS
    assert en["id"] == "a1" and en["label"] == "enforcement" and en["lang"] == "en"  # detected
    assert (en["action"], en["authority"], en["country"]) == ("fine", "ICO", "GB")
    assert en["measures"] == ["delete_data"]  # "and ordered it to delete the data"
    assert (en["amount"], en["currency"]) == (7552800, "GBP")  # an int, in units
    assert 0.5 < en["score"] <= 1
    assert fr["id"] == "a2" and fr["label"] == "investigation" and fr["action"] is None
    assert fr["lang"] == "fr" and fr["authority"] == "CNIL"
    assert result.stderr == ""


def test_bad_lines_are_reported_and_skipped_with_exit_1() -> None:
    stdin = _jsonl(
        GOOD_EN,
        "{not json",
        {"id": "x", "text": "no title"},
        {"id": "y", "title": "t", "text": 5},
        [1, 2],
        GOOD_FR,
    )
    result = _invoke("classify", "-", stdin=stdin)
    assert result.exit_code == 1
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["a1", "a2"]
    err = result.stderr.splitlines()
    assert err[0].startswith("line 2: invalid JSON")
    assert err[1] == "line 3: missing or non-string 'title'"
    assert err[2] == "line 4: missing or non-string 'text'"
    assert err[3] == "line 5: expected a JSON object"
    assert err[4] == "4 bad input line(s) skipped"


def test_many_lines_are_batched_and_keep_their_order() -> None:
    rows = [dict(GOOD_EN, id=f"n{i}") if i % 3 else dict(GOOD_FR, id=f"n{i}") for i in range(150)]
    result = _invoke("classify", stdin=_jsonl(*rows))
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == [r["id"] for r in rows]
    assert {o["label"] for o in out[1::3]} == {"enforcement"}


def test_missing_head_is_a_clear_error(tmp_path: Path) -> None:
    result = _invoke("classify", "--head", str(tmp_path / "nope.json"), stdin=_jsonl(GOOD_EN))
    assert result.exit_code == 1
    assert "cannot load classifier head" in result.stderr and "nope.json" in result.stderr


def _small_dataset(tmp_path: Path) -> Path:
    """A balanced slice of the bundled EN/FR examples: 10 train + 4 held-out per label/lang."""
    rows = [
        json.loads(line)
        for lang in ("en", "fr")
        for line in (DATA_DIR / f"{lang}.jsonl").read_text("utf-8").splitlines()
    ]
    picked: list[dict[str, object]] = []
    for lang in ("en", "fr"):
        for label in ("enforcement", "investigation", "other"):
            for split, n in (("train", 10), ("heldout", 4)):
                picked += [
                    r for r in rows if (r["lang"], r["label"], r["split"]) == (lang, label, split)
                ][:n]
    path = tmp_path / "small.jsonl"
    path.write_text(_jsonl(*picked), encoding="utf-8")
    return path


def _label_one_article(db: Path) -> None:
    now = datetime(2024, 5, 1, tzinfo=UTC)
    with Store(db) as store:
        store.feeds.sync([Feed(name="wire", url="https://example.org/feed.xml")])
        article_id = store.articles.insert(
            Article(
                url="https://example.org/a",
                guid=None,
                feed="wire",
                source="Wire",
                title="Regulator bans lender from taking on new customers",
                summary="",
                text="The financial regulator banned the lender from signing up new "
                "customers until it fixes its affordability checks.",
                lang="en",
                published=None,
                fetched=now.isoformat(),
                content_hash="h1",
            )
        )
        assert article_id is not None
        store.labels.add(article_id=article_id, label="other", fields={}, who="ann", now=now)
        store.labels.add(
            article_id=article_id, label="enforcement", fields={"action": "ban"}, who="bob", now=now
        )


def test_train_writes_a_head_that_classify_uses(tmp_path: Path) -> None:
    data = _small_dataset(tmp_path)
    _label_one_article(tmp_path / "monitor.db")
    # 60 examples make a worse head than the shipped one: written only when allowed
    refused = _invoke("train", "--data", str(data), "--out", "heads/small")
    assert refused.exit_code == 1 and "refused" in refused.stderr
    assert not (tmp_path / "heads" / "small.json").exists()
    result = _invoke("train", "--data", str(data), "--out", "heads/small", "--allow-worse")
    assert result.exit_code == 0, result.output
    assert "training on 60 labelled examples + 1 analyst labels" in result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("train size 61; C=")
    assert lines[1].split() == ["held-out", "n", "enforcement", "F1", "macro-F1", "accuracy"]
    assert [line.split()[:2] for line in lines[2:5]] == [["en", "12"], ["fr", "12"], ["all", "24"]]
    head = json.loads((tmp_path / "heads" / "small.json").read_text("utf-8"))
    assert head["params"]["train_size"] == 61 and head["encoder"] == "use-multilingual-v3"
    assert (tmp_path / "heads" / "small.npz").exists()
    assert 'head = "' in lines[-1]

    no_labels = _invoke(
        "train",
        "--data",
        str(data),
        "--out",
        "heads/nolabels",
        "--no-include-labels",
        "--allow-worse",
    )
    assert "training on 60 labelled examples + 0 analyst labels" in no_labels.stderr

    out = _invoke("classify", "--head", "heads/small.json", stdin=_jsonl(GOOD_EN))
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["id"] == "a1"


def test_train_refuses_a_head_worse_than_the_baseline(tmp_path: Path) -> None:
    data = _small_dataset(tmp_path)
    first = _invoke(
        "train", "--data", str(data), "--out", "heads/good", "--no-include-labels", "--allow-worse"
    )
    assert first.exit_code == 0, first.output
    # The same held-out split, with the training labels rotated: a worse head.
    rows = [json.loads(line) for line in data.read_text("utf-8").splitlines()]
    rotate = {"enforcement": "other", "other": "investigation", "investigation": "enforcement"}
    for r in rows:
        if r["split"] == "train":
            r["label"] = rotate[r["label"]]
            r["action"] = "fine" if r["label"] == "enforcement" else None
    bad = tmp_path / "bad.jsonl"
    bad.write_text(_jsonl(*rows), encoding="utf-8")
    args = ("train", "--data", str(bad), "--out", "heads/bad", "--baseline", "heads/good.json")
    refused = _invoke(*args, "--no-include-labels")
    assert refused.exit_code == 1
    assert "refused: the new head scores worse than the baseline" in refused.stderr
    assert "all macro f1" in refused.stderr and "--allow-worse" in refused.stderr
    assert not (tmp_path / "heads" / "bad.json").exists()
    forced = _invoke(*args, "--no-include-labels", "--allow-worse")
    assert forced.exit_code == 0, forced.output
    assert (tmp_path / "heads" / "bad.json").exists()
