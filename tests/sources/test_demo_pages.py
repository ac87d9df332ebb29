"""Every bundled demo page extracts cleanly: body kept, scraper noise gone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from monitor.demo.server import DEMO_DIR
from monitor.sources.extract import extract_page

TRUTH = json.loads((Path(__file__).parent.parent / "data" / "demo_truth.json").read_text("utf-8"))
PAGES = [t for t in TRUTH if (DEMO_DIR / "pages" / f"{t['slug']}.html").exists()]


def test_demo_has_enough_pages_in_both_languages() -> None:
    langs = [t["lang"] for t in PAGES]
    assert len(PAGES) >= 24 and langs.count("en") >= 10 and langs.count("fr") >= 10


@pytest.mark.parametrize("truth", PAGES, ids=[t["slug"] for t in PAGES])
def test_demo_page_extracts_without_boilerplate(truth: dict) -> None:
    html = (DEMO_DIR / "pages" / f"{truth['slug']}.html").read_bytes()
    page, failure = extract_page(html, url=f"http://demo/articles/{truth['slug']}.html")
    assert failure is None and page is not None
    assert page.lang and page.lang.startswith(truth["lang"])
    for phrase in truth["must_contain"]:
        assert phrase in page.text, f"lost body text: {phrase!r}"
    for noise in truth["noise"]:
        assert noise not in page.text, f"boilerplate leaked: {noise!r}"
    assert page.published is not None and page.published[:10] == truth["published"][:10]
