"""Fixtures for the analyst tests: a migrated store filled with realistic rows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from analytics.analyst_seed import populate
from monitor.store import Store


def _build(path: Path) -> Path:
    Store(path).close()  # creates and migrates it, as the daemon would
    populate(str(path))
    return path


@pytest.fixture
def analyst_db(tmp_path: Path) -> Path:
    """Path of a migrated store holding the sample feeds, articles, stories and labels."""
    return _build(tmp_path / "monitor.db")


@pytest.fixture(scope="session")
def shared_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same sample store, built once: only for tests that never write to it."""
    return _build(tmp_path_factory.mktemp("shared") / "monitor.db")


@pytest.fixture
def analyst_store(analyst_db: Path) -> Iterator[Store]:
    store = Store(analyst_db)
    yield store
    store.close()


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run `monitor --db DB ARGS...` in-process; returns click's Result.

    Runs in an empty directory so a developer's ./config.toml is never picked up.
    """
    from click.testing import CliRunner

    from monitor.cli import main

    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    monkeypatch.delenv("MONITOR_CONFIG", raising=False)

    def run(db: Path, *args: str):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(main, ["--db", str(db), *args], catch_exceptions=False)

    return run
