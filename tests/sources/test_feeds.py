"""Golden feed files: tests/data/feeds/NAME.xml with NAME.expected.json beside it."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.errors import FeedParseError
from monitor.sources.feeds import parse_feed

FEEDS = Path(__file__).parent.parent / "data" / "feeds"
NOW = datetime(2022, 6, 1, tzinfo=UTC)
CASES = sorted(FEEDS.glob("*.xml"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_golden_feed(path: Path) -> None:
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    body = path.read_bytes()
    base = "https://feeds.example.fr/flux.xml"
    if "error" in expected:
        with pytest.raises(FeedParseError, match=expected["error"]):
            parse_feed(body, feed_name="t", base_url=base, now=NOW)
        return
    parsed = parse_feed(body, feed_name="t", base_url=base, now=NOW)
    assert parsed.title == expected["title"]
    assert parsed.lang == expected["lang"]
    assert parsed.ttl_s == expected["ttl_s"]
    assert (parsed.bozo_reason is not None) == expected["bozo"]
    got = [
        {
            "guid": i.guid,
            "url": i.url,
            "title": i.title.replace("’", "'"),
            "summary": i.summary,
            "published": i.published,
            "lang": i.lang,
        }
        for i in parsed.items
    ]
    want = [dict(i, title=i["title"].replace("’", "'")) for i in expected["items"]]
    assert got == want


def test_declared_content_type_charset_is_used() -> None:
    body = (
        "<?xml version='1.0'?><rss version='2.0'><channel><title>Été</title><item>"
        "<title>Amende</title><link>https://x.fr/1</link></item></channel></rss>"
    )
    parsed = parse_feed(
        body.encode("cp1252"),
        feed_name="t",
        base_url="https://x.fr/",
        content_type="application/rss+xml; charset=windows-1252",
        now=NOW,
    )
    assert parsed.title == "Été"


def test_max_items_keeps_the_first_entries() -> None:
    items = "".join(
        f"<item><title>t{i}</title><link>https://x.org/{i}</link></item>" for i in range(50)
    )
    body = f"<rss version='2.0'><channel><title>x</title>{items}</channel></rss>".encode()
    parsed = parse_feed(body, feed_name="t", base_url="https://x.org/", now=NOW, max_items=10)
    assert [i.title for i in parsed.items] == [f"t{i}" for i in range(10)]


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_parse_or_raise_feed_error(body: bytes) -> None:
    with contextlib.suppress(FeedParseError):
        parse_feed(body, feed_name="t", base_url="https://x.org/", now=NOW)
