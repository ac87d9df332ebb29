"""A Datasette instance on the store, read-only, under the database name "monitor".

Datasette's normal ("mutable") mode opens the file with `mode=ro`, sees rows the
daemon commits while it runs, and tolerates WAL. Immutable mode would be wrong
here: it lets SQLite assume the file never changes while the daemon writes it.
Datasette is imported lazily, so the core package runs without the extra.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from monitor.errors import MonitorError

if TYPE_CHECKING:
    from datasette.app import Datasette

DATABASE_NAME = "monitor"  # the key of `databases` in metadata.json; URLs are /monitor/...
METADATA_PATH = Path(__file__).with_name("metadata.json")


def load_metadata() -> dict[str, Any]:
    """The bundled Datasette metadata (title, descriptions, canned queries)."""
    data: dict[str, Any] = json.loads(METADATA_PATH.read_text(encoding="utf-8"))
    return data


def build_datasette(path: str | Path) -> Datasette:
    """Datasette serving the store at `path` as database "monitor", read-only.

    Raises:
        MonitorError: the `datasette` extra is not installed.
    """
    try:
        from datasette.app import Datasette
        from datasette.database import Database
    except ImportError as e:
        raise MonitorError(
            "Datasette is not installed: pip install 'news-monitor[datasette]'"
        ) from e
    ds = Datasette(metadata=load_metadata(), settings={"sql_time_limit_ms": 5000})
    # is_mutable=True: normal mode (mode=ro reads that see the daemon's commits).
    ds.add_database(Database(ds, path=str(path), is_mutable=True), name=DATABASE_NAME)
    return ds


def serve(path: str | Path, *, host: str, port: int) -> None:
    """Run Datasette on the store until interrupted (blocking)."""
    import uvicorn

    uvicorn.run(build_datasette(path).app(), host=host, port=port, log_level="warning")
