"""HTTP fetching with httpx: limits, deadlines, conditional GET, address policy.

Owns: one shared `httpx.AsyncClient`, global and per-host concurrency limits,
manual redirect following (each hop re-checked against the address policy,
loops and long chains refused), a total deadline that also stops slow-drip
bodies, a cap on the raw and on the *decoded* body size, decoding done by
`decode.BoundedDecoder` in small steps (so gzip/deflate bombs, stacked ones
included, stop early without a memory spike), and wrapping httpx errors into
`FetchError`. Does not own: parsing the body.
"""

from __future__ import annotations

import asyncio
import sys
from collections import defaultdict
from dataclasses import dataclass

import httpx

try:  # httpcore tries `import sniffio` on every request; when it is not installed each
    import sniffio  # noqa: F401  failed import scans sys.path again (~65 us, 10x a request)
except ImportError:
    sys.modules["sniffio"] = None  # type: ignore[assignment]  # cache the miss: import fails fast

from monitor.config import FetchSettings
from monitor.errors import FetchError, FetchTimeoutError, TooLargeError
from monitor.sources.decode import BoundedDecoder
from monitor.sources.netpolicy import check_url, guarded_transport
from monitor.sources.urls import host_key

_REDIRECTS = (301, 302, 303, 307, 308)


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchResult:
    """Outcome of one GET; `body` is empty when `not_modified`."""

    url: str
    final_url: str
    status: int
    body: bytes
    headers: dict[str, str]

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class Fetcher:
    """Fetches URLs under the limits of `FetchSettings`. Use as an async context manager."""

    def __init__(
        self, settings: FetchSettings, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self._settings = settings
        self.allow_hosts: set[str] = set(settings.allow_hosts)
        limits = httpx.Limits(max_connections=settings.concurrency)
        if transport is None:  # re-check addresses when connecting (DNS rebinding)
            transport = guarded_transport(
                allow_private=settings.allow_private, allow_hosts=self.allow_hosts, limits=limits
            )
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(
                connect=settings.connect_timeout,
                read=settings.read_timeout,
                write=settings.read_timeout,
                pool=settings.total_timeout,
            ),
            follow_redirects=False,
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
            limits=limits,
            transport=transport,
            trust_env=False,
        )
        self._global = asyncio.Semaphore(settings.concurrency)
        self._per_host: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(settings.per_host_concurrency)
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET `url`, following redirects; conditional when etag/last_modified are given.

        Raises:
            FetchError: any failure, with `reason` set (timeout, too_large,
                blocked_url, http_404, redirect_loop, ...).
        """
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            async with asyncio.timeout(self._settings.total_timeout):
                return await self._follow(url, headers)
        except TimeoutError as e:
            raise FetchTimeoutError(
                f"{url}: no complete response within {self._settings.total_timeout:g}s"
            ) from e

    async def _follow(self, url: str, headers: dict[str, str]) -> FetchResult:
        seen: list[str] = []
        current = url
        while True:
            if current in seen:
                raise FetchError(f"{url}: redirect loop via {current}", reason="redirect_loop")
            if len(seen) > self._settings.max_redirects:
                raise FetchError(
                    f"{url}: more than {self._settings.max_redirects} redirects",
                    reason="too_many_redirects",
                )
            seen.append(current)
            await check_url(
                current, allow_private=self._settings.allow_private, allow_hosts=self.allow_hosts
            )
            status, resp_headers, body = await self._get_once(current, headers)
            if status in _REDIRECTS and "location" in resp_headers:
                current = str(httpx.URL(current).join(resp_headers["location"]))
                continue
            if status == 304:
                return FetchResult(
                    url=url, final_url=current, status=304, body=b"", headers=resp_headers
                )
            if status >= 400:
                raise FetchError(
                    f"{current}: HTTP {status}",
                    reason=f"http_{status}",
                    status=status,
                    retry_after=resp_headers.get("retry-after"),
                )
            return FetchResult(
                url=url, final_url=current, status=status, body=body, headers=resp_headers
            )

    async def _get_once(
        self, url: str, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        async with self._global, self._per_host[host_key(url)]:
            try:
                async with self._client.stream("GET", url, headers=headers) as resp:
                    resp_headers = {k.lower(): v for k, v in resp.headers.items()}
                    if resp.status_code in _REDIRECTS or resp.status_code == 304:
                        return resp.status_code, resp_headers, b""
                    body = await self._read_capped(url, resp)
                    return resp.status_code, resp_headers, body
            except httpx.TimeoutException as e:
                raise FetchTimeoutError(f"{url}: {type(e).__name__}") from e
            except httpx.DecodingError as e:
                raise FetchError(f"{url}: bad content encoding: {e}", reason="bad_encoding") from e
            except httpx.HTTPError as e:
                raise FetchError(f"{url}: {type(e).__name__}: {e}", reason="network") from e

    async def _read_capped(self, url: str, resp: httpx.Response) -> bytes:
        limit = self._settings.max_bytes
        declared = resp.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise TooLargeError(f"{url}: Content-Length {declared} over limit {limit}")
        decoder = BoundedDecoder(resp.headers.get("content-encoding"))
        chunks: list[bytes] = []
        raw_size = size = 0
        async for raw in resp.aiter_raw():
            raw_size += len(raw)
            if raw_size > limit:
                raise TooLargeError(f"{url}: body over limit {limit} bytes")
            for piece in decoder.feed(raw):  # small steps: bombs are cut as they inflate
                size += len(piece)
                if size > limit:
                    raise TooLargeError(f"{url}: decoded body over limit {limit} bytes")
                chunks.append(piece)
        return b"".join(chunks)
