"""Fetcher against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import gzip
from dataclasses import replace

import pytest

from monitor.config import FetchSettings
from monitor.errors import BlockedURLError, FetchError, FetchTimeoutError, TooLargeError
from monitor.sources.http import Fetcher


def fetch(settings: FetchSettings, url: str, **kw: str):  # type: ignore[no-untyped-def]
    async def go():  # type: ignore[no-untyped-def]
        async with Fetcher(settings) as f:
            return await f.get(url, **kw)

    return asyncio.run(go())


def test_plain_get_returns_body_and_headers(http_server, fetch_settings) -> None:
    url = http_server.route("/f.xml", b"<rss/>", headers={"Content-Type": "application/rss+xml"})
    r = fetch(fetch_settings, url)
    assert r.status == 200 and r.body == b"<rss/>"
    assert r.headers["content-type"] == "application/rss+xml"
    assert "news-monitor" in http_server.hits("/f.xml")[0].headers["user-agent"]


def test_conditional_get_gives_304(http_server, fetch_settings) -> None:
    url = http_server.route(
        "/f.xml", b"<rss/>", etag='"v1"', headers={"Last-Modified": "Mon, 23 May 2022 09:00:00 GMT"}
    )
    first = fetch(fetch_settings, url)
    again = fetch(
        fetch_settings,
        url,
        etag=first.headers["etag"],
        last_modified=first.headers["last-modified"],
    )
    assert again.not_modified and again.body == b""
    sent = http_server.hits("/f.xml")[1].headers
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Mon, 23 May 2022 09:00:00 GMT"


def test_redirects_are_followed_and_reported(http_server, fetch_settings) -> None:
    target = http_server.route("/new.xml", b"moved here")
    start = http_server.route("/old.xml", redirect=target)
    r = fetch(fetch_settings, start)
    assert r.body == b"moved here" and r.final_url == target


def test_redirect_loop_is_an_error(http_server, fetch_settings) -> None:
    http_server.route("/a", redirect=http_server.url("/b"))
    http_server.route("/b", redirect=http_server.url("/a"))
    with pytest.raises(FetchError) as e:
        fetch(fetch_settings, http_server.url("/a"))
    assert e.value.reason == "redirect_loop"


def test_too_many_redirects(http_server, fetch_settings) -> None:
    for i in range(8):
        http_server.route(f"/r{i}", redirect=http_server.url(f"/r{i + 1}"))
    with pytest.raises(FetchError) as e:
        fetch(replace(fetch_settings, max_redirects=3), http_server.url("/r0"))
    assert e.value.reason == "too_many_redirects"


@pytest.mark.parametrize("status", [404, 500, 503])
def test_http_errors_carry_status(http_server, fetch_settings, status: int) -> None:
    url = http_server.route("/x", b"nope", status=status, headers={"Retry-After": "120"})
    with pytest.raises(FetchError) as e:
        fetch(fetch_settings, url)
    assert e.value.status == status and e.value.reason == f"http_{status}"
    assert e.value.retry_after == "120"


def test_slow_response_hits_the_read_timeout(http_server, fetch_settings) -> None:
    url = http_server.route("/slow", b"late", delay=2.5)
    with pytest.raises(FetchTimeoutError):
        fetch(replace(fetch_settings, read_timeout=0.5, total_timeout=5), url)


def test_slow_drip_body_hits_the_total_deadline(http_server, fetch_settings) -> None:
    url = http_server.route("/drip", b"x" * 200, drip=0.05)
    with pytest.raises(FetchTimeoutError):
        fetch(replace(fetch_settings, read_timeout=1, total_timeout=1.0), url)


def test_oversized_body_is_refused(http_server, fetch_settings) -> None:
    url = http_server.route("/big", b"x" * 300_000)
    with pytest.raises(TooLargeError):
        fetch(fetch_settings, url)


def test_gzip_bomb_is_cut_while_inflating(http_server, fetch_settings) -> None:
    bomb = b"\0" * 50_000_000  # 50 MB of zeros -> ~50 KB compressed
    url = http_server.route("/bomb", bomb, gzip=True)
    with pytest.raises(TooLargeError):
        fetch(fetch_settings, url)


def test_gzip_body_is_decoded(http_server, fetch_settings) -> None:
    url = http_server.route("/z", b"<rss>hello</rss>", gzip=True)
    assert fetch(fetch_settings, url).body == b"<rss>hello</rss>"
    assert gzip.compress(b"x")  # sanity: gzip available


def test_loopback_refused_unless_allowed(http_server) -> None:
    url = http_server.route("/f", b"secret")
    with pytest.raises(BlockedURLError, match=r"non-public address 127\.0\.0\.1"):
        fetch(FetchSettings(), url)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "gopher://x/"])
def test_non_http_schemes_refused(url: str) -> None:
    with pytest.raises(BlockedURLError, match="refused scheme"):
        fetch(FetchSettings(), url)


@pytest.mark.parametrize(
    "addr",
    [
        "http://10.0.0.1/",
        "http://169.254.169.254/latest",
        "http://[::1]/",
        "http://192.168.1.1/",
        "http://0.0.0.0/",
    ],
)
def test_private_and_link_local_refused(addr: str) -> None:
    with pytest.raises(BlockedURLError):
        fetch(FetchSettings(connect_timeout=0.5), addr)


def test_redirect_to_private_address_refused(http_server) -> None:
    url = http_server.route("/go", redirect="http://169.254.169.254/meta")
    settings = FetchSettings(allow_hosts=(http_server.host,))
    with pytest.raises(BlockedURLError):
        fetch(settings, url)
