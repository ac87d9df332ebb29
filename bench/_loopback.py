"""A fast loopback feed server for the benchmarks, run in its own process.

Serves /feeds/<i>.xml: small realistic RSS feeds (20 items, ~9 KB, our own
text), keep-alive HTTP/1.1, each response written in one piece (no Nagle
stalls), optional ETag (then a conditional GET gets 304); with `--grow` a feed
gains one new item each time it is fetched (the steady state of a poller:
one new story per poll), with `--rolling S` one every S seconds (soak);
`--latency S` waits S seconds before each answer (network round trip and
server time, without using any CPU).
Run: python bench/_loopback.py --feeds 1000 [--etag] [--grow | --rolling 10]
[--latency 0.1]; it prints its base URL on stdout, then serves until killed.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import time

TOPICS = (
    "fines a retailer over customer records",
    "orders a bank to fix its complaints desk",
    "opens an inquiry into a ride-hailing app",
    "bans a data broker from selling profiles",
    "settles with a telecom operator over billing errors",
)
REGULATORS = (
    "The data protection authority",
    "The competition watchdog",
    "The financial conduct regulator",
    "The consumer protection agency",
)


def item_xml(feed: int, n: int, base: str) -> str:
    topic, who = TOPICS[(feed + n) % len(TOPICS)], REGULATORS[(feed * 7 + n) % len(REGULATORS)]
    minute = n % 60
    return (
        f"<item><title>{who} {topic} (case {feed}-{n})</title>"
        f"<link>{base}/news/{feed}/{n}.html</link>"
        f"<guid isPermaLink='false'>urn:bench:{feed}:{n}</guid>"
        f"<pubDate>Mon, 23 May 2022 {10 + n // 60 % 12:02d}:{minute:02d}:00 GMT</pubDate>"
        f"<description>{who} said on Monday that it {topic.split(' ', 1)[0]} the company "
        f"after a year-long review of complaints from customers, and that the decision "
        f"could be appealed within two months. Case {feed}-{n}.</description></item>"
    )


def feed_xml(feed: int, newest: int, base: str, items: int = 20) -> bytes:
    body = "".join(item_xml(feed, n, base) for n in range(newest, max(newest - items, -1), -1))
    return (
        f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>Bench wire {feed}</title><link>{base}/</link><description>Regulation news"
        f"</description><language>en</language>{body}</channel></rss>"
    ).encode()


class Feeds:
    """Precomputed responses; a rolling feed is rebuilt when it gains an item."""

    def __init__(
        self, count: int, base: str, *, etag: bool, rolling: float, grow: bool = False
    ) -> None:
        self.count, self.base, self.etag, self.rolling = count, base, etag, rolling
        self.grow = grow
        self.started = time.monotonic()
        self._hits = [0] * count
        self._cache: dict[tuple[int, int], tuple[bytes, str]] = {}

    def get(self, feed: int) -> tuple[bytes, str]:
        newest = 19
        if self.rolling:
            newest += int((time.monotonic() - self.started) / self.rolling)
        if self.grow:
            newest += self._hits[feed]
            self._hits[feed] += 1
        key = (feed, newest)
        if key not in self._cache:
            if self.rolling or self.grow:
                self._cache.pop((feed, newest - 1), None)
            body = feed_xml(feed, newest, self.base)
            self._cache[key] = (body, '"' + hashlib.sha1(body).hexdigest()[:16] + '"')
        return self._cache[key]


def response(status: str, body: bytes, headers: dict[str, str]) -> bytes:
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return (f"HTTP/1.1 {status}\r\n{head}Content-Length: {len(body)}\r\n\r\n").encode() + body


async def handle(
    feeds: Feeds, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, latency: float
) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            path = lines[0].split(" ")[1]
            sent = {k.lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:] if x)}
            if latency:
                await asyncio.sleep(latency)
            writer.write(answer(feeds, path, sent.get("if-none-match")))
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, IndexError):
        pass
    finally:
        writer.close()


def answer(feeds: Feeds, path: str, if_none_match: str | None) -> bytes:
    name = path.rsplit("/", 1)[-1].removesuffix(".xml")
    if not path.startswith("/feeds/") or not name.isdigit() or int(name) >= feeds.count:
        return response("404 Not Found", b"not found", {})
    body, etag = feeds.get(int(name))
    headers = {"Content-Type": "application/rss+xml; charset=utf-8"}
    if feeds.etag:
        headers["ETag"] = etag
        if if_none_match == etag:
            return response("304 Not Modified", b"", headers)
    return response("200 OK", body, headers)


async def serve(count: int, *, etag: bool, rolling: float, grow: bool, latency: float) -> None:
    holder: list[Feeds] = []
    server = await asyncio.start_server(
        lambda r, w: handle(holder[0], r, w, latency), "127.0.0.1", 0, backlog=1024
    )
    port = server.sockets[0].getsockname()[1]
    holder.append(Feeds(count, f"http://127.0.0.1:{port}", etag=etag, rolling=rolling, grow=grow))
    print(f"http://127.0.0.1:{port}", flush=True)
    async with server:
        await server.serve_forever()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--feeds", type=int, default=1000)
    p.add_argument("--etag", action="store_true")
    p.add_argument("--rolling", type=float, default=0.0)
    p.add_argument("--grow", action="store_true")
    p.add_argument("--latency", type=float, default=0.0)
    args = p.parse_args()
    asyncio.run(
        serve(
            args.feeds, etag=args.etag, rolling=args.rolling, grow=args.grow, latency=args.latency
        )
    )


if __name__ == "__main__":
    main()
