"""The digest as a reader sees it: subject, escaping, links, amounts, MIME structure."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, date, datetime
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.config import DigestSettings
from monitor.models import AlertSource, EventFields, Story
from monitor.notify.digest import Digest, build_digest, load_digest
from monitor.notify.email_render import (
    build_message,
    full_amount,
    message_id,
    render_digest,
)
from monitor.notify.format import clean
from monitor.store import Store

from .digest_seed import CLEARVIEW, EVIL_TITLE

DAY = date(2022, 5, 23)
PARIS = DigestSettings(timezone="Europe/Paris")
UNSUB = "mailto:digest@monitor.example?subject=stop"
ALLOWED_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "body",
    "table",
    "tr",
    "td",
    "div",
    "span",
    "b",
    "a",
    "code",
}


class _Collector(HTMLParser):
    """Start tags, hrefs and text of an HTML document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.hrefs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.hrefs += [v or "" for k, v in attrs if k == "href"]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(html: str) -> _Collector:
    c = _Collector()
    c.feed(html)
    c.close()
    return c


@pytest.fixture
def day_digest(seeded: tuple[Store, dict[str, int]]) -> Digest:
    return load_digest(seeded[0], PARIS, DAY)


def test_subject_and_summary(day_digest: Digest) -> None:
    r = render_digest(day_digest, unsubscribe=UNSUB)
    assert r.subject == "[news-monitor] 2022-05-23: 3 enforcement actions, 1 investigation"
    for part in (r.text, r.html):
        assert "3 enforcement actions, 1 investigation, 6 articles from 5 outlets" in part
        assert "Monday 23 May 2022" in part


def test_feed_text_is_escaped_in_html_and_intact_in_text(day_digest: Digest) -> None:
    r = render_digest(day_digest, unsubscribe=UNSUB)
    assert "<script>" not in r.html
    assert "Regulator fines &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Data &amp; Co" in r.html
    assert 'href="https://actu.example/story?id=7&amp;lang=en"' in r.html
    assert "Actu &amp; Régulation" in r.html
    assert EVIL_TITLE in r.text
    assert "https://actu.example/story?id=7&lang=en" in r.text
    page = parse_html(r.html)
    assert page.tags <= ALLOWED_TAGS
    assert EVIL_TITLE in "".join(page.text)  # what the reader sees is the real title


def test_only_http_links(day_digest: Digest) -> None:
    r = render_digest(day_digest, unsubscribe=UNSUB)
    hrefs = parse_html(r.html).hrefs
    assert hrefs and all(h.startswith(("https://", "mailto:")) for h in hrefs)
    assert "javascript:" not in r.html and "javascript:" not in r.text
    # The story itself is still listed, just without a link.
    assert "Swiss competition authority orders bank" in r.html


def test_both_titles_amount_and_sources(day_digest: Digest) -> None:
    r = render_digest(day_digest, unsubscribe=UNSUB)
    en, fr = CLEARVIEW.sources[0], CLEARVIEW.sources[1]
    for part in (r.text, r.html):
        assert "£7,552,800" in part and "CHF 3,000,000" in part and "€2,000,000" in part
        assert "Languages: EN, FR" in part
        assert part.count(en.url) == 1 and part.count(fr.url) == 1
        assert "eurodigital.example/clearview-uk-penalty" not in part  # the 24th's source
    assert "ICO → Clearview AI · Fine £7,552,800 · UK GDPR · 2022-05-23" in r.text
    assert r.html.count("ICO → Clearview AI") == 1  # the story is shown once
    assert f'<span lang="fr">{fr.title}</span>' in r.html
    assert "United Kingdom (GB)" in r.html and "European Union (EU)" in r.html


def test_empty_day() -> None:
    digest = build_digest(DAY, [], PARIS)
    r = render_digest(digest, unsubscribe=UNSUB)
    assert r.subject == "[news-monitor] 2022-05-23: nothing to report"
    assert "Nothing to report for 2022-05-23" in r.text
    assert "Nothing to report for 2022-05-23" in r.html


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (7_552_800, "GBP", "£7,552,800"),
        (20_000_000, "EUR", "€20,000,000"),
        (1234.5, "usd", "$1,234.50"),
        (3_000_000, "CHF", "CHF 3,000,000"),
        (500, None, "500"),
        (None, "GBP", ""),
        (float("nan"), "EUR", ""),
        (-3, "EUR", ""),
    ],
)
def test_full_amount(amount: float | None, currency: str | None, shown: str) -> None:
    assert full_amount(amount, currency) == shown


def test_message_parts_and_headers(day_digest: Digest) -> None:
    r = render_digest(day_digest, unsubscribe=UNSUB)
    now = datetime(2022, 5, 24, 5, 0, tzinfo=UTC)
    msg = build_message(
        r,
        sender="News Monitor <digest@monitor.example>",
        recipient="alice@example.org",
        unsubscribe=UNSUB,
        msg_id=message_id("digest:2022-05-23:alice@example.org", "digest@monitor.example"),
        now=now,
    )
    parsed = email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)
    assert parsed.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in parsed.iter_parts()] == ["text/plain", "text/html"]
    assert parsed["List-Unsubscribe"] == f"<{UNSUB}>"
    assert "List-Unsubscribe-Post" not in parsed  # one-click needs an https endpoint
    assert parsed["Date"] == "Tue, 24 May 2022 05:00:00 +0000"
    assert parsed["Message-ID"].endswith("@monitor.example>")
    assert parsed.get_body(("plain",)).get_content() == r.text  # type: ignore[union-attr]
    https = build_message(
        r,
        sender="a@b.example",
        recipient="c@d.example",
        unsubscribe="https://monitor.example/unsubscribe?u=1",
        msg_id="<x@b.example>",
        now=now,
    )
    assert https["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_message_id_is_stable_per_delivery() -> None:
    a = message_id("digest:2022-05-23:alice@example.org", "News <digest@monitor.example>")
    assert a == message_id("digest:2022-05-23:alice@example.org", "digest@monitor.example")
    assert a != message_id("digest:2022-05-23:bob@example.org", "digest@monitor.example")


@settings(max_examples=60, deadline=None)
@given(
    title=st.text(min_size=1, max_size=80), outlet=st.text(max_size=30), url=st.text(max_size=40)
)
def test_any_feed_text_stays_text(title: str, outlet: str, url: str) -> None:
    story = Story(
        id=1,
        first_seen="x",
        last_seen="x",
        title=title,
        languages=("en",),
        representative_article_id=0,
        label="enforcement",
        score=0.9,
        fields=EventFields(authority=outlet, country="GB"),
        source_count=1,
    )
    src = AlertSource(outlet=outlet, lang="en", url=url, title=title, published=None)
    r = render_digest(build_digest(DAY, [(story, [src])], PARIS), unsubscribe=UNSUB)
    page = parse_html(r.html)
    assert page.tags <= ALLOWED_TAGS
    assert all(h.startswith(("http://", "https://", "mailto:")) for h in page.hrefs)
    assert clean(title) in "".join(page.text)
    assert clean(title) in r.text
