"""Loopback HTTP server for the bundled demo feeds and pages.

Owns: serving `monitor/demo/feeds/*` and `monitor/demo/pages/*` on 127.0.0.1
with the `{{base}}` placeholder replaced by the server's own URL, proper
content types, and ETag/Last-Modified so a second poll gets 304. The demo
goes through the same fetch/extract path as real feeds. Does not own:
anything about what the content means.
"""

from __future__ import annotations

import email.utils
import hashlib
import threading
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

DEMO_DIR = Path(__file__).parent
_TYPES = {
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".rdf": "application/rdf+xml",
    ".xml": "application/xml",
    ".html": "text/html",
}
_ROUTES = {"feeds": DEMO_DIR / "feeds", "articles": DEMO_DIR / "pages"}
# Demo URLs use one fixed host so that articles keep the same canonical URL across runs,
# whatever ephemeral port the server gets; `DemoTransport` routes that host to the server.
DEMO_HOST = "demo.localhost"
DEMO_BASE = f"http://{DEMO_HOST}"
# The demo files never change while served: one fixed date makes conditional GET work.
_LAST_MODIFIED = email.utils.formatdate(1653300000, usegmt=True)


class _Handler(BaseHTTPRequestHandler):
    server_version = "news-monitor-demo"

    def __init__(self, *args: object, base: list[str], **kwargs: object) -> None:
        self._base = base
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def do_GET(self) -> None:
        body, ctype = self._resolve()
        if body is None:
            self.send_error(404, "not in the demo")
            return
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", _LAST_MODIFIED)
        self.end_headers()
        self.wfile.write(body)

    def _resolve(self) -> tuple[bytes | None, str]:
        parts = self.path.split("?", 1)[0].strip("/").split("/")
        if len(parts) != 2 or parts[0] not in _ROUTES or parts[1].startswith("."):
            return None, ""
        path = _ROUTES[parts[0]] / parts[1]
        if not path.is_file():
            return None, ""
        raw = path.read_bytes().replace(b"{{base}}", self._base[0].encode("ascii"))
        ctype = _TYPES.get(path.suffix, "application/octet-stream")
        if path.suffix == ".html":
            ctype += "; charset=utf-8"
        return raw, ctype

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        return  # quiet: the pipeline reports what matters


class DemoServer:
    """Serves the demo on an ephemeral loopback port until `close()`."""

    host = DEMO_HOST
    base_url = DEMO_BASE

    def __init__(self) -> None:
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, base=[DEMO_BASE]))
        self.port = int(self._httpd.server_address[1])
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    def url_for(self, demo_url: str) -> str:
        """demo://feeds/x.rss -> http://demo.localhost/feeds/x.rss"""
        return self.base_url + "/" + demo_url.split("://", 1)[1].lstrip("/")

    def transport(self, **kwargs: object) -> httpx.AsyncBaseTransport:
        """An httpx transport that sends demo-host requests to this server."""
        return DemoTransport(self.port, httpx.AsyncHTTPTransport(**kwargs))  # type: ignore[arg-type]

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def feed_files() -> list[Path]:
    """The bundled demo feed files."""
    return sorted(p for p in (DEMO_DIR / "feeds").iterdir() if p.suffix in _TYPES)


class DemoTransport(httpx.AsyncBaseTransport):
    """Routes requests for the demo host to the loopback port; others pass through."""

    def __init__(self, port: int, inner: httpx.AsyncBaseTransport) -> None:
        self._port = port
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == DEMO_HOST:
            request.url = request.url.copy_with(host="127.0.0.1", port=self._port)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()
