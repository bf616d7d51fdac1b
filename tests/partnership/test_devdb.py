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


def _devdb_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("devdb", ROOT / "scripts" / "devdb.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_socket_stays_in_pgdata_when_the_path_is_short():
    module = _devdb_module()
    assert module.socket_dir(Path("/srv/portal/.pgdata")) == Path("/srv/portal/.pgdata/run")


def test_a_checkout_path_too_long_for_a_socket_gets_a_short_socket_directory(monkeypatch):
    """Issue 17: a deep checkout crashed with a traceback (the socket path over 107 bytes)."""
    module = _devdb_module()
    monkeypatch.setattr(module.tempfile, "gettempdir", lambda: "/tmp")
    deep = Path("/home/someone/" + "a-long-folder-name/" * 6 + "portal/.pgdata")
    chosen = module.socket_dir(deep)
    assert str(chosen).startswith("/tmp/partnership-pg-")
    assert len(str(chosen / ".s.PGSQL.5432").encode()) <= module.SOCKET_PATH_MAX
    assert module.socket_dir(deep) == chosen  # the same checkout, the same directory


def test_one_sentence_when_no_short_directory_is_short_enough(monkeypatch):
    module = _devdb_module()
    monkeypatch.setattr(module.tempfile, "gettempdir", lambda: "/" + "t" * 120)
    with pytest.raises(SystemExit) as stop:
        module.socket_dir(Path("/" + "x" * 120 + "/.pgdata"))
    message = str(stop.value)
    assert "too long for a PostgreSQL socket" in message and "TMPDIR" in message
    assert "\n" not in message
