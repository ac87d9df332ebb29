"""Screenshot a digest's HTML with headless Chromium, to see it as a mail client would.

    monitor digest --date 2022-05-23 --out digest.html
    python scripts/render_digest_png.py digest.html digest.png [--width 900 --height 1400]

Chromium runs with networking features off and a throwaway profile; the digest
has no external resources, so nothing is fetched. Exit status 2 when Chromium
is not installed (`apt-get install chromium`).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")


def find_chromium() -> str | None:
    """Path of a Chromium-like browser, or None."""
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def screenshot(
    html: Path,
    png: Path,
    *,
    width: int = 900,
    height: int = 1400,
    chromium: str | None = None,
    timeout_s: float = 60.0,
) -> None:
    """Render `html` (a local file) into `png`.

    Raises:
        FileNotFoundError: no Chromium found.
        RuntimeError: Chromium ran but wrote no screenshot.
    """
    browser = chromium or find_chromium()
    if browser is None:
        raise FileNotFoundError("chromium not found (apt-get install chromium)")
    png = png.resolve()
    png.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="digest-chromium-") as profile:
        cmd = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            f"--screenshot={png}",
            f"--window-size={width},{height}",
            html.resolve().as_uri(),
        ]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, check=False)
    if not png.exists() or png.stat().st_size == 0:
        raise RuntimeError(
            f"chromium wrote no screenshot (exit {done.returncode}): {done.stderr[-2000:]}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", type=Path)
    parser.add_argument("png", type=Path)
    parser.add_argument("--width", type=int, default=900)
    parser.add_argument("--height", type=int, default=1400)
    args = parser.parse_args(argv)
    try:
        screenshot(args.html, args.png, width=args.width, height=args.height)
    except FileNotFoundError as e:
        print(e, file=sys.stderr)
        return 2
    except (RuntimeError, subprocess.TimeoutExpired) as e:
        print(e, file=sys.stderr)
        return 1
    print(f"wrote {args.png}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
