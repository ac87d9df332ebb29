"""Opening the SQLite file: pragmas, migrations, one connection per Store.

Owns: connection settings (WAL so readers never block the writer, a busy
timeout so concurrent writers wait instead of failing) and applying the
schema. Does not own: queries.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from monitor.errors import StoreError
from monitor.store.migrations import migrations

BUSY_TIMEOUT_MS = 10_000


def open_database(path: str | Path) -> Database:
    """Open (creating if needed) and migrate the store at `path`.

    Raises:
        StoreError: the file cannot be opened or the schema cannot be applied.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        db = Database(conn)
        migrations.apply(db)
    except (sqlite3.Error, OSError) as e:
        raise StoreError(f"cannot open store {path}: {e}") from e
    return db


def schema_version(db: Database) -> int:
    """Number of schema steps applied to this database."""
    return len(migrations.applied(db))
