"""The demo partnership's loader: reads ``data/varby_gard.toml`` and creates what is missing.

The content itself (areas, vocabulary, organisations, demo accounts, problems, safety walks
and initiatives, every date a day offset from today) lives in that TOML file, whose header
documents its format. Content is kept out of Python so that the people who run a partnership
can edit their demo without touching code, and so that this module is only the loader.

The whole file is checked before anything is written (:func:`demo_data`): an unknown slug,
choice or field raises ``ValueError`` naming the table and the row.

The loader is idempotent: rows are looked up by their natural key (slug, email, a
deterministic ``public_id`` for problems and walks) and only missing rows are created.
Existing rows are never saved again, so a second run writes nothing: no changed rows, no
history events. Dates are relative to today, so "live" and "ended" stay meaningful over time.
"""

import datetime as dt
import random
import tomllib
import uuid
from collections import Counter
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import NoReturn

import pghistory
from allauth.account.models import EmailAddress
from django.apps import apps as django_apps
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import DateTimeField, F, Value
from django.db.models.functions import Cast, Least
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext

from initiatives.models import (
    Initiative,
    InitiativeUpdate,
    JoinRequest,
    ScheduleSlot,
    SessionMark,
)
from partnership.coordination.models import PublishedSituation
from partnership.coordination.publication import situation_draft, situation_publish
from partnership.meetings import selectors as meeting_selectors
from partnership.meetings.models import AgendaItem, Decision, Meeting
from partnership.models import Area, TargetGroup, Theme, Visibility, Weekday
from partnership.observations.models import Observation, ObservationCategory
from partnership.problems.models import (
    Problem,
    ProblemEndorsement,
    ProblemResponsibility,
    SafetyWalk,
)
from partnership.residents.models import Reason, ResidentReport, TimeOfDay
from stakeholders.models import Membership, Organization, User

DATA_FILE = Path(__file__).resolve().parent / "data" / "varby_gard.toml"

# Known on purpose: development only. load_demo refuses to run with DEBUG off unless told.
DEMO_PASSWORD = "demo-losenord-2026"

# Problems have no slug; a deterministic public_id is their natural key (and gives stable
# demo URLs across databases).
DEMO_NAMESPACE = uuid.UUID("6f0c8a52-3d0e-4c3b-9a55-5b1f7e2d9c10")

# The data file names weekdays "mon" … "sun"; they are stored as ISO numbers (Monday = 1).
WEEKDAYS = {day.name[:3].lower(): day.value for day in Weekday}

# Each kind of row in the data file: (required fields, optional fields).
_PROBLEM = "key title description themes severity status"
_PROBLEM_OPTIONAL = "latitude longitude weekdays time_from time_to outcome endorsements "
_PROBLEM_OPTIONAL += "responsibilities"
_FIELDS = {
    kind: (set(required.split()), set(optional.split()))
    for kind, (required, optional) in {
        "areas": ("slug name description latitude longitude boundary", "parent"),
        "themes": ("slug name_sv name_en", "description_sv"),
        "target_groups": ("slug name_sv name_en", ""),
        "organizations": (
            "slug name kind description areas themes",
            "status website public_email public_phone",
        ),
        "users": (
            "email first_name last_name",
            "title is_staff is_superuser is_coordinator memberships reporter_for",
        ),
        "problems": (
            f"{_PROBLEM} area source observed_days_ago visibility recorded_by",
            _PROBLEM_OPTIONAL,
        ),
        "walks": ("key title source held_days_ago area visibility organization", "findings"),
        "findings": (_PROBLEM, f"{_PROBLEM_OPTIONAL} visibility"),
        "responsibilities": ("organization role commitment", "due_in_days"),
        "initiatives": (
            "title summary lead themes areas starts status",
            "description partners groups latitude longitude address ends visibility slots "
            "problems updates join_requests sessions partners_mark_sessions",
        ),
        "slots": ("weekday starts ends", ""),
        "updates": ("day organization text", "new_status"),
        "join_requests": ("organization message", ""),
        "meetings": (
            "key kind day starts ends invited",
            "place link attendance approved items",
        ),
        "items": ("title", "detail minutes decisions"),
        "decisions": ("kind organization due_in_days", "text problem role commitment done"),
        "resident_reports": (
            "key kind area reasons sent_days_ago",
            "latitude longitude times weekdays text hidden problem",
        ),
        "observation_patterns": (
            "key organization reporter category area weekdays per_week count",
            "time_from time_to notes weeks latitude longitude",
        ),
        "published_situations": ("key weeks text", "leave_out areas by_weekday by_part"),
    }.items()
}
# The top-level tables in loading order, and the field that keys their rows.
_TABLES = {
    "areas": "slug",
    "themes": "slug",
    "target_groups": "slug",
    "organizations": "slug",
    "users": "email",
    "problems": "key",
    "walks": "key",
    "initiatives": "title",
    "meetings": "key",
    "resident_reports": "key",
    "observation_patterns": "key",
    "published_situations": "key",
}


@dataclass
class DemoResult:
    """What a load created (model label -> rows) and the demo accounts for the table."""

    created: Counter = field(default_factory=Counter)
    accounts: list[tuple[str, str]] = field(default_factory=list)


def demo_data(path: Path | None = None) -> dict:
    """The demo content from the data file, checked as a whole before anything is written.

    Every reference must name a row the file defines (an area's parent an earlier area), every
    choice a stored value, every day offset a whole number, every time "HH:MM"; no required
    field may be missing and no field unknown. A mistake raises ``ValueError`` naming the
    table and the row, since people edit this file by hand.
    """
    path = path or DATA_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{path.name}: not valid TOML: {error}") from error
    _DataCheck(path.name, data).run()
    return data


class _DataCheck:
    """One pass over the parsed data file, in loading order; the first mistake raises
    ``ValueError`` naming the table and the row: ``initiatives '<title>' slots #2: …``."""

    def __init__(self, source: str, data: dict):
        self.source = source
        self.data = data
        self.known: dict[str, set] = {table: set() for table in _TABLES}

    def fail(self, where: str, message: str) -> NoReturn:
        raise ValueError(f"{self.source}: {where}: {message}")

    def run(self) -> None:
        if unknown := sorted(set(self.data) - set(_TABLES)):
            self.fail("top level", f"unknown table {', '.join(unknown)}")
        for table, key_field in _TABLES.items():
            for where, row in self.rows(table, self.data, table):
                key = row[key_field]
                where = f"{table} {key!r}"
                # An initiative's key is the slug its title gives.
                self.add(where, table, initiative_slug(key) if table == "initiatives" else key)
                if check := getattr(self, table, None):  # themes, target_groups: no references
                    check(where, row)

    def rows(self, where: str, parent: dict, name: str):
        """Each row of the array of tables ``name``, its fields checked."""
        rows = parent.get(name, [])
        if not isinstance(rows, list):
            self.fail(where, f"write each of {name} as its own [[...{name}]] table")
        for position, row in enumerate(rows, start=1):
            inner = f"{name} #{position}" if where == name else f"{where} {name} #{position}"
            if not isinstance(row, dict):
                self.fail(inner, "expected a table of fields")
            required, optional = _FIELDS[name]
            if missing := sorted(required - row.keys()):
                self.fail(inner, f"missing {', '.join(missing)}")
            if unknown := sorted(row.keys() - required - optional):
                self.fail(inner, f"unknown field {', '.join(unknown)}")
            yield inner, row

    def add(self, where: str, table: str, key) -> None:
        if key in self.known[table]:
            self.fail(where, f"the key {key!r} appears twice")
        self.known[table].add(key)

    def refer(self, where: str, row: dict, name: str, table: str, *, many: bool = False):
        """``row[name]`` names a row of ``table`` (a list of them if ``many``)."""
        if name not in row:
            return
        if many != isinstance(row[name], list):
            self.fail(where, f"{name} must be {'a list of keys' if many else 'one key'}")
        for key in row[name] if many else [row[name]]:
            if key not in self.known[table]:
                self.fail(where, f"{name} names an unknown {table.rstrip('s')} {key!r}")

    def mapping(self, where: str, row: dict, name: str, table: str) -> dict:
        """``row[name]`` is a table keyed by rows of ``table`` (memberships, endorsements)."""
        value = row.get(name, {})
        if not isinstance(value, dict):
            self.fail(where, f"{name} must be a table: {{ organisation-slug = ... }}")
        for key in value:
            self.refer(where, {name: key}, name, table)
        return value

    def choice(self, where: str, name: str, value, choices) -> None:
        if value is not None and value not in choices:
            self.fail(where, f"{name} = {value!r} is not one of: {', '.join(map(str, choices))}")

    def days(self, where: str, row: dict, *names: str) -> None:
        for name in names:
            if name in row and type(row[name]) is not int:
                self.fail(where, f"{name} must be a whole number of days, not {row[name]!r}")

    def clock(self, where: str, row: dict, *names: str) -> None:
        for name in names:
            try:
                name in row and _time(row[name])
            except (TypeError, ValueError):
                self.fail(where, f'{name} = {row[name]!r} is not a time "HH:MM"')

    def areas(self, where: str, row: dict) -> None:
        self.refer(where, row, "parent", "areas")
        corners = row["boundary"]
        if (
            not isinstance(corners, list)
            or len(corners) < 3
            or any(not isinstance(corner, list) or len(corner) != 2 for corner in corners)
        ):
            self.fail(where, "boundary must list at least 3 corners as [longitude, latitude]")

    def organizations(self, where: str, row: dict) -> None:
        self.choice(where, "kind", row["kind"], Organization.Kind.values)
        self.choice(where, "status", row.get("status"), Organization.Status.values)
        self.refer(where, row, "areas", "areas", many=True)
        self.refer(where, row, "themes", "themes", many=True)

    def users(self, where: str, row: dict) -> None:
        memberships = self.mapping(where, row, "memberships", "organizations")
        for slug, role in memberships.items():
            self.choice(where, f"memberships.{slug}", role, Membership.Role.values)
        for slug in row.get("reporter_for", []):
            if slug not in memberships:
                self.fail(where, f"reporter_for names {slug!r}, not one of its memberships")

    def problems(self, where: str, row: dict) -> None:
        self.refer(where, row, "area", "areas")
        self.refer(where, row, "recorded_by", "organizations")
        self.choice(where, "source", row["source"], Problem.Source.values)
        self.days(where, row, "observed_days_ago")
        self.findings(where, row)

    def resident_reports(self, where: str, row: dict) -> None:
        self.refer(where, row, "area", "areas")
        self.refer(where, row, "problem", "problems")
        self.choice(where, "kind", row["kind"], ResidentReport.Kind.values)
        for reason in row["reasons"]:
            self.choice(where, "reasons", reason, Reason.values)
        for part in row.get("times", []):
            self.choice(where, "times", part, TimeOfDay.values)
        for day in row.get("weekdays", []):
            self.choice(where, "weekdays", day, list(WEEKDAYS))
        self.days(where, row, "sent_days_ago")

    def observation_patterns(self, where: str, row: dict) -> None:
        self.refer(where, row, "organization", "organizations")
        self.refer(where, row, "reporter", "users")
        self.refer(where, row, "area", "areas")
        for day in row["weekdays"]:
            self.choice(where, "weekdays", day, list(WEEKDAYS))
        self.clock(where, row, "time_from", "time_to")
        if "time_to" in row and "time_from" not in row:
            self.fail(where, "time_to needs a time_from")
        self.pair(where, row, "latitude", "longitude")
        count = row["count"]
        if (
            not (isinstance(count, list) and len(count) == 2 and all(type(n) is int for n in count))
            or not 1 <= count[0] <= count[1]
        ):
            self.fail(where, "count must be [fewest, most], whole numbers from 1")
        if not isinstance(row["per_week"], int | float) or row["per_week"] <= 0:
            self.fail(where, "per_week must be a number above 0")
        self.days(where, row, "weeks")

    def published_situations(self, where: str, row: dict) -> None:
        self.refer(where, row, "areas", "areas", many=True)
        slugs = [slug for slug, _sv, _en in _est_categories().CATEGORIES]
        for slug in row.get("leave_out", []):
            self.choice(where, "leave_out", slug, slugs)
        if type(row["weeks"]) is not int or row["weeks"] < 1:
            self.fail(where, "weeks must be a whole number from 1")

    def pair(self, where: str, row: dict, first: str, second: str) -> None:
        if (first in row) != (second in row):
            self.fail(where, f"give both {first} and {second}, or neither")

    def findings(self, where: str, row: dict) -> None:
        """What a problem and a walk's finding share (the rules the database enforces too)."""
        self.refer(where, row, "themes", "themes", many=True)
        self.choice(where, "severity", row["severity"], range(1, 6))
        self.choice(where, "status", row["status"], Problem.Status.values)
        if row["status"] in Problem.CLOSED and not row.get("outcome"):
            self.fail(where, f"a {row['status']} problem needs an outcome")
        self.choice(where, "visibility", row.get("visibility"), Visibility.values)
        self.pair(where, row, "latitude", "longitude")
        self.pair(where, row, "time_from", "time_to")
        self.clock(where, row, "time_from", "time_to")
        for day in row.get("weekdays", []):
            self.choice(where, "weekdays", day, list(WEEKDAYS))
        self.mapping(where, row, "endorsements", "organizations")
        leads = 0
        for inner, item in self.rows(where, row, "responsibilities"):
            self.refer(inner, item, "organization", "organizations")
            self.choice(inner, "role", item["role"], ProblemResponsibility.Role.values)
            self.days(inner, item, "due_in_days")
            leads += item["role"] == ProblemResponsibility.Role.LEAD
        if leads > 1:
            self.fail(where, "a problem has at most one lead responsibility")

    def walks(self, where: str, row: dict) -> None:
        self.refer(where, row, "area", "areas")
        self.refer(where, row, "organization", "organizations")
        self.choice(where, "source", row["source"], SafetyWalk.Source.values)
        self.choice(where, "visibility", row["visibility"], Visibility.values)
        self.days(where, row, "held_days_ago")
        for _, finding in self.rows(where, row, "findings"):
            inner = f"{where} finding {finding['key']!r}"
            # A finding becomes a problem: it shares the problems' keys.
            self.add(inner, "problems", finding["key"])
            self.findings(inner, finding)

    def initiatives(self, where: str, row: dict) -> None:
        self.refer(where, row, "lead", "organizations")
        for name, table in (
            ("partners", "organizations"),
            ("themes", "themes"),
            ("groups", "target_groups"),
            ("areas", "areas"),
            ("problems", "problems"),
        ):
            self.refer(where, row, name, table, many=True)
        self.choice(where, "status", row["status"], Initiative.Status.values)
        self.choice(where, "visibility", row.get("visibility"), Visibility.values)
        self.pair(where, row, "latitude", "longitude")
        self.days(where, row, "starts", "ends")
        for inner, slot in self.rows(where, row, "slots"):
            self.choice(inner, "weekday", slot["weekday"], list(WEEKDAYS))
            self.clock(inner, slot, "starts", "ends")
        for inner, update in self.rows(where, row, "updates"):
            self.refer(inner, update, "organization", "organizations")
            self.choice(inner, "new_status", update.get("new_status"), Initiative.Status.values)
            self.days(inner, update, "day")
        for inner, join in self.rows(where, row, "join_requests"):
            self.refer(inner, join, "organization", "organizations")
        self.sessions(where, row)

    def sessions(self, where: str, row: dict) -> None:
        """``sessions = { weeks = 8, cancelled = [2, 5], unmarked = [0], participants = 12 }``:
        the last ``weeks`` weeks' sessions marked held, except the weeks ago listed."""
        spec = row.get("sessions")
        if spec is None:
            return
        known = {"weeks", "cancelled", "unmarked", "participants"}
        if not isinstance(spec, dict) or not spec.keys() <= known or "weeks" not in spec:
            self.fail(where, f"sessions must be a table with weeks and optionally {known}")
        for name in ("cancelled", "unmarked"):
            if not all(type(w) is int and w >= 0 for w in spec.get(name, [])):
                self.fail(where, f"sessions.{name} must list weeks ago (0 = the last week)")

    def meetings(self, where: str, row: dict) -> None:
        self.choice(where, "kind", row["kind"], Meeting.Kind.values)
        self.days(where, row, "day")
        self.clock(where, row, "starts", "ends")
        self.refer(where, row, "invited", "organizations", many=True)
        if not (row.get("place") or row.get("link")):
            self.fail(where, "give a place or a link")
        if row.get("approved") and row["day"] > 0:
            self.fail(where, "only a held meeting's minutes can be approved")
        for inner, item in self.rows(where, row, "items"):
            for deeper, decision in self.rows(inner, item, "decisions"):
                self.choice(deeper, "kind", decision["kind"], list(Decision.FOLLOWED_UP))
                self.refer(deeper, decision, "organization", "organizations")
                self.refer(deeper, decision, "problem", "problems")
                self.days(deeper, decision, "due_in_days")
                needed = {"task": "text", "responsibility": "problem role commitment"}
                if missing := sorted(set(needed[decision["kind"]].split()) - decision.keys()):
                    self.fail(deeper, f"missing {', '.join(missing)}")


def _est_categories():
    """The migration that seeds the observation categories (their slugs, names)."""
    return import_module("partnership.observations.migrations.0002_est_categories")


def _time(value: str) -> dt.time:
    return dt.time.fromisoformat(value)


def _point(spec: dict) -> tuple:
    """(latitude, longitude), or (None, None) where the file gives no point."""
    return spec.get("latitude"), spec.get("longitude")


def _polygon(corners: list) -> dict:
    """A GeoJSON Polygon from its corners as [lon, lat], the ring closed unless it is."""
    ring = [list(corner) for corner in corners]
    if ring[0] != ring[-1]:
        ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


def _problem_public_id(key: str) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, f"problem:{key}")


def _initiative_public_id(slug: str) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, f"initiative:{slug}")


def initiative_slug(title: str) -> str:
    return slugify(title)[:220]


def vocabulary_load(result: DemoResult | None = None) -> DemoResult:
    """Create the demo areas, themes and target groups that are missing; never update."""
    return _vocabulary_load(result or DemoResult(), demo_data())


def _vocabulary_load(result: DemoResult, data: dict) -> DemoResult:
    specs = data.get("areas", [])
    areas = {a.slug: a for a in Area.objects.filter(slug__in=[a["slug"] for a in specs])}
    for spec in specs:
        if spec["slug"] in areas:
            continue
        latitude, longitude = _point(spec)
        areas[spec["slug"]] = Area.objects.create(
            slug=spec["slug"],
            name=spec["name"],
            parent=areas[spec["parent"]] if spec.get("parent") else None,
            description=spec["description"],
            latitude=latitude,
            longitude=longitude,
            boundary=_polygon(spec["boundary"]),
        )
        result.created["area"] += 1

    for model, table in ((Theme, "themes"), (TargetGroup, "target_groups")):
        rows = data.get(table, [])
        existing = set(
            model.objects.filter(slug__in=[r["slug"] for r in rows]).values_list("slug", flat=True)
        )
        missing = [
            model(
                slug=row["slug"],
                name_sv=row["name_sv"],
                name_en=row["name_en"],
                description_sv=row.get("description_sv", ""),
                position=position,
            )
            for position, row in enumerate(rows, start=1)
            if row["slug"] not in existing
        ]
        model.objects.bulk_create(missing)
        result.created[model._meta.model_name] += len(missing)
    return result


def _by_slug(model, slugs) -> dict:
    return {obj.slug: obj for obj in model.objects.filter(slug__in=list(slugs))}


def _role_label(spec: dict, organization_names: dict) -> str:
    if spec.get("is_superuser"):
        return "superuser"
    roles = ["coordinator"] if spec.get("is_coordinator") else []
    memberships = spec.get("memberships", {}).items()
    roles += [f"{role} – {organization_names[slug]}" for slug, role in memberships]
    return "; ".join(roles) or "account without organisation"


@transaction.atomic
def demo_load(*, today: dt.date | None = None, path: Path | None = None) -> DemoResult:
    """Load the demo partnership from the data file (``DATA_FILE`` unless ``path`` names
    another); whatever already exists is left untouched.

    History events are written for created rows only, tagged with the ``load_demo``
    context so the history view can tell seeded rows from real edits.
    """
    data = demo_data(path)
    result = DemoResult()
    with pghistory.context(source="load_demo"):
        _vocabulary_load(result, data)
        _DemoLoader(result, data, today or dt.date.today()).load()
    result.created = +result.created  # drop the zero counts
    names = {o["slug"]: o["name"] for o in data.get("organizations", [])}
    result.accounts = [(spec["email"], _role_label(spec, names)) for spec in data.get("users", [])]
    return result


class _DemoLoader:
    """Creates the missing rows of the checked data, each table after those it refers to."""

    def __init__(self, result: DemoResult, data: dict, today: dt.date):
        self.result = result
        self.data = data
        self.today = today

    def days_from_today(self, days: int | None) -> dt.date | None:
        return self.today + dt.timedelta(days=days) if days is not None else None

    def load(self) -> None:
        self.areas = _by_slug(Area, [a["slug"] for a in self.data.get("areas", [])])
        self.themes = _by_slug(Theme, [t["slug"] for t in self.data.get("themes", [])])
        self.groups = _by_slug(TargetGroup, [g["slug"] for g in self.data.get("target_groups", [])])
        self.organizations = self.organizations_load()
        self.authors = self.first_admins(self.users_load())
        self.problems = self.problems_load(self.data.get("problems", []))
        for walk in self.data.get("walks", []):
            self.walk_load(walk)
        self.initiatives_load()
        self.meetings_load()
        self.resident_reports_load()
        self.observations_load()
        self.published_situations_load()

    def organizations_load(self) -> dict:
        specs = self.data.get("organizations", [])
        organizations = _by_slug(Organization, [o["slug"] for o in specs])
        now = timezone.now()
        for spec in specs:
            if spec["slug"] in organizations:
                continue
            status = spec.get("status", Organization.Status.APPROVED)
            organization = Organization.objects.create(
                slug=spec["slug"],
                name=spec["name"],
                kind=spec["kind"],
                status=status,
                description=spec["description"],
                website=spec.get("website", ""),
                public_email=spec.get("public_email", ""),
                public_phone=spec.get("public_phone", ""),
                approved_at=now if status != Organization.Status.PENDING else None,
            )
            organization.areas.set([self.areas[slug] for slug in spec["areas"]])
            organization.themes.set([self.themes[slug] for slug in spec["themes"]])
            organizations[spec["slug"]] = organization
            self.result.created["organization"] += 1
        return organizations

    def users_load(self) -> dict:
        specs = self.data.get("users", [])
        users = {u.email: u for u in User.objects.filter(email__in=[s["email"] for s in specs])}
        password_hash = None
        for spec in specs:
            memberships = spec.get("memberships", {})
            user = users.get(spec["email"])
            if user is None:
                # One hash for every demo account: hashing is deliberately slow.
                password_hash = password_hash or make_password(DEMO_PASSWORD)
                user = User.objects.create(
                    email=spec["email"],
                    password=password_hash,
                    first_name=spec["first_name"],
                    last_name=spec["last_name"],
                    title=spec.get("title", ""),
                    share_contact_details=bool(memberships),
                    is_staff=spec.get("is_staff", False),
                    is_superuser=spec.get("is_superuser", False),
                    is_coordinator=spec.get("is_coordinator", False),
                )
                users[user.email] = user
                self.result.created["user"] += 1
            if not EmailAddress.objects.filter(user=user, email__iexact=user.email).exists():
                EmailAddress.objects.create(
                    user=user, email=user.email, primary=True, verified=True
                )
                self.result.created["emailaddress"] += 1
            for slug, role in memberships.items():
                _, created = Membership.objects.get_or_create(
                    user=user,
                    organization=self.organizations[slug],
                    defaults={"role": role, "is_reporter": slug in spec.get("reporter_for", [])},
                )
                self.result.created["membership"] += created
        return users

    def first_admins(self, users: dict) -> dict:
        """Organisation slug -> the demo user who acts for it (its first admin, else member)."""
        authors: dict = {}
        for role in (Membership.Role.ADMIN, Membership.Role.MEMBER):
            for spec in self.data.get("users", []):
                for slug, member_role in spec.get("memberships", {}).items():
                    if member_role == role:
                        authors.setdefault(slug, users[spec["email"]])
        return authors

    def walk_load(self, spec: dict) -> None:
        """A demo safety walk, its findings as problems (as an import leaves them)."""
        public_id = uuid.uuid5(DEMO_NAMESPACE, f"walk:{spec['key']}")
        walk = SafetyWalk.objects.filter(public_id=public_id).first()
        if walk is None:
            walk = SafetyWalk.objects.create(
                public_id=public_id,
                title=spec["title"],
                source=spec["source"],
                held_on=self.days_from_today(-spec["held_days_ago"]),
                area=self.areas[spec["area"]],
                visibility=spec["visibility"],
                organization=self.organizations[spec["organization"]],
                imported_by=self.authors.get(spec["organization"]),
                file_name=f"{spec['key']}.csv",
                confirmed_at=timezone.now(),
            )
            self.result.created["safetywalk"] += 1
        walk_fields = {
            "area": spec["area"],
            "source": spec["source"],
            "observed_days_ago": spec["held_days_ago"],
            "visibility": spec["visibility"],
            "recorded_by": spec["organization"],
        }
        findings = [{**walk_fields, **finding} for finding in spec.get("findings", [])]
        self.problems.update(self.problems_load(findings, walk=walk))

    def problems_load(self, specs: list, *, walk: SafetyWalk | None = None) -> dict:
        ids = {_problem_public_id(spec["key"]): spec["key"] for spec in specs}
        problems = {ids[p.public_id]: p for p in Problem.objects.filter(public_id__in=list(ids))}
        for spec in specs:
            if spec["key"] in problems:
                continue
            latitude, longitude = _point(spec)
            time_from, time_to = spec.get("time_from"), spec.get("time_to")
            problem = Problem.objects.create(
                public_id=_problem_public_id(spec["key"]),
                title=spec["title"],
                description=spec["description"],
                area=self.areas[spec["area"]],
                latitude=latitude,
                longitude=longitude,
                source=spec["source"],
                observed_on=self.days_from_today(-spec["observed_days_ago"]),
                weekdays=[WEEKDAYS[day] for day in spec.get("weekdays", [])],
                time_from=_time(time_from) if time_from else None,
                time_to=_time(time_to) if time_to else None,
                severity=spec["severity"],
                status=spec["status"],
                outcome=spec.get("outcome", ""),
                visibility=spec["visibility"],
                recorded_by_organization=self.organizations[spec["recorded_by"]],
                recorded_by=self.authors.get(spec["recorded_by"]),
                walk=walk,
            )
            problem.themes.set([self.themes[slug] for slug in spec["themes"]])
            for slug, note in spec.get("endorsements", {}).items():
                ProblemEndorsement.objects.create(
                    problem=problem,
                    organization=self.organizations[slug],
                    endorsed_by=self.authors.get(slug),
                    note=note,
                )
                self.result.created["problemendorsement"] += 1
            for item in spec.get("responsibilities", []):
                ProblemResponsibility.objects.create(
                    problem=problem,
                    organization=self.organizations[item["organization"]],
                    role=item["role"],
                    commitment=item["commitment"],
                    due_on=self.days_from_today(item.get("due_in_days")),
                    committed_by=self.authors.get(item["organization"]),
                )
                self.result.created["problemresponsibility"] += 1
            problems[spec["key"]] = problem
            self.result.created["problem"] += 1
        return problems

    def initiatives_load(self) -> None:
        specs = self.data.get("initiatives", [])
        slugs = [initiative_slug(spec["title"]) for spec in specs]
        existing = set(Initiative.objects.filter(slug__in=slugs).values_list("slug", flat=True))
        for spec, slug in zip(specs, slugs, strict=True):
            if slug not in existing:
                self.initiative_create(spec, slug)

    def initiative_create(self, spec: dict, slug: str) -> None:
        latitude, longitude = _point(spec)
        organizations = self.organizations
        initiative = Initiative.objects.create(
            public_id=_initiative_public_id(slug),
            slug=slug,
            title=spec["title"],
            summary=spec["summary"],
            description=spec.get("description", ""),
            lead_organization=organizations[spec["lead"]],
            latitude=latitude,
            longitude=longitude,
            address=spec.get("address", ""),
            starts_on=self.days_from_today(spec["starts"]),
            ends_on=self.days_from_today(spec.get("ends")),
            status=spec["status"],
            visibility=spec.get("visibility", Visibility.PUBLIC),
            contact_email=f"{spec['lead']}@example.org",
            partners_mark_sessions=spec.get("partners_mark_sessions", False),
            created_by=self.authors.get(spec["lead"]),
        )
        initiative.partner_organizations.set([organizations[s] for s in spec.get("partners", [])])
        initiative.themes.set([self.themes[s] for s in spec["themes"]])
        initiative.target_groups.set([self.groups[s] for s in spec.get("groups", [])])
        initiative.areas.set([self.areas[s] for s in spec["areas"]])
        initiative.problems.set([self.problems[k] for k in spec.get("problems", [])])
        slots = [
            ScheduleSlot(
                initiative=initiative,
                weekday=WEEKDAYS[slot["weekday"]],
                starts_at=_time(slot["starts"]),
                ends_at=_time(slot["ends"]),
            )
            for slot in spec.get("slots", [])
        ]
        ScheduleSlot.objects.bulk_create(slots)
        self.result.created["scheduleslot"] += len(slots)
        if "sessions" in spec:
            self.sessions_load(initiative, slots, spec["sessions"])
        for update in spec.get("updates", []):
            InitiativeUpdate.objects.create(
                initiative=initiative,
                organization=organizations[update["organization"]],
                author=self.authors.get(update["organization"]),
                happened_on=self.days_from_today(update["day"]),
                text=update["text"],
                new_status=update.get("new_status", ""),
                visibility=initiative.visibility,
            )
            self.result.created["initiativeupdate"] += 1
        for join in spec.get("join_requests", []):
            JoinRequest.objects.create(
                initiative=initiative,
                organization=organizations[join["organization"]],
                requested_by=self.authors.get(join["organization"]),
                message=join["message"],
            )
            self.result.created["joinrequest"] += 1
        self.result.created["initiative"] += 1

    def sessions_load(self, initiative, slots: list, spec: dict) -> None:
        """The delivery log: the sessions of the last ``weeks`` weeks (those ended before
        today), held unless listed as cancelled or unmarked (weeks ago, 0 = the latest)."""
        yesterday = self.today - dt.timedelta(days=1)
        marks = []
        for slot in slots:
            latest = yesterday - dt.timedelta(days=(yesterday.isoweekday() - slot.weekday) % 7)
            for weeks_ago in range(spec["weeks"]):
                on_date = latest - dt.timedelta(weeks=weeks_ago)
                if on_date < initiative.starts_on or weeks_ago in spec.get("unmarked", []):
                    continue
                cancelled = weeks_ago in spec.get("cancelled", [])
                marks.append(
                    SessionMark(
                        initiative=initiative,
                        on_date=on_date,
                        starts_at=slot.starts_at,
                        ends_at=slot.ends_at,
                        outcome="cancelled" if cancelled else "held",
                        participants=None if cancelled else spec.get("participants"),
                        via=SessionMark.Via.PAGE,
                        marked_by=self.authors.get(initiative.lead_organization.slug),
                    )
                )
        SessionMark.objects.bulk_create(marks)
        self.result.created["sessionmark"] += len(marks)

    def resident_reports_load(self) -> None:
        """Residents' reports of places (anonymous), each with a deterministic id; those
        naming a problem are linked to it, as a coordinator's "make a problem of these"
        does."""
        specs = self.data.get("resident_reports", [])
        ids = {uuid.uuid5(DEMO_NAMESPACE, f"resident_report:{s['key']}"): s for s in specs}
        existing = set(
            ResidentReport.objects.filter(public_id__in=list(ids)).values_list(
                "public_id", flat=True
            )
        )
        for public_id, spec in ids.items():
            if public_id in existing:
                continue
            latitude, longitude = _point(spec)
            report = ResidentReport.objects.create(
                public_id=public_id,
                kind=spec["kind"],
                area=self.areas[spec["area"]],
                reasons=spec["reasons"],
                times_of_day=spec.get("times", []),
                weekdays=[WEEKDAYS[day] for day in spec.get("weekdays", [])],
                text=spec.get("text", ""),
                text_hidden_at=timezone.now() if spec.get("hidden") else None,
                latitude=latitude,
                longitude=longitude,
                created_on=self.days_from_today(-spec["sent_days_ago"]),
            )
            if spec.get("problem"):
                self.problems[spec["problem"]].resident_reports.add(report)
            self.result.created["residentreport"] += 1

    def observations_load(self) -> None:
        """Observations drawn from each pattern of the data file over its last ``weeks``
        weeks (12 unless given): ``per_week`` of them a week on the pattern's weekdays (a
        fraction is the chance of one more), at its time give or take an hour, each with a
        count in its range and now and then one of its notes. Drawn by a random generator
        seeded with the pattern's key, so every database gets the same ones; each has a
        deterministic id, so a second run creates none."""
        # The categories come from a migration; a test database's flush (a live-server test)
        # removes them, so they are made again here if they are missing (never changed).
        _est_categories().add_categories(django_apps, None)
        categories = {c.slug: c for c in ObservationCategory.objects.all()}
        users = {u.email: u for u in User.objects.filter(email__in=self.reporter_emails())}
        wanted: dict[uuid.UUID, Observation] = {}
        for spec in self.data.get("observation_patterns", []):
            if spec["category"] not in categories:
                raise ValueError(
                    f"observation_patterns {spec['key']!r}: no category {spec['category']!r}"
                )
            for key, observation in self.observations_drawn(spec, categories, users):
                wanted[uuid.uuid5(DEMO_NAMESPACE, f"observation:{key}")] = observation
        existing = set(
            Observation.objects.filter(public_id__in=list(wanted)).values_list(
                "public_id", flat=True
            )
        )
        missing = []
        for public_id, observation in wanted.items():
            if public_id not in existing:
                observation.public_id = public_id
                missing.append(observation)
        Observation.objects.bulk_create(missing)
        # Logged the day after, as a reporter does (not all at once now, which would offer
        # every demo observation for correction).
        Observation.objects.filter(public_id__in=[o.public_id for o in missing]).update(
            created_at=Least(
                Cast(F("observed_on"), DateTimeField()) + dt.timedelta(days=1, hours=8),
                Value(timezone.now()),
            )
        )
        self.result.created["observation"] += len(missing)

    def published_situations_load(self) -> None:
        """Lägesbilder the coordinator has published to residents (``/lagesbilder/``): the
        last ``weeks`` whole weeks (Monday to Sunday) of the drawn observations, every
        category but those left out, per the given areas and by weekday and time of day as
        chosen — drafted and published through the coordinator's own services, so the numbers
        are the report's. Each has a deterministic id; a second run creates none."""
        coordinator = User.objects.filter(is_coordinator=True).order_by("pk").first()
        last_sunday = self.today - dt.timedelta(days=self.today.isoweekday())
        for spec in self.data.get("published_situations", []):
            public_id = uuid.uuid5(DEMO_NAMESPACE, f"published_situation:{spec['key']}")
            if PublishedSituation.objects.filter(public_id=public_id).exists():
                continue
            left_out = set(spec.get("leave_out", []))
            choices = {
                "starts_on": (last_sunday - dt.timedelta(weeks=spec["weeks"], days=-1)).isoformat(),
                "ends_on": last_sunday.isoformat(),
                "area": None,
                "theme": None,
                "categories": sorted(
                    ObservationCategory.objects.exclude(slug__in=left_out).values_list(
                        "pk", flat=True
                    )
                ),
                "areas": [self.areas[slug].pk for slug in spec.get("areas", [])],
                "by_weekday": spec.get("by_weekday", False),
                "by_part": spec.get("by_part", False),
            }
            draft = situation_draft(choices=choices, text=spec["text"], actor=coordinator)
            PublishedSituation.objects.filter(pk=draft.pk).update(public_id=public_id)
            draft.refresh_from_db()
            situation_publish(situation=draft, actor=coordinator)
            self.result.created["published situation"] += 1

    def reporter_emails(self) -> list[str]:
        return [p["reporter"] for p in self.data.get("observation_patterns", [])]

    def observations_drawn(self, spec: dict, categories: dict, users: dict):
        """(key, unsaved observation) for each observation the pattern gives."""
        draw = random.Random(spec["key"])  # noqa: S311 (demo data, not security)
        this_monday = self.today - dt.timedelta(days=self.today.weekday())
        per_week = spec["per_week"]
        notes = spec.get("notes", [])
        latitude, longitude = _point(spec)
        for week in range(spec.get("weeks", 12)):
            monday = this_monday - dt.timedelta(weeks=week)
            many = int(per_week) + (draw.random() < per_week - int(per_week))
            for number in range(many):
                day = monday + dt.timedelta(days=WEEKDAYS[draw.choice(spec["weekdays"])] - 1)
                time_from = time_to = None
                if "time_from" in spec:
                    shift = dt.timedelta(minutes=15 * draw.randint(-4, 4))
                    start = dt.datetime.combine(day, _time(spec["time_from"])) + shift
                    time_from = start.time()
                    if "time_to" in spec:
                        time_to = (dt.datetime.combine(day, _time(spec["time_to"])) + shift).time()
                        if time_to == time_from:
                            time_to = None
                note = draw.choice(notes) if notes and draw.random() < 0.4 else ""
                count = draw.randint(*spec["count"])
                if day > self.today or day == self.today and time_from is not None:
                    continue  # not yet happened (the draws above keep later ones the same)
                yield (
                    f"{spec['key']}:{week}:{number}",
                    Observation(
                        organization=self.organizations[spec["organization"]],
                        reported_by=users.get(spec["reporter"]),
                        area=self.areas[spec["area"]],
                        category=categories[spec["category"]],
                        observed_on=day,
                        time_from=time_from,
                        time_to=time_to,
                        count=count,
                        note=note,
                        latitude=latitude,
                        longitude=longitude,
                    ),
                )

    def meetings_load(self) -> None:
        """The demo meetings: a held one with its minutes and decisions, and a coming one
        whose agenda is drawn from the dashboard (``meetings.selectors.agenda_draft``), as
        a coordinator's new meeting is. No invitations are sent."""
        coordinator = User.objects.filter(is_coordinator=True).order_by("pk").first()
        zone = timezone.get_current_timezone()
        for spec in self.data.get("meetings", []):
            public_id = uuid.uuid5(DEMO_NAMESPACE, f"meeting:{spec['key']}")
            if Meeting.objects.filter(public_id=public_id).exists():
                continue
            day = self.days_from_today(spec["day"])
            meeting = Meeting.objects.create(
                public_id=public_id,
                kind=spec["kind"],
                starts_at=dt.datetime.combine(day, _time(spec["starts"]), tzinfo=zone),
                ends_at=dt.datetime.combine(day, _time(spec["ends"]), tzinfo=zone),
                place=spec.get("place", ""),
                link=spec.get("link", ""),
                attendance=spec.get("attendance", ""),
                created_by=coordinator,
            )
            meeting.invited_organizations.set([self.organizations[s] for s in spec["invited"]])
            if "items" in spec:
                for position, item_spec in enumerate(spec["items"], start=1):
                    self.meeting_item_load(meeting, position, item_spec, coordinator)
            else:
                draft = meeting_selectors.agenda_draft(meeting)
                for position, item in enumerate(draft.items, start=1):
                    item.meeting, item.position = meeting, position
                AgendaItem.objects.bulk_create(draft.items)
                meeting.agenda_totals = draft.totals
                meeting.save(update_fields=["agenda_totals"])
                self.result.created["agendaitem"] += len(draft.items)
            if spec.get("approved"):
                meeting.approved_at, meeting.approved_by = meeting.ends_at, coordinator
                meeting.save(update_fields=["approved_at", "approved_by"])
            self.result.created["meeting"] += 1

    def meeting_item_load(self, meeting, position: int, spec: dict, coordinator) -> None:
        item = AgendaItem.objects.create(
            meeting=meeting,
            position=position,
            source=AgendaItem.Source.ADDED,
            title=spec["title"],
            detail=spec.get("detail", ""),
            minutes=spec.get("minutes", ""),
        )
        self.result.created["agendaitem"] += 1
        for decision in spec.get("decisions", []):
            organization = self.organizations[decision["organization"]]
            due_on = self.days_from_today(decision["due_in_days"])
            done_at = meeting.ends_at if decision.get("done") else None
            row = Decision(
                meeting=meeting,
                item=item,
                kind=decision["kind"],
                organization=organization,
                due_on=due_on,
                done_at=done_at,
                created_by=coordinator,
            )
            if decision["kind"] == Decision.Kind.RESPONSIBILITY:
                problem = self.problems[decision["problem"]]
                row.problem = problem
                row.responsibility, _created = ProblemResponsibility.objects.get_or_create(
                    problem=problem,
                    organization=organization,
                    defaults={
                        "role": decision["role"],
                        "commitment": decision["commitment"],
                        "due_on": due_on,
                        "committed_by": coordinator,
                    },
                )
                with translation.override("sv"):  # as the service words it
                    row.text = gettext(
                        "%(organization)s (%(role)s) on “%(problem)s”: %(commitment)s"
                    ) % {
                        "organization": organization.name,
                        "role": row.responsibility.get_role_display().lower(),
                        "problem": problem.title,
                        "commitment": row.responsibility.commitment,
                    }
            else:
                row.text = decision["text"]
            row.save()
            self.result.created["decision"] += 1
