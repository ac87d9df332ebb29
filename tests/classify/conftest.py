"""Fixtures of the classify tests: one USE encoder per session (loading costs ~1 s)."""

from __future__ import annotations

import pytest

from monitor.classify.encoders.use import UniversalSentenceEncoder


@pytest.fixture(scope="session")
def use_encoder() -> UniversalSentenceEncoder:
    return UniversalSentenceEncoder(threads=2)
