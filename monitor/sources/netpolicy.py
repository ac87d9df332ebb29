"""Which URLs we are willing to fetch (SSRF guard).

Owns: the scheme check and the check that every address a host resolves to is
public, unless the host is explicitly allowed (the demo server, tests). Does
not own: the HTTP exchange.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

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
