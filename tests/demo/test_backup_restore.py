"""``make backup`` / ``make restore`` (scripts/backup.py): a dump of the demo partnership,
restored into a fresh database, holds the same rows in every table — the history included —
and the history triggers come back with it (a change after the restore is recorded)."""

import subprocess
import sys
from io import StringIO
from pathlib import Path

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection
from psycopg2 import sql

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
COUNT_EVERY_TABLE = """
    SELECT table_name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
    ORDER BY table_name
"""


def _url(name: str) -> str:
    """A libpq connection string for database ``name`` on the test database's server."""
    settings = connection.settings_dict
    parts = {
        "dbname": name,
        "host": settings["HOST"],
        "port": settings["PORT"],
        "user": settings["USER"],
        "password": settings["PASSWORD"],
    }
    return " ".join(f"{key}='{value}'" for key, value in parts.items() if value)


def _row_counts(dsn: str) -> dict[str, int]:
    with psycopg2.connect(dsn) as conn, conn.cursor() as cursor:
        cursor.execute(COUNT_EVERY_TABLE)
        tables = [name for (name,) in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
            counts[table] = cursor.fetchone()[0]
    conn.close()
    return counts


def _backup(action: str, dsn: str, file: Path) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "backup.py"), action, str(file)],
        env={"DATABASE_URL": dsn, "PATH": "/usr/bin:/bin"},
        check=True,
        capture_output=True,
    )


@pytest.fixture
def fresh_database():
    """An empty database beside the test database, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restored"
    admin = psycopg2.connect(_url("postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield _url(name)
    with admin.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
    admin.close()


def test_a_restored_dump_holds_every_row_history_included(settings, tmp_path, fresh_database):
    settings.DEBUG = True  # load_demo is for development
    call_command("load_demo", stdout=StringIO())
    original = _row_counts(_url(connection.settings_dict["NAME"]))
    file = tmp_path / "demo.dump"

    _backup("dump", _url(connection.settings_dict["NAME"]), file)
    _backup("restore", fresh_database, file)

    restored = _row_counts(fresh_database)
    assert restored == original
    # The comparison covers the history: the demo's inserts were recorded and came back.
    history = {table: n for table, n in original.items() if table.endswith("event")}
    assert history["initiatives_initiativeevent"] > 0
    assert sum(history.values()) > 100
    assert original["initiatives_initiative"] > 0 and original["partnership_problem"] > 0

    # The history triggers were restored too: a change in the restored database is recorded.
    with psycopg2.connect(fresh_database) as conn, conn.cursor() as cursor:
        cursor.execute(
            "UPDATE initiatives_initiative SET title = title || ' (ny)' "
            "WHERE id = (SELECT min(id) FROM initiatives_initiative)"
        )
        cursor.execute("SELECT count(*) FROM initiatives_initiativeevent")
        assert cursor.fetchone()[0] == original["initiatives_initiativeevent"] + 1
    conn.close()


def test_a_dump_that_does_not_restore_leaves_the_database_as_it_was(tmp_path, fresh_database):
    broken = tmp_path / "broken.dump"
    broken.write_bytes(b"PGDMP not really a dump")
    before = _row_counts(fresh_database)
    with pytest.raises(subprocess.CalledProcessError):
        _backup("restore", fresh_database, broken)
    assert _row_counts(fresh_database) == before
