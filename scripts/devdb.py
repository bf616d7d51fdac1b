"""Find or start the PostgreSQL database for local development and tests.

Prints the ``DATABASE_URL`` to use on stdout; everything else goes to stderr.
The order is the one the README promises:

1. ``DATABASE_URL`` from the environment wins (it is printed back unchanged).
2. A server on 127.0.0.1:5432 (user ``postgres``): the ``partnership`` database
   is created there if it is missing.
3. No server answers but ``initdb``/``pg_ctl`` are installed: a project-local
   cluster under ``.pgdata/`` is created (once) and started, listening only on a
   Unix socket inside ``.pgdata/run``.
4. Nothing: one sentence saying what to install, exit status 1.

``devdb.py --stop`` stops the project-local cluster (``make clean-pgdata`` also removes it).

Only the standard library and psycopg2 are used, so this runs from the venv
before Django is configured.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parent.parent
PGDATA = ROOT / ".pgdata"
SOCKET_DIR = PGDATA / "run"
DB_NAME = os.environ.get("PARTNERSHIP_DB_NAME", "partnership")
LOCAL_PORT = int(os.environ.get("PARTNERSHIP_PG_PORT", "5432"))


def log(message: str) -> None:
    print(f"devdb: {message}", file=sys.stderr)


def connect(**params):
    try:
        return psycopg2.connect(connect_timeout=3, **params)
    except psycopg2.OperationalError:
        return None


def ensure_database(params: dict) -> None:
    conn = connect(dbname="postgres", **params)
    if conn is None:
        raise SystemExit(f"devdb: cannot connect to PostgreSQL with {params}")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME])
        if cur.fetchone() is None:
            log(f"creating database {DB_NAME!r}")
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB_NAME)))
    conn.close()


def find_pg_binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    # Debian keeps the server binaries out of PATH.
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    return None


def run_as_cluster_owner(cmd: list[str]) -> None:
    """PostgreSQL refuses to run as root; on such machines use the ``postgres`` user."""
    if os.geteuid() == 0:
        shutil.chown(PGDATA, user="postgres")
        for path in PGDATA.rglob("*"):
            shutil.chown(path, user="postgres")
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    subprocess.run(cmd, check=True, stdout=sys.stderr)  # noqa: S603 (our own fixed argv)


def start_local_cluster(initdb: str, pg_ctl: str) -> dict:
    SOCKET_DIR.mkdir(parents=True, exist_ok=True)
    if not (PGDATA / "cluster" / "PG_VERSION").exists():
        log(f"creating a project-local PostgreSQL cluster in {PGDATA}")
        run_as_cluster_owner(
            [
                initdb,
                "-D",
                str(PGDATA / "cluster"),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ]
        )
    params = {"host": str(SOCKET_DIR), "port": LOCAL_PORT, "user": "postgres"}
    if connect(dbname="postgres", **params) is None:
        log("starting the project-local cluster")
        run_as_cluster_owner(
            [
                pg_ctl,
                "-D",
                str(PGDATA / "cluster"),
                "-l",
                str(PGDATA / "server.log"),
                "-w",
                "-o",
                f"-c listen_addresses='' -k {SOCKET_DIR} -p {LOCAL_PORT}",
                "start",
            ]
        )
    return params


def stop_local_cluster() -> int:
    pg_ctl = find_pg_binary("pg_ctl")
    if not (PGDATA / "cluster" / "PG_VERSION").exists() or pg_ctl is None:
        log("no project-local cluster to stop")
        return 0
    run_as_cluster_owner([pg_ctl, "-D", str(PGDATA / "cluster"), "-m", "fast", "stop"])
    return 0


def main() -> int:
    if sys.argv[1:] == ["--stop"]:
        return stop_local_cluster()
    if os.environ.get("DATABASE_URL"):
        print(os.environ["DATABASE_URL"])
        return 0

    tcp = {"host": "127.0.0.1", "port": LOCAL_PORT, "user": "postgres"}
    if connect(dbname="postgres", **tcp) is not None:
        ensure_database(tcp)
        print(f"postgres://postgres@127.0.0.1:{LOCAL_PORT}/{DB_NAME}")
        return 0

    initdb, pg_ctl = find_pg_binary("initdb"), find_pg_binary("pg_ctl")
    if initdb and pg_ctl:
        params = start_local_cluster(initdb, pg_ctl)
        ensure_database(params)
        print(f"postgres://postgres@{quote(str(SOCKET_DIR), safe='')}:{LOCAL_PORT}/{DB_NAME}")
        return 0

    print(
        "No PostgreSQL found: install PostgreSQL 15 or newer (Debian/Ubuntu: "
        "`sudo apt-get install postgresql`, macOS: `brew install postgresql`) "
        "or set DATABASE_URL to a PostgreSQL database you can reach.",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
