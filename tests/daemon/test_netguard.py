"""Bounded content decoding and the connect-time address guard."""

from __future__ import annotations

import asyncio
import gzip
import zlib

import httpcore
import pytest
from daemonkit import deflate_bomb, stacked_gzip_bomb

from monitor.config import FetchSettings
from monitor.errors import BlockedURLError, FetchError
from monitor.sources.decode import STEP, BoundedDecoder
from monitor.sources.http import Fetcher
from monitor.sources.netpolicy import GuardedBackend

TEXT = b"<rss><channel><title>Amende</title></channel></rss>" * 50


def decode_all(encoding: str, data: bytes, chunk: int = 1000) -> list[bytes]:
    decoder = BoundedDecoder(encoding)
    return [p for i in range(0, len(data), chunk) for p in decoder.feed(data[i : i + chunk])]


@pytest.mark.parametrize(
    "encoding,data",
    [
        ("gzip", gzip.compress(TEXT)),
        ("x-gzip", gzip.compress(TEXT)),
        ("deflate", zlib.compress(TEXT)),
        ("gzip, gzip", gzip.compress(gzip.compress(TEXT))),
        ("identity", TEXT),
        (None, TEXT),
    ],
)
def test_decodes_what_we_advertise(encoding: str | None, data: bytes) -> None:
    decoder = BoundedDecoder(encoding)
    out = b"".join(p for i in range(0, len(data), 7) for p in decoder.feed(data[i : i + 7]))
    assert out == TEXT


def test_raw_deflate_is_accepted() -> None:
    obj = zlib.compressobj(6, zlib.DEFLATED, -15)
    data = obj.compress(TEXT) + obj.flush()
    assert b"".join(decode_all("deflate", data)) == TEXT


def test_multi_member_gzip() -> None:
    data = gzip.compress(b"first half ") + gzip.compress(b"second half")
    assert b"".join(decode_all("gzip", data)) == b"first half second half"


@pytest.mark.parametrize(
    "encoding,build", [("gzip, gzip", stacked_gzip_bomb), ("deflate", deflate_bomb)]
)
def test_bombs_inflate_in_small_steps(encoding: str, build) -> None:  # type: ignore[no-untyped-def]
    decoder = BoundedDecoder(encoding)
    seen = 0
    for piece in decoder.feed(build(64 << 20)):  # the whole bomb in one network chunk
        assert len(piece) <= STEP
        seen += len(piece)
        if seen > 1_000_000:  # the caller stops here (max_bytes): nothing big was ever built
            break
    assert seen > 1_000_000


@pytest.mark.parametrize(
    "encoding,data,message",
    [
        ("br", b"\x0b", "unsupported content encoding 'br'"),
        ("gzip, gzip, gzip", b"", "3 stacked content encodings"),
        ("gzip", b"\x1f\x8b\x08\x00garbage-not-deflate" * 3, "corrupt compressed body"),
    ],
)
def test_bad_encodings_are_fetch_errors(encoding: str, data: bytes, message: str) -> None:
    with pytest.raises(FetchError, match=message) as e:
        decode_all(encoding, data)
    assert e.value.reason == "bad_encoding"


def test_connect_time_guard_refuses_private_addresses(http_server) -> None:
    """DNS rebinding: even when the URL check passed, the connection re-checks the address."""
    port = int(http_server.host.split(":")[1])

    async def connect(backend: GuardedBackend, host: str) -> None:
        stream = await backend.connect_tcp(host, port, timeout=2)
        await stream.aclose()

    with pytest.raises(BlockedURLError, match="at connect time"):
        asyncio.run(connect(GuardedBackend(), "localhost"))
    asyncio.run(connect(GuardedBackend(allow_hosts={f"localhost:{port}"}), "localhost"))
    asyncio.run(connect(GuardedBackend(allow_private=True), "127.0.0.1"))
    with pytest.raises(httpcore.ConnectError):
        asyncio.run(connect(GuardedBackend(), "no-such-host.invalid"))


def test_fetcher_uses_the_guard_by_default(http_server, monkeypatch) -> None:
    """A rebinding host passes the URL check (first DNS answer public) but not the connect."""
    url = http_server.route("/f.xml", b"<rss/>")

    async def first_answer_was_public(url: str, **kwargs: object) -> None:
        return None

    monkeypatch.setattr("monitor.sources.http.check_url", first_answer_was_public)

    async def go() -> None:
        async with Fetcher(FetchSettings(allow_hosts=(http_server.host,))) as fetcher:
            assert (await fetcher.get(url)).body == b"<rss/>"  # allowed host: connects
            with pytest.raises(BlockedURLError, match="at connect time"):
                await fetcher.get(url.replace("127.0.0.1", "localhost"))

    asyncio.run(go())
    assert len(http_server.hits("/f.xml")) == 1
