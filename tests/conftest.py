"""Shared fixtures: a loopback HTTP server, settings that may reach it, a temp store."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # so tests can import httpserver

from httpserver import TestServer

from monitor.config import FetchSettings, Settings, parse_settings
from monitor.store import Store

DATA = Path(__file__).parent / "data"


@pytest.fixture
def http_server() -> Iterator[TestServer]:
    server = TestServer()
    yield server
    server.close()


@pytest.fixture
def fetch_settings(http_server: TestServer) -> FetchSettings:
    """Short deadlines; only the test server's loopback address is allowed."""
    return FetchSettings(
        connect_timeout=2,
        read_timeout=2,
        total_timeout=3,
        max_bytes=200_000,
        allow_hosts=(http_server.host,),
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "monitor.db")
    yield s
    s.close()


def make_settings(tmp_path: Path, feeds: list[dict[str, object]], **sections: object) -> Settings:
    """Settings for a temp store with `feeds`; extra TOML sections as keyword arguments."""
    data: dict[str, object] = {"store": {"path": str(tmp_path / "monitor.db")}, "feeds": feeds}
    data.update(sections)
    return parse_settings(data)


def with_fetch(settings: Settings, fetch: FetchSettings) -> Settings:
    return replace(settings, fetch=fetch)
