"""A database at the last commit before the app split migrates to today's head with every row kept.

Issue 11 moved models between apps (the Problem models left ``partnership`` for
``problems``), keeping every table name (``db_table``) and changing Django's state only
(``SeparateDatabaseAndState``). Tests on a fresh test database cannot see whether an
existing database survives that: this test restores a real one and migrates it.

``tests/data/demo_before_app_split.sql.gz`` is the demo database (``manage.py load_demo``)
at commit 22546a33d3f0d96dce6973285800fd2b918790a9, the last commit before the split,
dumped with ``pg_dump --no-owner --no-privileges``. The test restores it into a scratch
database, counts the rows of every table, runs ``manage.py migrate`` from this working tree,
and checks that every table is still there with the same number of rows (Django's
migration table gains rows but keeps every old one; content types move to the new app with
their ids), and that a write to a tracked table is still recorded by exactly one history
event.

To regenerate the dump (only ever from that commit), from the repository root:

    git worktree add --detach /tmp/oldhead 22546a33d3f0d96dce6973285800fd2b918790a9
    (cd /tmp/oldhead && python3.13 -m venv .venv && .venv/bin/pip install -e '.[dev]')
    createdb -h 127.0.0.1 -U postgres partnership_oldhead
    (cd /tmp/oldhead && export DATABASE_URL=postgres://postgres@127.0.0.1:5432/partnership_oldhead \
        && .venv/bin/python manage.py migrate --no-input && .venv/bin/python manage.py load_demo)
    pg_dump -h 127.0.0.1 -U postgres --no-owner --no-privileges partnership_oldhead \
        | gzip -9 -n > tests/data/demo_before_app_split.sql.gz
    git worktree remove --force /tmp/oldhead
    dropdb -h 127.0.0.1 -U postgres partnership_oldhead
"""

import gzip
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg2
import pytest
from django.conf import settings
from psycopg2 import sql

ROOT = Path(__file__).resolve().parent.parent
DUMP = ROOT / "tests" / "data" / "demo_before_app_split.sql.gz"

# Django's record of applied migrations gains rows by migrating; none of its old rows may go.
# Content types and permissions move with their models (problems.0001 renames them), so none
# of theirs may go either; an app added since the dump (meetings) brings new ones.
BOOKKEEPING = ["django_migrations", "django_content_type", "auth_permission"]
# Derived data a migration may drop because a command computes it again from the kept rows:
# the overlap snapshot (``manage.py refresh_overlaps``), which coordination 0005 moved into a
# table of its own per snapshot.
DERIVED = {"dashboard_overlapsnapshot", "dashboard_overlapsnapshotpair"}


def server_params() -> dict:
    """Host, port, user and password of the server the test database lives on."""
    db = settings.DATABASES["default"]
    params = {
        "host": db["HOST"],
        "port": db["PORT"],
        "user": db["USER"],
        "password": db["PASSWORD"],
    }
    return {key: str(value) for key, value in params.items() if value}


def connect(dbname: str):
    connection = psycopg2.connect(dbname=dbname, **server_params())
    connection.autocommit = True
    return connection


def database_url(dbname: str) -> str:
    params = server_params()
    userinfo = quote(params.get("user", ""), safe="")
    if "password" in params:
        userinfo += ":" + quote(params["password"], safe="")
    # A Unix-socket directory travels percent-encoded in the host part (as scripts/devdb.py does).
    hostport = quote(params.get("host", ""), safe="")
    if "port" in params:
        hostport += ":" + params["port"]
    return f"postgres://{userinfo + '@' if userinfo else ''}{hostport}/{dbname}"


def restore(dbname: str) -> None:
    """Load the dump with psql, as an operator would."""
    assert shutil.which("psql"), "psql is needed (apt-get install postgresql-client)"
    libpq = {"host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD"}
    env = {**os.environ, **{libpq[key]: value for key, value in server_params().items()}}
    # \restrict / \unrestrict (pg_dump since 17.6, 16.10, 15.14) are unknown to older psql;
    # the dump is our own, so dropping them costs nothing and any psql can restore it.
    with gzip.open(DUMP, "rt", encoding="utf-8") as dump:
        script = "".join(
            line for line in dump if not line.startswith(("\\restrict ", "\\unrestrict "))
        )
    result = subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-d", dbname],
        input=script,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"psql could not restore {DUMP.name}:\n{result.stderr}"


def row_counts(connection) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = sorted(name for (name,) in cursor.fetchall())
        counts = {}
        for table in tables:
            cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
            counts[table] = cursor.fetchone()[0]
    return counts


def ids(connection, table: str) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("SELECT id FROM {}").format(sql.Identifier(table)))
        return {row_id for (row_id,) in cursor.fetchall()}


def content_type_id(connection, app_label: str, model: str) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM django_content_type WHERE app_label = %s AND model = %s",
            [app_label, model],
        )
        row = cursor.fetchone()
    return row[0] if row else None


@pytest.fixture
def old_demo_database():
    """The name of a scratch database holding the old demo dump; dropped afterwards."""
    name = f"partnership_migrate_check_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = connect("postgres")
    try:
        with admin.cursor() as cursor:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            restore(name)
            yield name
        finally:
            with admin.cursor() as cursor:
                cursor.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
    finally:
        admin.close()


def migrate(dbname: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url(dbname)},
        capture_output=True,
        text=True,
        timeout=300,
    )


def retitle_one_row(connection, table: str) -> int:
    """Give the row with the lowest id a new title; return its id."""
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("SELECT id, title FROM {} ORDER BY id LIMIT 1").format(sql.Identifier(table))
        )
        row_id, title = cursor.fetchone()
        new_title = f"{title[:150]} (migration check)"
        assert new_title != title
        cursor.execute(
            sql.SQL("UPDATE {} SET title = %s WHERE id = %s").format(sql.Identifier(table)),
            [new_title, row_id],
        )
        assert cursor.rowcount == 1
    return row_id


def test_demo_database_before_the_app_split_migrates_with_every_row_kept(
    old_demo_database,
):
    dbname = old_demo_database
    connection = connect(dbname)
    try:
        before = row_counts(connection)
        bookkeeping_before = {table: ids(connection, table) for table in BOOKKEEPING}
        problem_type = content_type_id(connection, "partnership", "problem")
    finally:
        connection.close()
    assert before["partnership_problem"] > 0, "the dump holds no problems: is it the demo?"
    assert before["initiatives_initiative"] > 0

    result = migrate(dbname)
    assert result.returncode == 0, f"migrate failed:\n{result.stdout}\n{result.stderr}"

    connection = connect(dbname)
    try:
        after = row_counts(connection)
        missing = sorted(set(before) - set(after) - DERIVED)
        assert not missing, f"tables gone after migrating: {missing}"
        changed = {
            table: f"{before[table]} -> {after[table]}"
            for table in sorted(before)
            if table not in BOOKKEEPING and table not in DERIVED and after[table] != before[table]
        }
        assert not changed, f"row counts changed by migrating: {changed}"
        lost = {
            table: sorted(bookkeeping_before[table] - ids(connection, table))
            for table in BOOKKEEPING
        }
        assert not any(lost.values()), f"rows (ids) lost by migrating: {lost}"
        assert content_type_id(connection, "problems", "problem") == problem_type

        # One write to a tracked table: one new history row, in its event table, nowhere else
        # (a trigger left behind by the move would record the write twice).
        for table, event_table in [
            ("partnership_problem", "partnership_problemevent"),
            ("initiatives_initiative", "initiatives_initiativeevent"),
        ]:
            counts_before_write = row_counts(connection)
            row_id = retitle_one_row(connection, table)
            counts_after_write = row_counts(connection)
            grown = {
                name: counts_after_write[name] - counts_before_write.get(name, 0)
                for name in counts_after_write
                if counts_after_write[name] != counts_before_write.get(name, 0)
            }
            assert grown == {event_table: 1}, f"one update of {table} wrote: {grown}"
            with connection.cursor() as cursor:
                cursor.execute(
                    sql.SQL(
                        "SELECT pgh_label, pgh_obj_id, title FROM {} ORDER BY pgh_id DESC LIMIT 1"
                    ).format(sql.Identifier(event_table))
                )
                label, obj_id, title = cursor.fetchone()
            assert (label, obj_id) == ("update", row_id)
            assert title.endswith(" (migration check)")
    finally:
        connection.close()
