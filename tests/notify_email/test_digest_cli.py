"""`monitor digest` end to end: config file, seeded store, real SMTP server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import main
from monitor.notify import smtp
from monitor.notify.smtp import RetryPolicy
from monitor.store import Store

from .digest_seed import EVIL_TITLE
from .smtp_helpers import RECIPIENTS, SmtpServer, free_port


def write_config(tmp_path: Path, port: int, *, enabled: bool = True) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[store]\npath = "monitor.db"\n\n'
        f'[digest]\nenabled = {json.dumps(enabled)}\ntimezone = "Europe/Paris"\n'
        f'recipients = {json.dumps(RECIPIENTS)}\nsmtp_host = "127.0.0.1"\n'
        f'smtp_port = {port}\nsender = "digest@monitor.example"\n',
        encoding="utf-8",
    )
    return path


def run(config: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--config", str(config), "digest", *args])
    return result.exit_code, result.stdout, result.stderr


def test_preview_prints_subject_and_text(
    tmp_path: Path, seeded: tuple[Store, dict[str, int]]
) -> None:
    code, out, _ = run(write_config(tmp_path, 25), "--date", "2022-05-23")
    assert code == 0
    assert out.startswith(
        "Subject: [news-monitor] 2022-05-23: 3 enforcement actions, 1 investigation\n"
    )
    assert EVIL_TITLE in out


def test_out_writes_the_html(tmp_path: Path, seeded: tuple[Store, dict[str, int]]) -> None:
    target = tmp_path / "digest.html"
    code, out, _ = run(write_config(tmp_path, 25), "--date", "2022-05-23", "--out", str(target))
    assert code == 0 and f"wrote {target}" in out
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "&lt;script&gt;" in html


def test_send_once_then_already_sent(
    tmp_path: Path, seeded: tuple[Store, dict[str, int]], smtp_server: SmtpServer
) -> None:
    config = write_config(tmp_path, smtp_server.port)
    code, out, _ = run(config, "--date", "2022-05-23", "--send")
    assert code == 0 and "sent          alice@example.org" in out
    code, out, _ = run(config, "--date", "2022-05-23", "--send")
    assert code == 0 and "already sent  bob@example.org" in out
    assert len(smtp_server.handler.received) == 2
    code, out, _ = run(config, "--date", "2022-05-23", "--send", "--to", "carol@example.org")
    assert code == 0 and smtp_server.handler.received[-1].rcpt_tos == ["carol@example.org"]


def test_send_failure_exits_1(
    tmp_path: Path, seeded: tuple[Store, dict[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(smtp, "DEFAULT_RETRY", RetryPolicy(attempts=2, base_delay_s=0.01))
    code, _, err = run(write_config(tmp_path, free_port()), "--date", "2022-05-23", "--send")
    assert code == 1 and "FAILED        alice@example.org" in err and "refused" in err


def test_usage_errors(tmp_path: Path, seeded: tuple[Store, dict[str, int]]) -> None:
    config = write_config(tmp_path, 25, enabled=False)
    code, _, err = run(config, "--send", "--out", "x.html")
    assert code == 2 and "cannot be combined" in err
    code, _, err = run(config, "--to", "a@example.org")
    assert code == 2 and "--to needs --send" in err
    code, _, err = run(config, "--send")
    assert code == 1 and "digest.enabled is false" in err
    code, _, err = run(config, "--date", "23/05/2022")
    assert code == 2
