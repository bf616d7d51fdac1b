"""scripts/devdb.py: how `make run` and `make test` find their database."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def devdb(**env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "scripts/devdb.py"],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_database_url_wins():
    result = devdb(DATABASE_URL="postgres://someone@db.example.org/elsewhere")
    assert result.returncode == 0
    assert result.stdout.strip() == "postgres://someone@db.example.org/elsewhere"


@pytest.mark.skipif(
    settings.DATABASES["default"]["HOST"] not in ("127.0.0.1", "localhost"),
    reason="only where the tests themselves use the local server",
)
def test_the_local_server_is_used_and_the_database_created_when_missing():
    name = "devdb_probe_database"
    admin = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
    try:
        result = devdb(PARTNERSHIP_DB_NAME=name)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == f"postgres://postgres@127.0.0.1:5432/{name}"
        with admin.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            assert cur.fetchone() == (1,)
    finally:
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()
