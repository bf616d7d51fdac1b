"""Lighthouse (mobile preset) on every public page kind, against the production-like server.

Run by ``make lighthouse`` (mk/lighthouse.mk), which installs Lighthouse into a cache folder
outside the repository, prepares the database and sets the production environment. This
script starts gunicorn as the README's production section does (DEBUG off, collected static
files served by whitenoise), picks one page of each kind from the database, runs Lighthouse
with Debian's Chromium on each and prints one table: performance and accessibility scores
and the JavaScript the page loads (compressed bytes, from Lighthouse's network record).

    python scripts/lighthouse.py --lighthouse ~/.cache/.../lighthouse [--port 8110]
"""

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"


def page_paths() -> list[tuple[str, str]]:
    """(kind, path) of one page of each public kind, in Swedish (the default language)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")
    import django

    django.setup()
    from django.urls import NoReverseMatch, reverse

    from initiatives.models import Initiative
    from partnership.problems.models import Problem
    from stakeholders.models import Organization

    paths = [
        ("home", reverse("home")),
        ("initiatives (map + list)", reverse("initiatives:list")),
    ]
    initiative = Initiative.objects.public().order_by("-pk").first()
    if initiative:
        paths.append(("initiative", reverse("initiatives:detail", args=[initiative.slug])))
    paths.append(("directory", reverse("stakeholders:list")))
    organization = Organization.objects.approved().order_by("-pk").first()
    if organization:
        paths.append(("organisation", reverse("stakeholders:detail", args=[organization.slug])))
    paths.append(("Ni sa, vi gjorde", reverse("public_problems")))
    problem = Problem.objects.public().order_by("-pk").first()
    if problem:
        paths.append(("problem", reverse("public_problem", args=[problem.public_id])))
    with contextlib.suppress(NoReverseMatch):  # no resident report form in this version
        paths.append(("report a place", reverse("residents:report")))
    return paths


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})  # noqa: S310
            with urllib.request.urlopen(request, timeout=2):  # noqa: S310 (loopback)
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer at {url}")


def run_lighthouse(lighthouse: str, url: str, out: Path) -> dict:
    command = [
        lighthouse,
        url,
        "--form-factor=mobile",  # the default preset: a mid-range phone on slow 4G
        f"--chrome-flags={CHROME_FLAGS}",
        '--extra-headers={"X-Forwarded-Proto": "https"}',
        "--only-categories=performance,accessibility",
        "--output=json",
        f"--output-path={out}",
        "--quiet",
    ]
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    for _attempt in range(2):  # NO_NAVSTART now and then on a busy machine: once more
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
        if result.returncode == 0 and out.exists():
            report = json.loads(out.read_text())
            if not report.get("runtimeError"):
                return report
    raise SystemExit(f"Lighthouse failed on {url}:\n{result.stderr[-2000:]}")


def javascript_bytes(report: dict) -> int:
    requests = report["audits"]["network-requests"]["details"]["items"]
    return sum(r.get("transferSize", 0) for r in requests if r.get("resourceType") == "Script")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lighthouse", required=True, help="the lighthouse executable")
    parser.add_argument("--port", type=int, default=8110)
    args = parser.parse_args()
    base = f"http://127.0.0.1:{args.port}"
    paths = page_paths()
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "partnership.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        start_new_session=True,
    )
    try:
        wait_for(base + "/healthz")
        rows = []
        with tempfile.TemporaryDirectory() as folder:
            for kind, path in paths:
                report = run_lighthouse(args.lighthouse, base + path, Path(folder) / "r.json")
                categories = report["categories"]
                rows.append(
                    (
                        kind,
                        path,
                        round(categories["performance"]["score"] * 100),
                        round(categories["accessibility"]["score"] * 100),
                        javascript_bytes(report),
                        [
                            audit_id
                            for audit_id, audit in report["audits"].items()
                            if audit.get("score") == 0
                            and audit_id
                            in {r["id"] for r in categories["accessibility"]["auditRefs"]}
                        ],
                    )
                )
                print(f"  {kind}: done", file=sys.stderr, flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
    print(f"{'page':26} {'perf':>5} {'a11y':>5} {'JS KB':>7}  path")
    for kind, path, performance, accessibility, js, failing in rows:
        print(f"{kind:26} {performance:5d} {accessibility:5d} {js / 1024:7.1f}  {path}")
        if failing:
            print(f"{'':26} accessibility audits failing: {', '.join(failing)}")


if __name__ == "__main__":
    main()
