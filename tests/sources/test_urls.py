import contextlib

from hypothesis import given
from hypothesis import strategies as st

from monitor.sources.urls import canonical_url, host_key


def test_tracking_parameters_and_fragment_are_dropped() -> None:
    url = "HTTPS://News.Example.COM:443/a/b.html?utm_source=rss&id=3&fbclid=x&b=2#top"
    assert canonical_url(url) == "https://news.example.com/a/b.html?b=2&id=3"


def test_same_article_two_spellings_one_url() -> None:
    a = canonical_url("http://example.org/x?utm_medium=feed&utm_campaign=y")
    b = canonical_url("http://EXAMPLE.org:80/x")
    assert a == b == "http://example.org/x"


def test_meaningful_query_kept_and_sorted() -> None:
    assert canonical_url("https://e.org/p?page=2&a=1") == "https://e.org/p?a=1&page=2"


def test_host_key_has_port_only_when_given() -> None:
    assert host_key("http://127.0.0.1:8080/x") == "127.0.0.1:8080"
    assert host_key("https://Example.org/x") == "example.org"


@given(st.text(max_size=200))
def test_canonical_url_never_raises_on_junk(s: str) -> None:
    # urllib refuses some invalid ports/hosts: a clear ValueError, not a crash
    with contextlib.suppress(ValueError):
        canonical_url("http://example.org/" + s)
