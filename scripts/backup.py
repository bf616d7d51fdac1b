"""Back up and restore the portal's database: ``pg_dump`` / ``pg_restore``, custom format.

    python scripts/backup.py dump FILE       # DATABASE_URL → FILE
    python scripts/backup.py restore FILE    # FILE → DATABASE_URL, replacing what it holds

``make backup [FILE=…]`` and ``make restore FILE=…`` (mk/backup.mk) call this with the
database the other targets use. Everything is in the dump: every table with its rows —
the history (pghistory's event tables) included —, the triggers that write the history,
the extensions, the sessions and the cache table. Not in it: ``MFA_ENCRYPTION_KEY`` (keep it
with the backups' keys, not in them, README) and the static files (``collectstatic`` makes
them again).

``restore`` runs in one transaction (``--single-transaction --exit-on-error``): a dump that
does not restore leaves the database as it was. It drops the objects the dump holds before
creating them (``--clean --if-exists``), so restoring over a running portal's database
replaces it; ownership and grants are not restored (``--no-owner --no-acl``): the objects
belong to the user in ``DATABASE_URL``. Stop gunicorn and the task worker first.

Only the standard library: it runs before Django is configured (PostgreSQL's client
programs ``pg_dump``/``pg_restore`` must be installed, the same major version as the server
or newer).
"""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path


def _program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        sys.exit(f"{name} is missing: install PostgreSQL's client programs (postgresql-client).")
    return path


def dump(database_url: str, file: Path) -> float:
    """Write the database to ``file`` (custom format, compressed); the seconds it took."""
    file.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    subprocess.run(  # noqa: S603 - fixed program, arguments from the operator
        [_program("pg_dump"), "--format=custom", f"--file={file}", f"--dbname={database_url}"],
        check=True,
    )
    return time.monotonic() - started


def restore(database_url: str, file: Path) -> float:
    """Replace what the database holds with the dump in ``file``; the seconds it took."""
    if not file.is_file():
        sys.exit(f"No such dump: {file}")
    started = time.monotonic()
    subprocess.run(  # noqa: S603 - fixed program, arguments from the operator
        [
            _program("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-acl",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={database_url}",
            str(file),
        ],
        check=True,
    )
    return time.monotonic() - started


def main(argv: list[str]) -> None:
    if len(argv) != 3 or argv[1] not in {"dump", "restore"}:
        sys.exit(__doc__.split("\n\n")[1])
    database_url = os.environ.get("DATABASE_URL")
    if not database_url:
        sys.exit("DATABASE_URL is not set.")
    action, file = argv[1], Path(argv[2])
    try:
        seconds = (dump if action == "dump" else restore)(database_url, file)
    except subprocess.CalledProcessError as error:
        sys.exit(f"{action} failed ({error.returncode}); the database is unchanged.")
    size = file.stat().st_size / 1_000_000
    done = "Dumped to" if action == "dump" else "Restored from"
    print(f"{done} {file} ({size:.1f} MB) in {seconds:.1f} s.", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
