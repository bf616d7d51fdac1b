"""Lighthouse (mobile preset) on every public page kind, against the production-like server.

Run by ``make lighthouse`` (mk/lighthouse.mk), which installs Lighthouse into a cache folder
outside the repository, prepares the databases and sets the production environment. For
each database named with ``--database LABEL=URL`` (the demo and 100,000 initiatives) this
script starts gunicorn as the README's production section does (DEBUG off, collected static
files served by whitenoise), picks one page of each kind from that database, asks each page
once (a server that has just started compiles its templates and fills its kept figures:
that is no page's doing), then runs Lighthouse with Debian's Chromium ``--runs`` times on
each and keeps the run with the median performance score. It prints one table: performance
(the median and every run), accessibility, the JavaScript the page loads (compressed bytes,
from Lighthouse's network record), the metrics behind the score, and under each page the
audits that failed.

    python scripts/lighthouse.py --lighthouse ~/.cache/.../lighthouse \\
        --database demo=postgres://.../a --database 100000=postgres://.../b [--runs 3]
"""

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"
# The metrics the performance score is made of, and the server's answer time.
METRICS = [
    ("FCP", "first-contentful-paint", 1000, "s"),
    ("LCP", "largest-contentful-paint", 1000, "s"),
    ("TBT", "total-blocking-time", 1, "ms"),
    ("CLS", "cumulative-layout-shift", 1, ""),
    ("SI", "speed-index", 1000, "s"),
    ("TTFB", "server-response-time", 1, "ms"),
]
# Audits that only inform (no score of their own) are left out of "failing".
INFORMATIVE = {"informative", "notApplicable", "manual", "error"}


def page_paths() -> list[tuple[str, str]]:
    """(kind, path) of one page of each public kind, in Swedish (the default language)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")
    import django

    django.setup()
    from django.urls import reverse

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
    paths.append(("report a place (form)", reverse("residents:report")))
    paths.append(("what residents say", reverse("residents:summary")))
    paths += [
        ("accessibility", reverse("accessibility")),
        ("privacy", reverse("privacy")),
        ("open data", reverse("open_data")),
        ("log in", reverse("account_login")),
    ]
    return paths


def paths_of(database_url: str) -> list[tuple[str, str]]:
    """``page_paths`` in a process of its own: Django reads one database per process."""
    output = subprocess.run(  # noqa: S603
        [sys.executable, __file__, "--list-paths"],
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [tuple(row) for row in json.loads(output.strip().splitlines()[-1])]


def ask(url: str, timeout: float = 60) -> None:
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (loopback)
        response.read()


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            ask(url, timeout=2)
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
    for _attempt in range(3):  # NO_NAVSTART now and then on a busy machine: again
        out.unlink(missing_ok=True)
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
        if result.returncode == 0 and out.exists():
            report = json.loads(out.read_text())
            if not report.get("runtimeError") and report["categories"]["performance"]["score"]:
                return report
    raise SystemExit(f"Lighthouse failed on {url}:\n{result.stderr[-2000:]}")


def javascript_bytes(report: dict) -> int:
    requests = report["audits"]["network-requests"]["details"]["items"]
    return sum(r.get("transferSize", 0) for r in requests if r.get("resourceType") == "Script")


def failing(report: dict, category: str, threshold: float) -> list[str]:
    """The audits of ``category`` scoring below ``threshold`` (with what they say)."""
    found = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if audit.get("scoreDisplayMode") in INFORMATIVE or audit.get("score") is None:
            continue
        if audit["score"] < threshold:
            shown = audit.get("displayValue")
            found.append(f"{ref['id']}" + (f" ({shown})" if shown else ""))
    return found


def summary(report: dict) -> dict:
    categories = report["categories"]
    return {
        "performance": round(categories["performance"]["score"] * 100),
        "accessibility": round(categories["accessibility"]["score"] * 100),
        "js": javascript_bytes(report),
        "metrics": {
            label: report["audits"][audit_id].get("numericValue", 0) / divisor
            for label, audit_id, divisor, _unit in METRICS
        },
        "failing": failing(report, "performance", 0.9)
        + [f"a11y:{name}" for name in failing(report, "accessibility", 1)],
        "lcp_element": _lcp_element(report),
    }


def _lcp_element(report: dict) -> str:
    audit = report["audits"].get("largest-contentful-paint-element", {})
    for item in (audit.get("details") or {}).get("items", []):
        for row in item.get("items", []):
            node = row.get("node")
            if node:
                return node.get("selector", "")[:60]
    return ""


def measure(
    lighthouse: str, port: int, label: str, database_url: str, runs: int, only: set[str]
) -> list[dict]:
    base = f"http://127.0.0.1:{port}"
    paths = [(kind, path) for kind, path in paths_of(database_url) if not only or kind in only]
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "partnership.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        start_new_session=True,
    )
    rows = []
    try:
        wait_for(base + "/healthz")
        for _kind, path in paths:  # each worker once: templates compiled, figures kept
            for _worker in range(2):
                ask(base + path)
        with tempfile.TemporaryDirectory() as folder:
            for kind, path in paths:
                results = [
                    summary(run_lighthouse(lighthouse, base + path, Path(folder) / "r.json"))
                    for _run in range(runs)
                ]
                results.sort(key=lambda result: result["performance"])
                median = results[len(results) // 2]
                median.update(
                    dataset=label,
                    kind=kind,
                    path=path,
                    runs=[result["performance"] for result in results],
                    accessibility=min(result["accessibility"] for result in results),
                    median_performance=statistics.median(r["performance"] for r in results),
                )
                rows.append(median)
                print(
                    f"  {label} {kind}: {median['runs']} {median['accessibility']}",
                    file=sys.stderr,
                    flush=True,
                )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return rows


def print_table(rows: list[dict]) -> None:
    metric_heads = " ".join(f"{label:>5}" for label, *_ in METRICS)
    print(f"{'data':7} {'page':26} {'perf':>4} {'runs':12} {'a11y':>4} {'JS KB':>6} {metric_heads}")
    for row in rows:
        metrics = " ".join(
            f"{row['metrics'][label]:5.{2 if unit in ('s', '') else 0}f}"
            for label, _id, _divisor, unit in METRICS
        )
        runs = ",".join(map(str, row["runs"]))
        print(
            f"{row['dataset']:7} {row['kind'][:26]:26} {row['median_performance']:4.0f} "
            f"{runs:12} {row['accessibility']:4d} {row['js'] / 1024:6.1f} {metrics}"
        )
        if row["failing"]:
            print(f"{'':8}{row['path']}  below 90: {', '.join(row['failing'])}")
        if row["lcp_element"]:
            print(f"{'':8}LCP element: {row['lcp_element']}")
    print(
        "(perf: the median of the runs; a11y: the lowest; metrics of the median run: FCP, "
        "LCP, SI in s, TBT and TTFB in ms. Targets: a11y 100, perf >= 95, no JavaScript "
        "without a map, <= 200 KB compressed with one.)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lighthouse", help="the lighthouse executable")
    parser.add_argument("--port", type=int, default=8110)
    parser.add_argument(
        "--database",
        action="append",
        default=[],
        metavar="LABEL=URL",
        help="a database to measure, with the label the table shows (repeatable)",
    )
    parser.add_argument("--runs", type=int, default=3, help="runs per page (the median counts)")
    parser.add_argument("--only", action="append", default=[], help="only these page kinds")
    parser.add_argument("--json", help="also write the rows to this file")
    parser.add_argument("--list-paths", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.list_paths:
        print(json.dumps(page_paths()))
        return
    if not args.lighthouse or not args.database:
        parser.error("--lighthouse and at least one --database are required")
    rows = []
    for database in args.database:
        label, _, url = database.partition("=")
        rows += measure(args.lighthouse, args.port, label, url, args.runs, set(args.only))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    print_table(rows)


if __name__ == "__main__":
    main()
