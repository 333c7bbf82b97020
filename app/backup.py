"""Backup and restore of the service's database, for both engines.

SQLite: an online, consistent copy through SQLite's backup API (safe while the service runs);
restore copies it back into the configured database file. PostgreSQL: `pg_dump --format=custom`
and `pg_restore --clean --if-exists --no-owner` (the PostgreSQL client tools must be installed).
The search index is not backed up: after a restore, `talent-supermarket reindex` rebuilds it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from app.private_files import FILE_MODE, private_file


class BackupError(Exception):
    pass


def _sqlite_path(database_url: str) -> Path:
    url = make_url(database_url)
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def _libpq(database_url: str) -> str:
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} not found: install the PostgreSQL client tools")
    return path


def backup(database_url: str, target: Path) -> Path:
    """Write a backup of the database to `target` (readable by this user only); returns it."""
    private_file(target)
    os.chmod(target, FILE_MODE)  # an existing file is overwritten: it holds the data now
    if make_url(database_url).get_backend_name() == "sqlite":
        source = sqlite3.connect(_sqlite_path(database_url))
        dest = sqlite3.connect(target)
        try:
            with dest:
                source.backup(dest)
        finally:
            dest.close()
            source.close()
        return target
    subprocess.run(
        [_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}",
         _libpq(database_url)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return target


def restore(database_url: str, source: Path) -> None:
    """Replace the database's content with the backup `source` (stop the service first)."""
    if not source.is_file():
        raise BackupError(f"no backup file at {source}")
    if make_url(database_url).get_backend_name() == "sqlite":
        src = sqlite3.connect(source)
        dest = sqlite3.connect(private_file(_sqlite_path(database_url)))
        try:
            with dest:
                src.backup(dest)
        finally:
            dest.close()
            src.close()
        return
    subprocess.run(
        [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
         f"--dbname={_libpq(database_url)}", str(source)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
