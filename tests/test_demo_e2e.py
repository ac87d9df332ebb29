"""README line 1 on the bundled demo: the real CLI, the real demo server, a real store."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from monitor.store import Store

REPO = Path(__file__).parent.parent


def monitor(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "monitor", *args],
        cwd=cwd,
        text=True,
        capture_output=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """README line 1 on a fresh store: (store path, what the first run printed)."""
    db = tmp_path_factory.mktemp("demo") / "monitor.db"
    first = monitor("--config", str(REPO / "config.toml"), "--db", str(db), "run", "--once")
    assert first.returncode == 0, first.stderr
    assert re.search(r"4 feeds \(4 ok, 0 failed\), \d+ new articles", first.stdout), first.stdout
    return db, first.stdout


@pytest.fixture(scope="module")
def demo_db(demo_run: tuple[Path, str]) -> Path:
    return demo_run[0]


def test_demo_fills_the_store_in_both_languages(demo_db: Path) -> None:
    with Store(demo_db) as store:
        by_lang = store.articles.count_by_lang()
        assert store.articles.count() >= 24
        assert by_lang.get("en", 0) >= 12 and by_lang.get("fr", 0) >= 12
        rows = list(store.db["articles"].rows)
    assert all(not re.search(r"utm_|xtor", r["url"]) for r in rows)
    assert all(r["published"] and r["published"].endswith("+00:00") for r in rows)
    summary_only = [r for r in rows if r["extraction"] == "summary"]
    assert len(summary_only) == 1 and summary_only[0]["extraction_error"].startswith("http_404")


def test_second_run_stores_nothing_twice(demo_db: Path) -> None:
    with Store(demo_db) as store:
        before = store.articles.count()
    again = monitor("--config", str(REPO / "config.toml"), "--db", str(demo_db), "run", "--once")
    assert again.returncode == 0 and "0 new articles" in again.stdout
    with Store(demo_db) as store:
        assert store.articles.count() == before


def test_stats_and_feeds_list(demo_db: Path) -> None:
    stats = monitor("--config", str(REPO / "config.toml"), "--db", str(demo_db), "stats")
    assert stats.returncode == 0 and re.search(r"articles: \d+ \(en: \d+, fr: \d+\)", stats.stdout)
    listing = monitor("--config", str(REPO / "config.toml"), "--db", str(demo_db), "feeds", "list")
    assert listing.returncode == 0 and "journal-numerique" in listing.stdout


def test_feeds_check_shows_without_storing(tmp_path: Path, http_server) -> None:
    feed = (
        "<rss version='2.0'><channel><title>t</title><item><title>Hello</title>"
        f"<link>{http_server.base}/p</link></item></channel></rss>"
    )
    http_server.route("/f.xml", feed)
    cfg = tmp_path / "c.toml"
    cfg.write_text(f'[fetch]\nallow_hosts = ["{http_server.host}"]\n')
    out = monitor("--config", str(cfg), "feeds", "check", http_server.url("/f.xml"))
    assert out.returncode == 0, out.stderr
    assert "1 items" in out.stdout and "Hello" in out.stdout and "http_404" in out.stdout
    assert not (tmp_path / "monitor.db").exists()


def test_bad_config_exits_with_a_clear_error(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text("[fetch]\nmax_bytes = 'lots'\n")
    out = monitor("--config", str(cfg), "run", "--once")
    assert out.returncode != 0 and "fetch.max_bytes: must be an integer" in out.stderr


def test_founding_story_is_one_alert_with_its_three_sources(demo_run: tuple[Path, str]) -> None:
    db, printed = demo_run
    # the console channel printed each alert once, the founding story among them
    assert (
        len(
            re.findall(
                r"^ALERT story-\d+ v\d+ \[Enforcement\] ICO → Clearview AI: fine", printed, re.M
            )
        )
        == 1
    )
    out = monitor("--config", str(REPO / "config.toml"), "--db", str(db), "alerts", "--json")
    assert out.returncode == 0, out.stderr
    alerts = [json.loads(line) for line in out.stdout.splitlines()]
    founding = [a for a in alerts if a["authority"] == "ICO" and a["target"] == "Clearview AI"]
    assert len(founding) == 1
    [a] = founding
    assert (a["label"], a["action"], a["amount"], a["currency"], a["country"]) == (
        "enforcement",
        "fine",
        7552800,
        "GBP",
        "GB",
    )
    # a fine *and* an order to delete UK residents' data: every measure, not only the first
    assert "delete_data" in a["measures"]
    assert a["languages"] == ["en", "fr"] and len(a["sources"]) == 3
    assert {s["outlet"] for s in a["sources"]} == {
        "Tech Policy Wire",
        "Euro Digital News",
        "Le Journal du Numérique",
    }
    # the look-alike Clearview fines (CNIL, Garante) and formal notice are other alerts
    others = {(x["authority"], x["action"]) for x in alerts if x["target"] == "Clearview AI"}
    assert others == {
        ("ICO", "fine"),
        ("CNIL", "fine"),
        ("Garante", "fine"),
        ("CNIL", "formal_notice"),
    }
    with Store(db) as store:  # every article was classified and put in a story
        assert (
            store.db.execute("SELECT count(*) FROM articles WHERE story_id IS NULL").fetchone()[0]
            == 0
        )
        assert (
            store.db.execute("SELECT count(*) FROM classifications").fetchone()[0]
            == store.articles.count()
        )


def test_search_finds_the_founding_story_in_both_languages(demo_db: Path) -> None:
    out = monitor(
        "--config", str(REPO / "config.toml"), "--db", str(demo_db), "search", "clearview"
    )
    assert out.returncode == 0, out.stderr
    assert re.search(r"^#\d+ \[en\] 2022-05-23 ", out.stdout, re.M)
    assert re.search(r"^#\d+ \[fr\] 2022-05-23 ", out.stdout, re.M)
    assert "[Clearview]" in out.stdout  # the match is highlighted


def test_digest_of_the_demo_day_lists_the_founding_story_once(
    demo_db: Path, tmp_path: Path
) -> None:
    from notify_email.smtp_helpers import RECIPIENTS, SmtpServer

    server = SmtpServer()
    try:
        cfg = tmp_path / "config.toml"
        cfg.write_text(
            f"[store]\npath = {json.dumps(str(demo_db))}\n\n[digest]\n"
            f'enabled = true\ntimezone = "Europe/London"\n'
            f"recipients = {json.dumps(RECIPIENTS)}\n"
            f'smtp_host = "127.0.0.1"\nsmtp_port = {server.port}\n',
            encoding="utf-8",
        )
        html_path = tmp_path / "d.html"
        out = monitor(
            "--config", str(cfg), "digest", "--date", "2022-05-23", "--out", str(html_path)
        )
        assert out.returncode == 0, out.stderr
        html = html_path.read_text(encoding="utf-8")
        assert html.count("ICO → Clearview AI · Fine £7,552,800") == 1  # one story block
        assert "Fine £7,552,800 + order to delete data" in html
        assert html.count("Languages: EN, FR · 3 sources") == 1
        assert "Le Journal du Numérique" in html and "Euro Digital News" in html
        for _ in range(2):
            sent = monitor("--config", str(cfg), "digest", "--date", "2022-05-23", "--send")
            assert sent.returncode == 0, sent.stderr
        # sent twice, delivered once per recipient, each with the founding story once
        assert sorted(to for r in server.handler.received for to in r.rcpt_tos) == sorted(
            RECIPIENTS
        )
        for r in server.handler.received:
            text = r.message.get_body(("plain",)).get_content()
            assert text.count("ICO → Clearview AI · Fine £7,552,800") == 1
    finally:
        server.stop()
