"""Site furniture is cut from page titles, never the headline itself."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.sources.extract import extract_page
from monitor.sources.noise import strip_site_suffix


@pytest.mark.parametrize(
    ("title", "site", "want"),
    [
        (
            "Regulator fines bank over money laundering checks | TechCrunch",
            "TechCrunch",
            "Regulator fines bank over money laundering checks",
        ),
        (
            "Regulator fines bank over checks | The Daily Wire | by Jane Doe",
            None,
            "Regulator fines bank over checks",
        ),
        (
            "Watchdog opens probe into insurer * The Pundit * by Paul Roe",
            "The Pundit",
            "Watchdog opens probe into insurer",
        ),
        (
            "La CNIL inflige une amende à un hébergeur - Le Quotidien",
            "Le Quotidien",
            "La CNIL inflige une amende à un hébergeur",
        ),
        (
            "Ofcom fines broadcaster over impartiality - example.co.uk",
            None,
            "Ofcom fines broadcaster over impartiality",
        ),
        # a dash inside the headline stays; so do short titles
        (
            "Bank fined £5m - then told to repay customers",
            "City Post",
            "Bank fined £5m - then told to repay customers",
        ),
        ("Fines | Ofcom", "Ofcom", "Fines | Ofcom"),
        ("Plain headline without furniture", "Site", "Plain headline without furniture"),
    ],
)
def test_strip_site_suffix(title: str, site: str | None, want: str) -> None:
    assert strip_site_suffix(title, site) == want


@given(st.text(max_size=120), st.one_of(st.none(), st.text(max_size=20)))
def test_strip_site_suffix_keeps_a_prefix(title: str, site: str | None) -> None:
    got = strip_site_suffix(title, site)
    assert title.strip().startswith(got)
    assert got or not title.strip()


def test_extracted_page_title_loses_the_site_name() -> None:
    body = " ".join(["The regulator said the bank had failed to check its customers."] * 8)
    html = (
        f"<html lang='en'><head><title>Regulator fines bank £5m over checks | City Post"
        f"</title><meta property='og:site_name' content='City Post'></head><body><article>"
        f"<h1>Regulator fines bank £5m over checks</h1><p>{body}</p><p>{body}</p>"
        f"</article></body></html>"
    )
    page, reason = extract_page(html.encode(), url="https://citypost.example/a")
    assert reason is None and page is not None
    assert page.title == "Regulator fines bank £5m over checks"
