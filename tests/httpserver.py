"""A real HTTP server on 127.0.0.1 for tests: feeds, pages and faults.

Routes are registered per test. A route can set status, headers, body, a delay
before answering, a slow-drip body, gzip encoding, conditional GET on an ETag,
or a redirect. Every request is recorded so tests can assert what was asked.
"""

from __future__ import annotations

import gzip
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the status line
    drip: float | None = None  # seconds between single bytes of the body
    gzip: bool = False
    etag: str | None = None  # answer 304 when If-None-Match matches
    redirect: str | None = None  # Location for a 302
    raw_length: int | None = None  # Content-Length to announce instead of the real one
    endless: bool = False  # chunked body that never ends (repeats `body`) until the client quits
    statuses: list[int] = field(default_factory=list)  # POST: answered first, one per request


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    method: str = "GET"
    body: bytes = b""


class TestServer:
    """Serves registered routes on an ephemeral loopback port."""

    __test__ = False  # not a pytest test class

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Seen] = []
        handler = _make_handler(self)
        self._httpd = _QuietServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self.host = f"127.0.0.1:{self._httpd.server_address[1]}"
        self.base = f"http://{self.host}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    def route(self, path: str, body: bytes | str = b"", **kwargs: object) -> str:
        """Register `path`; returns its absolute URL."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Route(body=data, **kwargs)  # type: ignore[arg-type]
        return self.base + path

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> list[Seen]:
        return [r for r in self.requests if r.path == path]

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


class _QuietServer(ThreadingHTTPServer):
    """Clients that hang up mid-exchange (deadlines, size limits) are expected, not errors."""

    def handle_error(self, request: object, client_address: object) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


def _make_handler(server: TestServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            server.requests.append(Seen(self.path, {k.lower(): v for k, v in self.headers.items()}))
            route = server.routes.get(self.path)
            if route is None:
                self._send(404, {}, b"not found")
                return
            if route.delay:
                time.sleep(route.delay)
            if route.redirect:
                self._send(302, {"Location": route.redirect}, b"")
                return
            if route.etag and self.headers.get("If-None-Match") == route.etag:
                self._send(304, {"ETag": route.etag}, b"")
                return
            if route.endless:
                self._send_endless(route)
                return
            headers = dict(route.headers)
            if route.etag:
                headers["ETag"] = route.etag
            body = route.body
            if route.gzip:
                body = gzip.compress(body)
                headers["Content-Encoding"] = "gzip"
            self._send(route.status, headers, body, drip=route.drip, length=route.raw_length)

        def do_POST(self) -> None:  # webhooks: record the body, answer the route
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            server.requests.append(
                Seen(
                    self.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    method="POST",
                    body=body,
                )
            )
            route = server.routes.get(self.path)
            if route is None:
                self._send(404, {}, b"not found")
                return
            status = route.statuses.pop(0) if route.statuses else route.status
            self._send(status, dict(route.headers), route.body)

        def _send(
            self,
            status: int,
            headers: dict[str, str],
            body: bytes,
            *,
            drip: float | None = None,
            length: int | None = None,
        ) -> None:
            try:
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(length if length is not None else len(body)))
                self.end_headers()
                if drip is None:
                    self.wfile.write(body)
                    return
                for i in range(len(body)):
                    self.wfile.write(body[i : i + 1])
                    self.wfile.flush()
                    time.sleep(drip)
            except (BrokenPipeError, ConnectionResetError):
                return  # the client gave up (timeouts, size limits): that's the test

        def _send_endless(self, route: Route) -> None:
            try:
                self.send_response(route.status)
                for k, v in route.headers.items():
                    self.send_header(k, v)
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                chunk = route.body or b"x" * 4096
                while True:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            except (BrokenPipeError, ConnectionResetError):
                return

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return

    return Handler
