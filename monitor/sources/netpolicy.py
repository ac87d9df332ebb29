"""Which URLs we are willing to fetch (SSRF guard).

Owns: the scheme check and the check that every address a host resolves to is
public, unless the host is explicitly allowed (the demo server, tests), both
before a request (`check_url`, clear errors) and again when the TCP connection
is made (`GuardedBackend`): a hostile DNS server could answer a public address
to the first lookup and 127.0.0.1 to the second ("DNS rebinding"), so we
connect to the very address we checked. Does not own: the HTTP exchange.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

from monitor.errors import BlockedURLError, FetchError
from monitor.sources.urls import host_key

ALLOWED_SCHEMES = ("http", "https")


def is_public_address(address: str) -> bool:
    """True when `address` is a global unicast address (not private, loopback, ...)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return bool(ip.is_global) and not (ip.is_multicast or ip.is_reserved)


async def check_url(
    url: str, *, allow_private: bool = False, allow_hosts: Iterable[str] = ()
) -> None:
    """Raise BlockedURLError unless `url` may be fetched.

    Resolves the host and refuses it if any address is not public, so that a
    feed cannot make us reach loopback, private or link-local services.
    """
    parts = urlsplit(url)
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise BlockedURLError(f"refused scheme {parts.scheme or '(none)'!r} in {url}")
    host = parts.hostname
    if not host:
        raise BlockedURLError(f"no host in {url}")
    if allow_private or host_key(url) in set(allow_hosts):
        return
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(
            host, parts.port or 443, type=socket.SOCK_STREAM
        )
    except (socket.gaierror, UnicodeError) as e:
        raise FetchError(f"cannot resolve {host}: {e}", reason="dns_error") from e
    for info in infos:
        address = str(info[4][0])
        if not is_public_address(address):
            raise BlockedURLError(f"refused non-public address {address} for host {host}")


def _allowed(host: str, port: int, allow_hosts: set[str]) -> bool:
    host = host.lower().strip("[]")
    return host in allow_hosts or f"{host}:{port}" in allow_hosts


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore network backend that resolves, checks, then connects to the checked address."""

    def __init__(
        self,
        *,
        allow_private: bool = False,
        allow_hosts: Iterable[str] = (),
        inner: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self._allow_private = allow_private
        # a live set: the Fetcher may allow more hosts after construction (demo server)
        self.allow_hosts = allow_hosts if isinstance(allow_hosts, set) else set(allow_hosts)
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        if self._allow_private or _allowed(host, port, self.allow_hosts):
            return await self._inner.connect_tcp(
                host,
                port,
                timeout=timeout,
                local_address=local_address,
                socket_options=socket_options,
            )
        addresses = await _public_addresses(host, port)
        error: Exception | None = None
        for address in addresses:  # like happy eyeballs, minus the racing
            try:
                return await self._inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as e:
                error = e
        assert error is not None  # _public_addresses never returns an empty list
        raise error

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedURLError(f"refused unix socket {path}")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


async def _public_addresses(host: str, port: int) -> list[str]:
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as e:
        raise httpcore.ConnectError(f"cannot resolve {host}: {e}") from e
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    for address in addresses:
        if not is_public_address(address):
            raise BlockedURLError(
                f"refused non-public address {address} for host {host} (at connect time)"
            )
    if not addresses:
        raise httpcore.ConnectError(f"no address for {host}")
    return addresses


def guarded_transport(
    *, allow_private: bool, allow_hosts: Iterable[str], limits: httpx.Limits
) -> httpx.AsyncHTTPTransport:
    """httpx's default transport with `GuardedBackend` underneath."""
    transport = httpx.AsyncHTTPTransport(limits=limits)
    # httpx offers no public hook for httpcore's network backend; the pool reads this
    # attribute for every new connection (httpcore 1.x).
    transport._pool._network_backend = GuardedBackend(  # type: ignore[attr-defined]
        allow_private=allow_private, allow_hosts=allow_hosts
    )
    return transport
