"""README line 1 on the bundled demo: the real CLI, the real demo server, a real store."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from monitor.store import Store

REPO = Path(__file__).parent.parent


def monitor(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "monitor", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=300)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("demo") / "monitor.db"
    first = monitor("--config", str(REPO / "config.toml"), "--db", str(db), "run", "--once")
    assert first.returncode == 0, first.stderr
    assert re.search(r"4 feeds \(4 ok, 0 failed\), \d+ new articles", first.stdout), first.stdout
    return db


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
    listing = monitor("--config", str(REPO / "config.toml"), "--db", str(demo_db), "feeds",
                      "list")
    assert listing.returncode == 0 and "journal-numerique" in listing.stdout


def test_feeds_check_shows_without_storing(tmp_path: Path, http_server) -> None:
    feed = ("<rss version='2.0'><channel><title>t</title><item><title>Hello</title>"
            f"<link>{http_server.base}/p</link></item></channel></rss>")
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
