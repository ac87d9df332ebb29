"""The digest's HTML as a browser draws it: a headless Chromium screenshot.

Skipped when Chromium is not installed (`apt-get install chromium`).
"""

from __future__ import annotations

import struct
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from monitor.config import DigestSettings
from monitor.notify.digest import load_digest
from monitor.notify.email_render import render_digest
from monitor.store import Store

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "render_digest_png.py"
sys.path.insert(0, str(SCRIPT.parent))

from render_digest_png import find_chromium  # noqa: E402

pytestmark = pytest.mark.skipif(
    find_chromium() is None, reason="Chromium is not installed (apt-get install chromium)"
)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_digest_renders_to_png(tmp_path: Path, seeded: tuple[Store, dict[str, int]]) -> None:
    digest = load_digest(seeded[0], DigestSettings(timezone="Europe/Paris"), date(2022, 5, 23))
    html = tmp_path / "digest.html"
    html.write_text(
        render_digest(digest, unsubscribe="mailto:x@example.org").html, encoding="utf-8"
    )
    png = tmp_path / "digest.png"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(html), str(png)],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    data = png.read_bytes()
    assert png_size(data) == (900, 1400)
    assert len(data) > 20_000  # a drawn page, not a blank one (a blank one is ~7 KB)
