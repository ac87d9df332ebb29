"""Helpers for daemon and hostile-input tests: feed/page builders, hostile bodies, a daemon runner.

(Not a conftest.py: tests import `conftest` by name and a second one would shadow
tests/conftest.py.) Every text here is our own; the hostile bodies are built at test time (a 50 MB
gzip bomb is 50 KB on the wire) so nothing large lives in the repository.
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from monitor.config import Settings, parse_settings

REPO = Path(__file__).resolve().parents[2]
PARA = (
    "The data protection authority said the retailer had kept customer records far longer "
    "than necessary and had not told shoppers how their details were shared with partners. "
)


def make_settings(tmp_path: Path, feeds: list[dict[str, object]], **sections: object) -> Settings:
    """Settings for a temp store with `feeds` (a copy of tests/conftest.py's helper: importing
    `conftest` by name breaks as soon as another test folder has a conftest.py)."""
    data: dict[str, object] = {"store": {"path": str(tmp_path / "monitor.db")}, "feeds": feeds}
    data.update(sections)
    return parse_settings(data)


def page(title: str, paragraphs: int = 4) -> str:
    body = "".join(f"<p>{PARA}Paragraph {i} of the report.</p>" for i in range(paragraphs))
    return (
        f"<html lang='en'><head><title>{title}</title></head><body><nav>Home | News</nav>"
        f"<article><h1>{title}</h1>{body}</article><footer>© Example Wire</footer>"
        "</body></html>"
    )


def item(
    i: int,
    base: str,
    *,
    link: str | None = None,
    guid: str | None = None,
    date: str = "Mon, 23 May 2022 10:00:00 GMT",
    title: str | None = None,
) -> str:
    link = link or f"{base}/a/{i}"
    guid_xml = f"<guid isPermaLink='false'>{guid}</guid>" if guid else ""
    return (
        f"<item><title>{title or f'Regulator fines retailer number {i}'}</title>"
        f"<link>{link}</link>{guid_xml}<pubDate>{date}</pubDate>"
        f"<description>Summary {i}: the watchdog imposed a penalty after an inquiry into "
        "how customer records were kept.</description></item>"
    )


def rss(items: list[str] | str, *, prolog: str = "", lang: str = "en", extra: str = "") -> bytes:
    body = "".join(items) if isinstance(items, list) else items
    return (
        f"{prolog}<rss version='2.0'><channel><title>Wire</title><link>https://wire.example/"
        f"</link><description>d</description><language>{lang}</language>{extra}{body}"
        "</channel></rss>"
    ).encode()


def gzip_bomb(size: int = 50_000_000) -> bytes:
    return gzip.compress(b"\0" * size, compresslevel=9)


def stacked_gzip_bomb(size: int = 200_000_000) -> bytes:
    """`Content-Encoding: gzip, gzip`: ~1 KB that inflates to `size` bytes."""
    inner = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * (1 << 20)
    parts = [inner.compress(block) for _ in range(size >> 20)]
    parts.append(inner.flush())
    return gzip.compress(b"".join(parts), compresslevel=9)


def deflate_bomb(size: int = 50_000_000, *, raw: bool = False) -> bytes:
    obj = zlib.compressobj(9, zlib.DEFLATED, -15 if raw else 15)
    return obj.compress(b"\0" * size) + obj.flush()


def billion_laughs() -> bytes:
    decls = "<!ENTITY lol 'lol'>" + "".join(
        f"<!ENTITY lol{i} '{('&lol' + (str(i - 1) if i > 1 else '') + ';') * 10}'>"
        for i in range(1, 10)
    )
    return rss(
        item(0, "https://wire.example", title="&lol9;"),
        prolog=f"<?xml version='1.0'?><!DOCTYPE rss [{decls}]>",
    )


def external_entity() -> bytes:
    return rss(
        item(0, "https://wire.example", title="Leak &xxe;"),
        prolog="<?xml version='1.0'?><!DOCTYPE rss [<!ENTITY xxe SYSTEM 'file:///etc/hostname'>]>",
    )


def compact_items(n: int) -> bytes:
    """`n` tiny items: 100,000 of them fit in ~6 MB."""
    body = "".join(
        f"<item><title>Brief {i}</title><link>https://wire.example/b/{i}</link></item>"
        for i in range(n)
    )
    return rss(body)


# ---- the real daemon in a subprocess ------------------------------------------------------


def write_config(
    tmp_path: Path,
    feeds: list[dict[str, object]],
    *,
    allow_hosts: list[str],
    **sections: dict[str, object],
) -> Path:
    """A config.toml for `monitor run` against the loopback server."""
    lines = [
        f'[store]\npath = "{tmp_path / "monitor.db"}"\n',
        f"[fetch]\nallow_hosts = {json.dumps(allow_hosts)}\nconnect_timeout = 2.0\n"
        "read_timeout = 5.0\ntotal_timeout = 10.0\n",
    ]
    for name, values in sections.items():
        lines.append(f"[{name}]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in values.items()))
    for f in feeds:
        lines.append("[[feeds]]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in f.items()))
    path = tmp_path / "config.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


class DaemonProcess:
    """`monitor run` as a child process; the store is read with plain sqlite3."""

    def __init__(self, config: Path, *, log_format: str = "text") -> None:
        self.config = config
        self.db = config.parent / "monitor.db"
        self.log = config.parent / f"daemon-{time.monotonic_ns()}.log"
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        self._log_file = self.log.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "monitor", "--config", str(config), "-v", "run"],
            stdout=subprocess.DEVNULL,
            stderr=self._log_file,
            env=env,
            cwd=config.parent,
        )

    def query(self, sql: str) -> list[tuple[object, ...]]:
        if not self.db.exists():
            return []
        conn = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute(sql).fetchall()
        except sqlite3.OperationalError:  # schema not created yet
            return []
        finally:
            conn.close()

    def count(self, table: str = "articles") -> int:
        rows = self.query(f"SELECT count(*) FROM {table}")
        return int(rows[0][0]) if rows else 0

    def wait_for(self, check: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check():
                return
            if self.proc.poll() is not None:
                pytest.fail(
                    f"daemon exited ({self.proc.returncode}) waiting for {what}:\n"
                    + self.log_text()[-3000:]
                )
            time.sleep(0.05)
        pytest.fail(f"timed out waiting for {what}:\n" + self.log_text()[-3000:])

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> tuple[int, float]:
        """Send `sig`; returns (exit code, seconds until exit)."""
        started = time.monotonic()
        self.proc.send_signal(sig)
        code = self.proc.wait(timeout=timeout)
        return code, time.monotonic() - started

    def kill(self) -> None:
        """SIGKILL: no cleanup at all."""
        self.proc.kill()
        self.proc.wait()

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def __enter__(self) -> DaemonProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc.poll() is None:  # a failed test must not leave a daemon behind
            self.kill()
        self._log_file.close()
