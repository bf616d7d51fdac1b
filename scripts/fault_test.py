"""``make fault-test``: the faults the portal survives, on a throwaway PostgreSQL cluster.

Never the machine's shared server: ``initdb`` makes a cluster in a temporary directory,
``pg_ctl`` serves it on 127.0.0.1:``FAULT_PG_PORT`` (5440), and everything is deleted at the
end. The portal runs as in production (DEBUG off, collected static files, gunicorn with
2 × cores sync workers) on 127.0.0.1:``FAULT_WEB_PORT`` (8111) over 300 scale initiatives.

1. **The database stops for 10 s.** wrk loads ``/insatser/`` (8 connections) while two
   probes ask ``/healthz`` and ``/insatser/`` one request after another; PostgreSQL is
   stopped (``pg_ctl stop -m fast``: every connection is cut), started again 10 s later.
   Expected: every request before the stop and from 5 s after the start answers 200; in
   between only 503 (``/healthz``'s JSON, the portal's "not available" page elsewhere, no
   traceback); the same gunicorn workers before and after (nobody restarts anything).
2. **The task worker is killed mid-task.** A task that sleeps 60 s is enqueued, the worker
   (``manage.py task_worker``) takes it and gets SIGKILL. Expected: the task is not left
   RUNNING for ever: the restarted worker marks it FAILED (``WorkerLost``) and goes on
   running new tasks.

Prints the numbers (error window, recovery time) and exits 1 when an expectation fails.
Only the standard library and psycopg2: run it with the project's Python.
"""

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PG_PORT = int(os.environ.get("FAULT_PG_PORT", "5440"))
WEB_PORT = int(os.environ.get("FAULT_WEB_PORT", "8111"))
DOWN_SECONDS = 10
RECOVERY_LIMIT = 5.0
LUA = ROOT / "bench" / "wrk_report.lua"


def pg_binary(name: str) -> str:
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        sys.exit(f"{name} is missing: install PostgreSQL's server package (postgresql).")
    return found


def as_owner(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root; there, run it as the ``postgres`` user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def log(message: str) -> None:
    print(message, flush=True)


class Cluster:
    def __init__(self, directory: Path):
        self.directory = directory
        self.data = directory / "data"
        self.pg_ctl = pg_binary("pg_ctl")
        self.url = f"postgres://postgres@127.0.0.1:{PG_PORT}/fault"

    def create(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.directory, user="postgres")
        subprocess.run(  # noqa: S603 - our own fixed argv
            as_owner(
                [pg_binary("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust"]
                + ["--encoding=UTF8", "--locale=C.UTF-8"]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        self.start()
        conn = psycopg2.connect(host="127.0.0.1", port=PG_PORT, user="postgres", dbname="postgres")
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute("CREATE DATABASE fault")
        conn.close()

    def _ctl(self, *args: str) -> None:
        command = [self.pg_ctl, "-D", str(self.data), "-l", str(self.directory / "pg.log")]
        owner = as_owner([*command, *args])
        subprocess.run(owner, check=True, stdout=subprocess.DEVNULL)  # noqa: S603

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {PG_PORT} -k {self.directory}"
        self._ctl("-w", "-o", options, "start")

    def stop(self, mode: str = "fast") -> None:
        self._ctl("-w", "-m", mode, "stop")

    def query(self, sql: str, params=()) -> list[tuple]:
        conn = psycopg2.connect(host="127.0.0.1", port=PG_PORT, user="postgres", dbname="fault")
        try:
            with conn, conn.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()
        finally:
            conn.close()


def get(path: str, timeout: float = 10) -> tuple[int, bytes]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{WEB_PORT}{path}", headers={"X-Forwarded-Proto": "https"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return 0, b""  # refused, reset, timed out


class Probe(threading.Thread):
    """Asks ``path`` again and again; keeps (started, finished, status, body) of each."""

    def __init__(self, path: str):
        super().__init__(daemon=True)
        self.path, self.samples, self.stopping = path, [], threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            started = time.monotonic()
            status, body = get(self.path)
            self.samples.append((started, time.monotonic(), status, body))
            time.sleep(0.05)


def worker_pids(master: int) -> set[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return {int(pid) for pid in children.read_text().split()}


def outage(cluster: Cluster, env: dict) -> list[str]:
    """Part 1; the expectations that failed."""
    log("\n1. PostgreSQL stopped for 10 s under load")
    master = subprocess.Popen(  # noqa: S603
        [str(Path(PY).with_name("gunicorn")), "partnership.wsgi", "--bind", f"127.0.0.1:{WEB_PORT}"]
        + ["--workers", str(2 * (os.cpu_count() or 1)), "--log-level", "critical"],
        cwd=ROOT,
        env=env,
        stderr=(cluster.directory / "gunicorn.log").open("w"),  # the outage's tracebacks
    )
    try:
        deadline = time.monotonic() + 60
        while get("/healthz", 2)[0] != 200:
            if time.monotonic() > deadline:
                return ["gunicorn did not answer /healthz within 60 s"]
            time.sleep(0.3)
        for path in ("/insatser/", "/"):
            get(path)  # warm every worker's first request a little
        before = worker_pids(master.pid)
        lead, after = 5, 10
        wrk = subprocess.Popen(  # noqa: S603
            ["wrk", "-t1", "-c8", f"-d{lead + DOWN_SECONDS + after + 2}s", "--timeout=10s"]
            + ["-s", str(LUA), "-H", "X-Forwarded-Proto: https"]
            + [f"http://127.0.0.1:{WEB_PORT}/insatser/"],
            stdout=subprocess.PIPE,
            text=True,
        )
        probes = [Probe("/healthz"), Probe("/insatser/")]
        for probe in probes:
            probe.start()
        time.sleep(lead)
        stopping = time.monotonic()
        cluster.stop("fast")
        down = time.monotonic()
        time.sleep(DOWN_SECONDS)
        starting = time.monotonic()
        cluster.start()
        up = time.monotonic()
        time.sleep(after)
        for probe in probes:
            probe.stopping.set()
        for probe in probes:
            probe.join()
        summary = json.loads(wrk.communicate()[0].split("BENCH ", 1)[1])
        after_pids = worker_pids(master.pid)
    finally:
        master.send_signal(signal.SIGTERM)
        master.wait(30)

    log(
        f"   stop took {down - stopping:.1f} s, down {starting - down:.1f} s, start took "
        f"{up - starting:.1f} s (times below from the moment the stop began / the start returned)"
    )
    failed = []
    for probe in probes:
        bad = [s for s in probe.samples if s[2] != 200]
        statuses = Counter(s[2] for s in bad)
        outside = [s for s in bad if s[1] < stopping or s[0] > up + RECOVERY_LIMIT]
        last_bad = max((s[1] for s in bad), default=None)
        first_ok = next((s[0] for s in probe.samples if last_bad and s[0] >= last_bad), None)
        recovery = max(0.0, first_ok - up) if first_ok is not None else None
        first_bad = min((s[0] for s in bad), default=None)
        window = (first_ok - first_bad) if first_bad is not None and first_ok else 0.0
        answers = ", ".join(f"{n}× {code or 'no answer'}" for code, n in statuses.items())
        log(
            f"   {probe.path:<11} {len(probe.samples)} requests, {len(bad)} failed "
            f"({answers or 'none'})"
        )
        if first_bad is not None:
            log(
                f"   {'':<11} error window {window:.1f} s, from {first_bad - stopping:+.1f} s "
                f"after the stop began; first 200 {recovery:.2f} s after the start returned"
                if recovery is not None
                else f"   {'':<11} no 200 after the outage"
            )
        if outside:
            failed.append(f"{probe.path}: {len(outside)} failures outside the outage")
        if set(statuses) - {503}:
            failed.append(f"{probe.path}: answers other than 503 while down: {dict(statuses)}")
        if recovery is None or recovery > RECOVERY_LIMIT:
            failed.append(f"{probe.path}: not recovered within {RECOVERY_LIMIT} s")
        for _started, _finished, _status, body in bad:
            if b"Traceback" in body:
                failed.append(f"{probe.path}: a traceback in an error answer")
                break
        if probe.path != "/healthz" and bad:
            page = bad[0][3].decode("utf-8", "replace")
            if "503" not in page or "<html" not in page:
                failed.append(f"{probe.path}: the error answer is not the portal's 503 page")
    socket_errors = sum(summary[k] for k in ("connect", "read", "write", "timeout"))
    log(
        f"   wrk /insatser/ (8 connections): {summary['requests']} answers, "
        f"{summary['non2xx']} not 2xx, {socket_errors} socket errors"
    )
    same = before == after_pids
    log(
        f"   gunicorn workers {sorted(before)} before, {sorted(after_pids)} after: "
        + ("the same, none restarted" if same else "RESTARTED")
    )
    if not same:
        failed.append("gunicorn workers were restarted")
    return failed


def killed_worker(cluster: Cluster, env: dict) -> list[str]:
    """Part 2; the expectations that failed."""
    log("\n2. The task worker killed mid-task")
    manage = [PY, "manage.py"]

    def enqueue(seconds: float) -> str:
        code = f"from bench.tasks import sleep; print(sleep.enqueue({seconds}).id)"
        out = subprocess.run(  # noqa: S603
            [*manage, "shell", "-c", code],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        return out.strip().splitlines()[-1]

    def status(task_id: str) -> str:
        rows = cluster.query(
            "SELECT status FROM django_tasks_database_dbtaskresult WHERE id = %s", [task_id]
        )
        return rows[0][0]

    def wait_for(task_id: str, wanted: str, seconds: float) -> float | None:
        started = time.monotonic()
        while time.monotonic() - started < seconds:
            if status(task_id) == wanted:
                return time.monotonic() - started
            time.sleep(0.1)
        return None

    def worker() -> subprocess.Popen:
        return subprocess.Popen(  # noqa: S603
            [*manage, "task_worker", "--no-startup-delay", "--interval", "0.2", "-v", "0"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )

    failed = []
    long_task = enqueue(60)
    first = worker()
    if wait_for(long_task, "RUNNING", 60) is None:
        first.kill()
        return ["the worker never started the task"]
    time.sleep(1)
    first.send_signal(signal.SIGKILL)
    first.wait()
    log(f"   worker {first.pid} killed (SIGKILL) while running the task: {status(long_task)}")
    restarted_at = time.monotonic()
    second = worker()
    try:
        noticed = wait_for(long_task, "FAILED", 60)
        if noticed is None:
            failed.append(f"the killed task is still {status(long_task)}")
        else:
            reason = cluster.query(
                "SELECT exception_class_path FROM django_tasks_database_dbtaskresult WHERE id = %s",
                [long_task],
            )[0][0]
            log(
                f"   the restarted worker marked it FAILED ({reason.rsplit('.', 1)[-1]}) "
                f"{time.monotonic() - restarted_at:.1f} s after it started"
            )
        short_task = enqueue(0.1)
        ran = wait_for(short_task, "SUCCESSFUL", 30)
        if ran is None:
            failed.append("the restarted worker did not run a new task")
        else:
            log(f"   and ran a new task in {ran:.1f} s")
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(30)
    return failed


def main() -> int:
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk (make fault-test installs it).")
    directory = Path(tempfile.mkdtemp(prefix="pfault-"))
    cluster = Cluster(directory)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "partnership.settings",
        "DATABASE_URL": cluster.url,
        "DEBUG": "False",
        "SECRET_KEY": "fault-test-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        "MFA_ENCRYPTION_KEY": "fault-test-only-not-a-secret",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{WEB_PORT}",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    try:
        log(f"A throwaway PostgreSQL cluster in {directory} on 127.0.0.1:{PG_PORT}")
        cluster.create()
        for command in (
            ["migrate", "--no-input", "-v", "0"],
            ["seed_scale", "--initiatives", "300"],
            ["collectstatic", "--no-input", "-v", "0"],
        ):
            subprocess.run(  # noqa: S603
                [PY, "manage.py", *command],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        failed = outage(cluster, env) + killed_worker(cluster, env)
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            cluster.stop("immediate")
        shutil.rmtree(directory, ignore_errors=True)
    if failed:
        log("\nFAILED:\n- " + "\n- ".join(failed))
        return 1
    log("\nAll expectations held.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
