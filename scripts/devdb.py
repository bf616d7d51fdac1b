"""Find or start the PostgreSQL database for local development and tests.

Prints the ``DATABASE_URL`` to use on stdout; everything else goes to stderr.
The order is the one the README promises:

1. ``DATABASE_URL`` from the environment wins (it is printed back unchanged).
2. A server on 127.0.0.1:5432 (user ``postgres``): the ``partnership`` database
   is created there if it is missing.
3. No server answers but ``initdb``/``pg_ctl`` are installed: a project-local
   cluster under ``.pgdata/`` is created (once) and started, listening only on a
   Unix socket inside ``.pgdata/run`` — or, when the checkout's path is too long for a
   Unix socket (about 100 bytes), in a short directory under the system's temporary
   directory, named after the checkout.
4. Nothing: one sentence saying what to install, exit status 1.

``devdb.py --stop`` stops the project-local cluster (``make clean-pgdata`` also removes it).

Only the standard library and psycopg2 are used, so this runs from the venv
before Django is configured.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parent.parent
PGDATA = ROOT / ".pgdata"
# A Unix socket's path (sun_path) holds 108 bytes, the closing NUL included.
SOCKET_PATH_MAX = 107
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


def socket_dir(pgdata: Path = PGDATA) -> Path:
    """Where the local cluster's socket goes: ``.pgdata/run``, or a short directory named
    after the checkout when that path is too long for a Unix socket."""
    socket = f".s.PGSQL.{LOCAL_PORT}"
    here = pgdata / "run"
    if len(str(here / socket).encode()) <= SOCKET_PATH_MAX:
        return here
    digest = hashlib.sha256(str(pgdata).encode()).hexdigest()[:12]
    short = Path(tempfile.gettempdir()) / f"partnership-pg-{digest}"
    if len(str(short / socket).encode()) > SOCKET_PATH_MAX:
        raise SystemExit(
            f"devdb: the paths {here} and {short} are both too long for a PostgreSQL socket; "
            "set TMPDIR to a short directory (or DATABASE_URL to a server you can reach)."
        )
    return short


def start_local_cluster(initdb: str, pg_ctl: str) -> dict:
    sockets = socket_dir()
    sockets.mkdir(parents=True, exist_ok=True)
    if not sockets.is_relative_to(PGDATA):
        log(f"the checkout's path is too long for a Unix socket: the socket is in {sockets}")
        sockets.chmod(0o700)
        if os.geteuid() == 0:
            shutil.chown(sockets, user="postgres")
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
    params = {"host": str(sockets), "port": LOCAL_PORT, "user": "postgres"}
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
                f"-c listen_addresses='' -k {sockets} -p {LOCAL_PORT}",
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
        host = quote(params["host"], safe="")
        print(f"postgres://postgres@{host}:{LOCAL_PORT}/{DB_NAME}")
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
