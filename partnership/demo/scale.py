"""Scale data for benchmarks: N initiatives and everything around them, deterministic per seed.

``scale_seed(initiatives=N, seed=42)`` creates, in one transaction:

- a grid of areas inside ``settings.MAP_BOUNDS`` (a root, one district per grid row and
  ``max(N // 250, 4)`` leaf areas with GeoJSON boundaries), so that a large deployment has
  many neighbourhoods rather than 100,000 initiatives in five;
- ``max(N // 30, 1)`` organisations of every kind (mostly approved, some pending or
  suspended), each with 3 users (one admin, two members) with verified email addresses and
  *unusable* passwords (benchmarks log in with ``force_login``);
- ``N // 3`` problems with themes, some endorsements and lead responsibilities;
- ``N`` initiatives with themes, target groups, areas, partner organisations, problems
  addressed (in the same area) and weekly schedule slots;
- a year of marked sessions (the delivery log) for the initiatives with weekly times;
- ``10 × N`` observations (or ``observations=M``) over the year, skewed to evenings,
  weekends and a few hot areas (:func:`scale_observations`).

Themes and target groups are the shared vocabulary: the demo vocabulary is created when
missing (:func:`partnership.demo.loader.vocabulary_load`) and reused.

Everything is written with ``bulk_create`` in batches, initiatives chunk by chunk so memory
stays flat. The pghistory triggers stay **on**: every scale row gets its insert event,
exactly as rows written by the application do, so history tables have a realistic size.

Why ``SET CONSTRAINTS ALL IMMEDIATE``: Django creates foreign keys ``DEFERRABLE INITIALLY
DEFERRED``, so every inserted row queues a foreign-key check until commit. Measured: each
firing of a history trigger (a ``BEGIN … EXCEPTION`` block plus a nested INSERT into the
event table, per row) then costs time proportional to the deferred trigger events already
queued in the transaction. One big transaction therefore becomes quadratic: 10,000
initiatives took 13 s, 20,000 took 45 s, and 100,000 did not finish in 10 minutes.
Checking foreign keys at the end of each statement instead keeps the queue empty and the
load linear (100,000 in about 40 s), with the history triggers still firing for every
row. Rows are inserted parents first, so immediate checks never fail where deferred ones
would have passed.

Scale rows are recognisable and never collide with demo data: slugs start with
``skala-<seed>-``, organisation names with "Skala", emails end in ``@scale.example.org``.
Loading the same seed twice is refused; another seed adds another batch, and
:func:`scale_flush` removes every batch (with its history) before a fresh load.
"""

import datetime as dt
import math
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pghistory.trigger
import pgtrigger
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from initiatives.models import Initiative, InitiativeUpdate, ScheduleSlot
from partnership.demo.loader import vocabulary_load
from partnership.history import TRACKED_LINKS
from partnership.models import Area, TargetGroup, Theme
from partnership.observations.models import Observation, ObservationImport
from partnership.problems.models import Problem, ProblemEndorsement, ProblemResponsibility
from stakeholders.models import Invitation, Membership, Organization, User

SLUG_PREFIX = "skala-"
SCALE_SLUG = r"^skala-\d+-"  # what every scale organisation and area slug matches
EMAIL_DOMAIN = "scale.example.org"
BATCH_SIZE = 5000
OBSERVATIONS_PER_INITIATIVE = 10
INITIATIVE_CHUNK = 10000

# (what, the theme it is about)
ACTIVITIES = [
    ("Nattvandring", "nattvandring"),
    ("Vuxenvandring", "nattvandring"),
    ("Trygghetsvandring", "trygghetsvandringar"),
    ("Skräpplockning", "stadning"),
    ("Städdag", "stadning"),
    ("Klottersanering", "klotter"),
    ("Ny belysning", "belysning"),
    ("Belysningsinventering", "belysning"),
    ("Läxhjälp", "skola-studier"),
    ("Studiestöd", "skola-studier"),
    ("Kvällsöppen idrottshall", "fritid-unga"),
    ("Fotbollskvällar", "fritid-unga"),
    ("Öppen fritidsgård", "fritid-unga"),
    ("Sommarlovsaktiviteter", "fritid-unga"),
    ("Föräldracafé", "foraldrastod"),
    ("Föräldraträffar", "foraldrastod"),
    ("Gående skolbuss", "trafiksakerhet"),
    ("Trafikvandring", "trafiksakerhet"),
    ("Grannsamverkan", "grannsamverkan"),
    ("Butikssamverkan", "grannsamverkan"),
    ("Drogförebyggande samtal", "droger"),
    ("Säkrare källarförråd", "inbrott"),
    ("Inbrottsskydd", "inbrott"),
    ("Beskärning av buskage", "fysisk-miljo"),
    ("Upprustning av lekplatsen", "fysisk-miljo"),
    ("Trygghetsvärdar", "fysisk-miljo"),
    ("Kameraövervakning", "kameraovervakning"),
    ("Stödsamtal om våld i nära relationer", "vald-i-nara-relationer"),
    ("Mentorprogram för unga", "rekrytering"),
    ("Avhopparstöd", "rekrytering"),
]
PLACES = [
    "vid torget",
    "i centrum",
    "vid tunnelbanan",
    "längs gångvägen",
    "i parken",
    "på skolgården",
    "vid lekplatsen",
    "på gårdarna",
    "vid badplatsen",
    "i idrottshallen",
    "vid busstorget",
    "i bostadsområdet",
    "längs strandpromenaden",
    "vid fritidsgården",
    "i gångtunneln",
    "vid biblioteket",
]
SUFFIXES = ["", "", "", " för unga", " för föräldrar", " för äldre", " kvällstid", " på helger"]
SUFFIXES += [" – höst", " – vår", " sommartid"]
PROBLEMS = [
    ("Mörk gångväg", "belysning"),
    ("Trasig belysning", "belysning"),
    ("Nedskräpning", "stadning"),
    ("Klotter på fasader", "klotter"),
    ("Skadegörelse på lekplats", "klotter"),
    ("Narkotikaförsäljning", "droger"),
    ("Inbrott i förråd", "inbrott"),
    ("Cykelstölder", "inbrott"),
    ("Mopeder på gångvägar", "trafiksakerhet"),
    ("Fortkörning", "trafiksakerhet"),
    ("Unga samlas i trapphus", "fritid-unga"),
    ("Otrygg passage", "fysisk-miljo"),
    ("Igenvuxet buskage", "fysisk-miljo"),
    ("Hot mot butikspersonal", "grannsamverkan"),
    ("Rekrytering av unga", "rekrytering"),
]
DESCRIPTIONS = [
    "Boende har under en längre tid hört av sig om detta.",
    "Flera partner ser samma sak och vill samordna sig.",
    "Återkommer främst kvällar och helger.",
    "Trygghetsmätningen visade att många undviker platsen.",
    "Insatsen följs upp varje kvartal i partnerskapet.",
    "Genomförs tillsammans med boende och lokala föreningar.",
]
STEMS = ["Norr", "Söder", "Sjö", "Berg", "Ek", "Lind", "Björk", "Gran", "Äng", "Dal"]
STEMS += ["Strand", "Skogs", "Malm", "Sten", "Lönn", "Al", "Hag", "Vik", "Holm", "Ås"]
KIND_NAMES = {
    Organization.Kind.PROPERTY_OWNER: ["bostäder AB", "fastigheter AB", "Brf"],
    Organization.Kind.ASSOCIATION: ["IF", "hyresgästförening", "nattvandrare", "ungdomsförening"],
    Organization.Kind.SCHOOL: ["skolan", "gymnasiet"],
    Organization.Kind.MUNICIPALITY: ["kommun", "stadsdelsförvaltning"],
    Organization.Kind.POLICE: ["lokalpolisområde"],
    Organization.Kind.BUSINESS: ["centrumförening", "livs", "handelsförening"],
    Organization.Kind.FAITH_COMMUNITY: ["församling", "moskéförening"],
    Organization.Kind.OTHER: ["räddningstjänst", "trafikförvaltning"],
}
FIRST_NAMES = ["Alva", "Elsa", "Maja", "Noah", "Liam", "Omar", "Sara", "Yusuf", "Ida", "Leo"]
LAST_NAMES = ["Skalberg", "Testström", "Provén", "Mätsson", "Lastgren", "Benchholm"]


@dataclass
class ScaleResult:
    seed: int
    counts: Counter = field(default_factory=Counter)
    elapsed: float = 0.0
    observations_elapsed: float = 0.0


class ScaleDataExists(Exception):
    """Scale data for this seed is already loaded."""


def history_trigger_uris() -> list[str]:
    """URIs of every pghistory trigger, for ``pgtrigger.ignore``."""
    return [
        f"{model._meta.label}:{trigger.name}"
        for model, trigger in pgtrigger.registered()
        if isinstance(trigger, pghistory.trigger.Event)
    ]


def scale_exists(seed: int) -> bool:
    return Organization.objects.filter(slug__startswith=f"{SLUG_PREFIX}{seed}-").exists()


def scale_seed(
    *,
    initiatives: int,
    seed: int = 42,
    today: dt.date | None = None,
    observations: int | None = None,
) -> ScaleResult:
    """Load one deterministic batch of scale data; refuse when ``seed`` is already loaded.
    ``observations``: how many observations (default ``OBSERVATIONS_PER_INITIATIVE`` per
    initiative; see :func:`scale_observations`)."""
    if initiatives < 1:
        raise ValueError("At least one initiative.")
    if observations is None:
        observations = initiatives * OBSERVATIONS_PER_INITIATIVE
    started = time.monotonic()
    with transaction.atomic():
        if scale_exists(seed):
            raise ScaleDataExists(seed)
        _check_foreign_keys_per_statement()
        loader = _ScaleLoader(seed=seed, today=today or dt.date.today())
        loader.load(initiatives)
        if observations:
            begun = time.monotonic()
            loader.result.counts["Observation"] += scale_observations(
                seed=seed, count=observations, today=loader.today
            )
            loader.result.observations_elapsed = time.monotonic() - begun
    loader.result.elapsed = time.monotonic() - started
    return loader.result


@transaction.atomic
def scale_flush() -> Counter:
    """Delete every batch of scale data and its history, as if it had never been loaded.

    History triggers are ignored here on purpose: scale data is synthetic, and a flush must
    not leave 100,000 'delete' events behind in the benchmark database. Demo and real data
    are untouched: scale rows are found by their slug prefix and email domain only.
    """
    deleted: Counter = Counter()
    organizations = Organization.objects.filter(slug__regex=SCALE_SLUG)
    initiatives = Initiative.objects.filter(lead_organization__in=organizations)
    problems = Problem.objects.filter(recorded_by_organization__in=organizations)
    # No history and nothing depends on them: one DELETE each.
    deleted.update(Observation.objects.filter(organization__in=organizations).delete()[1])
    deleted.update(ObservationImport.objects.filter(organization__in=organizations).delete()[1])
    users = User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}")
    areas = Area.objects.filter(slug__regex=SCALE_SLUG)
    _check_foreign_keys_per_statement()
    with pgtrigger.ignore(*history_trigger_uris()):
        for model, rows, children in [
            (Initiative, initiatives, [ScheduleSlot, InitiativeUpdate]),
            (Problem, problems, [ProblemEndorsement, ProblemResponsibility]),
            (Organization, organizations, [Membership, Invitation]),
        ]:
            fk = model._meta.model_name
            for child in children:
                _events_delete(child, child.objects.filter(**{f"{fk}__in": rows}))
            _events_delete(model, rows)
            deleted.update(rows.delete()[1])
        _events_delete(User, users)
        deleted.update(users.delete()[1])
        while areas.exists():  # leaves first: an area protects its children
            deleted.update(areas.filter(children__isnull=True).delete()[1])
    return +deleted


def scale_observations(*, seed: int, count: int, today: dt.date) -> int:
    """``count`` observations over the year before ``today`` for the batch ``seed`` (its
    leaf areas and approved organisations must exist), in one INSERT … SELECT: 1,000,000
    rows are too many for ``bulk_create`` to be quick, and observations have no history
    triggers to fire (the hour totals' trigger, migration 0004, sums the whole statement at
    once). Deterministic: every value comes from the md5 of the seed and the row
    number, never from ``random()``. Realistic skew, as the reporters' logs look:

    - areas: a few hot — the area is picked with the square of a uniform number, so the first
      tenth of the leaf areas gets about a third of the observations;
    - days: uniform over the year, but three in ten moved back to the previous Saturday or
      Friday;
    - hours: 55 % in the evening (18–23), 15 % after midnight (0–2), 30 % in the day (7–17);
    - times: 15 % without a time (a weekly statistic), 60 % a moment, 25 % a window of 1–4
      hours (those starting late cross midnight);
    - categories: the first ones commoner (a uniform number to the power 1.5); counts: 80 %
      one, the rest 2–5.

    A scale observation is recognised by its organisation (``skala-<seed>-``), as the rest
    of the batch."""
    prefix = f"{SLUG_PREFIX}{seed}-"

    def u(digest: str, position: int) -> str:
        """A uniform number in [0, 1) from 28 bits of one of the row's md5 digests."""
        return f"((('x' || substr(h.{digest}, {position}, 7))::bit(28)::int)::float8 / 268435456)"

    sql = f"""
        WITH areas AS (
            SELECT array_agg(id ORDER BY id) AS ids FROM partnership_area
            WHERE slug LIKE %(leaves)s
        ), organizations AS (
            SELECT array_agg(id ORDER BY id) AS ids FROM stakeholders_organization
            WHERE slug LIKE %(prefix)s AND status = %(approved)s
        ), categories AS (
            SELECT array_agg(id ORDER BY position, id) AS ids
            FROM observations_observationcategory WHERE retired_at IS NULL
        )
        INSERT INTO observations_observation
            (public_id, organization_id, area_id, category_id, observed_on, time_from,
             time_to, count, note, source, created_at)
        SELECT x.public_id, x.organization_id, x.area_id, x.category_id, x.day,
               CASE WHEN x.kind >= 0.15 THEN x.start END,
               CASE WHEN x.kind >= 0.75 THEN x.start + make_interval(hours => x.length) END,
               x.count, '', 'imported', %(now)s
        FROM (
            SELECT md5(h.a || h.b)::uuid AS public_id,
                   organizations.ids[1 + floor({u("a", 1)} * cardinality(organizations.ids))::int]
                       AS organization_id,
                   areas.ids[1 + floor(power({u("a", 8)}, 2) * cardinality(areas.ids))::int]
                       AS area_id,
                   categories.ids[1 + floor(power({u("a", 15)}, 1.5)
                       * cardinality(categories.ids))::int] AS category_id,
                   CASE
                       WHEN {u("a", 22)} < 0.3 THEN d.day
                           - (extract(isodow FROM d.day)::int + 1) %% 7
                           - CASE WHEN {u("b", 1)} < 0.5 THEN 1 ELSE 0 END
                       ELSE d.day
                   END AS day,
                   make_time(
                       CASE
                           WHEN {u("b", 8)} < 0.55 THEN 18 + floor({u("b", 15)} * 6)::int
                           WHEN {u("b", 8)} < 0.70 THEN floor({u("b", 15)} * 3)::int
                           ELSE 7 + floor({u("b", 15)} * 11)::int
                       END,
                       15 * floor({u("b", 22)} * 4)::int, 0) AS start,
                   {u("c", 1)} AS kind,
                   1 + floor({u("c", 8)} * 4)::int AS length,
                   CASE WHEN {u("c", 15)} < 0.8 THEN 1
                        ELSE 2 + floor({u("c", 22)} * 4)::int END AS count
            FROM generate_series(1, %(count)s) AS i
            CROSS JOIN areas CROSS JOIN organizations CROSS JOIN categories
            CROSS JOIN LATERAL (
                SELECT md5(%(seed)s || ':a:' || i) AS a, md5(%(seed)s || ':b:' || i) AS b,
                       md5(%(seed)s || ':c:' || i) AS c, md5(%(seed)s || ':d:' || i) AS d
            ) AS h
            CROSS JOIN LATERAL (
                SELECT %(today)s::date - 1 - floor({u("d", 1)} * 365)::int AS day
            ) AS d
        ) AS x
    """  # noqa: S608 (constant fragments; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "leaves": f"{prefix}omrade-%",
                "prefix": f"{prefix}%",
                "approved": Organization.Status.APPROVED,
                "now": timezone.now(),
                "seed": str(seed),
                "count": count,
                "today": today,
            },
        )
        return cursor.rowcount


def _check_foreign_keys_per_statement() -> None:
    """Keep the deferred trigger queue empty for the rest of the transaction (see above)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _events_delete(model, rows) -> None:
    """Delete the history events of ``rows`` and of their many-to-many links (while the rows
    still exist to be matched)."""
    event_model = model.pgh_event_model
    event_model.objects.filter(pgh_obj_id__in=rows.values("pk")).delete()
    for relation, proxy in TRACKED_LINKS:
        if model not in (relation.model, relation.related_model):
            continue
        end = (
            relation.m2m_field_name()
            if relation.model is model
            else relation.m2m_reverse_field_name()
        )
        proxy.pgh_event_model.objects.filter(**{f"{end}_id__in": rows.values("pk")}).delete()


class _ScaleLoader:
    def __init__(self, *, seed: int, today: dt.date):
        self.seed = seed
        self.today = today
        self.now = timezone.now()
        self.result = ScaleResult(seed=seed)
        # Independent streams: titles do not change when the vocabulary in the database does.
        self.rng = random.Random(f"scale-{seed}")
        self.words = random.Random(f"scale-words-{seed}")

    def _bulk(self, model, rows: list) -> list:
        model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        self.result.counts[model.__name__] += len(rows)
        return rows

    def _through(self, relation, rows: list[tuple[int, int]]) -> None:
        """Bulk insert (source id, target id) pairs into an auto-created M2M table."""
        field = relation.field
        through = relation.through
        source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
        if relation.reverse:  # Initiative.problems: declared as Problem.initiatives
            source, target = target, source
        objects = [through(**{source: a, target: b}) for a, b in rows]
        through.objects.bulk_create(objects, batch_size=BATCH_SIZE)
        self.result.counts[f"{field.model.__name__}.{field.name}"] += len(objects)

    def load(self, initiative_count: int) -> None:
        vocabulary_load()
        self.themes = {t.slug: t.pk for t in Theme.objects.order_by("slug")}
        self.theme_ids = list(self.themes.values())
        self.group_ids = list(TargetGroup.objects.order_by("slug").values_list("pk", flat=True))
        self._areas_create(max(initiative_count // 250, 4))
        self._organizations_create(max(initiative_count // 30, 1))
        self._users_create(per_organization=3)
        self._problems_create(initiative_count // 3)
        for start in range(0, initiative_count, INITIATIVE_CHUNK):
            self._initiatives_create(start, min(initiative_count, start + INITIATIVE_CHUNK))
        self._sessions_mark()

    # --- the delivery log: a year of marked sessions ----------------------------------------
    def _sessions_mark(self) -> None:
        """A year of marked sessions (``SessionMark``) for every batch initiative with weekly
        times, up to three days ago: of each slot's weekly dates in the period, about 84 %
        held (5–24 participants), 9 % cancelled, 4 % moved a day later and 3 % never marked,
        chosen by a hash of the slot and date (deterministic). One INSERT … SELECT in SQL:
        100,000 initiatives make about 4 million rows, too many for bulk_create."""
        sql = """
            INSERT INTO initiatives_sessionmark
                (initiative_id, on_date, starts_at, ends_at, outcome, moved_on,
                 moved_starts_at, moved_ends_at, participants, observation, via, marked_at)
            SELECT x.initiative_id, x.on_date, x.starts_at, x.ends_at,
                   CASE WHEN x.h < 84 THEN 'held' WHEN x.h < 93 THEN 'cancelled'
                        ELSE 'moved' END,
                   CASE WHEN x.h >= 93 THEN x.on_date + 1 END,
                   CASE WHEN x.h >= 93 THEN x.starts_at END,
                   CASE WHEN x.h >= 93 THEN x.ends_at END,
                   CASE WHEN x.h < 84 THEN 5 + mod(x.h, 20) END,
                   '', 'page', %(now)s
            FROM (
                SELECT s.initiative_id, d::date AS on_date, s.starts_at, s.ends_at,
                       mod(abs(hashtext(s.id::text || ':' || d::date::text)), 100) AS h
                FROM initiatives_scheduleslot s
                JOIN initiatives_initiative i ON i.id = s.initiative_id
                CROSS JOIN LATERAL (
                    SELECT greatest(i.starts_on, %(since)s::date) AS first,
                           least(coalesce(i.ends_on, %(until)s::date), %(until)s::date) AS last
                ) AS p
                CROSS JOIN LATERAL generate_series(
                    p.first + mod(s.weekday - extract(isodow FROM p.first)::int + 7, 7),
                    p.last, interval '7 days') AS d
                WHERE i.slug LIKE %(pattern)s
            ) AS x
            WHERE x.h < 97"""
        with connection.cursor() as cursor:
            cursor.execute(
                sql,
                {
                    "now": self.now,
                    "since": self.today - dt.timedelta(days=365),
                    "until": self.today - dt.timedelta(days=3),
                    "pattern": f"%-{SLUG_PREFIX}{self.seed}-%",
                },
            )
            self.result.counts["SessionMark"] += cursor.rowcount

    # --- areas ---------------------------------------------------------------------------
    def _areas_create(self, leaf_count: int) -> None:
        south, west, north, east = settings.MAP_BOUNDS
        side = math.ceil(math.sqrt(leaf_count))
        d_lat, d_lon = (north - south) / side, (east - west) / side
        prefix = f"{SLUG_PREFIX}{self.seed}"
        root = Area.objects.create(
            name=f"Skala {self.seed}",
            slug=f"{prefix}-rot",
            latitude=(south + north) / 2,
            longitude=(west + east) / 2,
            boundary=_box(south, west, north, east),
        )
        districts = self._bulk(
            Area,
            [
                Area(
                    name=f"Skala {self.seed} distrikt {row + 1}",
                    slug=f"{prefix}-distrikt-{row + 1}",
                    parent=root,
                    latitude=south + (row + 0.5) * d_lat,
                    longitude=(west + east) / 2,
                    boundary=_box(south + row * d_lat, west, south + (row + 1) * d_lat, east),
                )
                for row in range(math.ceil(leaf_count / side))
            ],
        )
        leaves = []
        for index in range(leaf_count):
            row, col = divmod(index, side)
            s, w = south + row * d_lat, west + col * d_lon
            leaves.append(
                Area(
                    name=f"Skala {self.seed} område {row + 1}:{col + 1}",
                    slug=f"{prefix}-omrade-{row + 1}-{col + 1}",
                    parent=districts[row],
                    latitude=s + d_lat / 2,
                    longitude=w + d_lon / 2,
                    boundary=_box(s, w, s + d_lat, w + d_lon),
                )
            )
        self.leaves = self._bulk(Area, leaves)
        self.districts = districts
        self.cell = (d_lat, d_lon)
        self.result.counts[Area.__name__] += 1

    def _point_in(self, area: Area) -> tuple[float, float]:
        d_lat, d_lon = self.cell
        return (
            round(area.latitude + self.rng.uniform(-0.45, 0.45) * d_lat, 6),
            round(area.longitude + self.rng.uniform(-0.45, 0.45) * d_lon, 6),
        )

    # --- organisations and people -------------------------------------------------------------
    def _organizations_create(self, count: int) -> None:
        kinds = list(Organization.Kind)
        statuses = [Organization.Status.APPROVED] * 18 + [
            Organization.Status.PENDING,
            Organization.Status.SUSPENDED,
        ]
        organizations, areas, themes = [], [], []
        for index in range(count):
            kind = kinds[index % len(kinds)]
            stem = self.words.choice(STEMS) + self.words.choice(["dalens", "backens", "vikens"])
            name = f"Skala {stem} {self.words.choice(KIND_NAMES[kind])} {self.seed}-{index + 1}"
            status = statuses[index % len(statuses)] if index else Organization.Status.APPROVED
            organizations.append(
                Organization(
                    name=name,
                    slug=f"{SLUG_PREFIX}{self.seed}-org-{index + 1}",
                    kind=kind,
                    status=status,
                    description=self.words.choice(DESCRIPTIONS),
                    approved_at=self.now if status != Organization.Status.PENDING else None,
                )
            )
            areas.append(self.rng.sample(self.leaves, k=min(len(self.leaves), 2)))
            themes.append(self.rng.sample(self.theme_ids, k=2))
        self.organizations = self._bulk(Organization, organizations)
        self._through(
            Organization.areas,
            [(o.pk, a.pk) for o, chosen in zip(organizations, areas, strict=True) for a in chosen],
        )
        self._through(
            Organization.themes,
            [(o.pk, t) for o, chosen in zip(organizations, themes, strict=True) for t in chosen],
        )

    def _users_create(self, *, per_organization: int) -> None:
        users, memberships = [], []
        self.admins = {}
        for index, organization in enumerate(self.organizations):
            for n in range(per_organization):
                number = index * per_organization + n + 1
                user = User(
                    email=f"{SLUG_PREFIX}{self.seed}-{number:06d}@{EMAIL_DOMAIN}",
                    password=make_password(None),  # unusable: benchmarks use force_login
                    first_name=self.words.choice(FIRST_NAMES),
                    last_name=self.words.choice(LAST_NAMES),
                )
                users.append(user)
                role = Membership.Role.ADMIN if n == 0 else Membership.Role.MEMBER
                memberships.append((user, organization, role))
        self._bulk(User, users)
        self._bulk(
            EmailAddress,
            [EmailAddress(user=u, email=u.email, primary=True, verified=True) for u in users],
        )
        for user, organization, role in memberships:
            if role == Membership.Role.ADMIN:
                self.admins[organization.pk] = user.pk
        self._bulk(
            Membership,
            [Membership(user=u, organization=o, role=r) for u, o, r in memberships],
        )

    # --- problems ------------------------------------------------------------------------------
    def _problems_create(self, count: int) -> None:
        rng = self.rng
        statuses = list(Problem.Status)
        problems, themes, areas = [], [], []
        for index in range(count):
            what, theme = self.words.choice(PROBLEMS)
            area = rng.choice(self.leaves)
            status = rng.choices(statuses, weights=[40, 35, 15, 10])[0]
            has_point = rng.random() < 0.5
            latitude, longitude = self._point_in(area) if has_point else (None, None)
            time_from = time_to = None
            if rng.random() < 0.6:
                start = rng.randrange(0, 24)
                time_from = dt.time(start)
                time_to = dt.time((start + rng.randrange(1, 8)) % 24)
            organization = rng.choice(self.organizations)
            problems.append(
                Problem(
                    title=f"{what} {self.words.choice(PLACES)} ({index + 1})",
                    description=self.words.choice(DESCRIPTIONS),
                    area=area,
                    latitude=latitude,
                    longitude=longitude,
                    source=rng.choice(list(Problem.Source)),
                    observed_on=self.today - dt.timedelta(days=rng.randrange(0, 730)),
                    weekdays=sorted(rng.sample(range(1, 8), k=rng.choice([0, 0, 1, 2, 3]))),
                    time_from=time_from,
                    time_to=time_to,
                    severity=rng.randint(1, 5),
                    status=status,
                    outcome=(
                        "Åtgärdat av partnerna och följt upp på plats."
                        if status in (Problem.Status.RESOLVED, Problem.Status.DISMISSED)
                        else ""
                    ),
                    visibility=rng.choices(["partners", "public"], weights=[70, 30])[0],
                    recorded_by_organization=organization,
                    recorded_by_id=self.admins[organization.pk],
                )
            )
            themes.append({self.themes.get(theme) or rng.choice(self.theme_ids)})
            if rng.random() < 0.3:
                themes[-1].add(rng.choice(self.theme_ids))
            areas.append(area)
        self._bulk(Problem, problems)
        self._through(
            Problem.themes,
            [(p.pk, t) for p, chosen in zip(problems, themes, strict=True) for t in chosen],
        )
        self.problems_by_area = defaultdict(list)
        for problem, area in zip(problems, areas, strict=True):
            self.problems_by_area[area.pk].append(problem.pk)

        endorsements, responsibilities = [], []
        for problem in problems:
            others = [
                o
                for o in rng.sample(self.organizations, k=min(3, len(self.organizations)))
                if o.pk != problem.recorded_by_organization_id
            ]
            if rng.random() < 0.3:
                for organization in others[: rng.randint(1, 2)]:
                    endorsements.append(
                        ProblemEndorsement(
                            problem=problem,
                            organization=organization,
                            endorsed_by_id=self.admins[organization.pk],
                        )
                    )
            if problem.status == Problem.Status.BEING_ADDRESSED:
                lead = rng.choice(self.organizations)
                responsibilities.append(
                    ProblemResponsibility(
                        problem=problem,
                        organization=lead,
                        role=ProblemResponsibility.Role.LEAD,
                        commitment="Vi leder arbetet och rapporterar varje månad.",
                        due_on=self.today + dt.timedelta(days=rng.randrange(30, 365)),
                        committed_by_id=self.admins[lead.pk],
                    )
                )
        self._bulk(ProblemEndorsement, endorsements)
        self._bulk(ProblemResponsibility, responsibilities)

    # --- initiatives ---------------------------------------------------------------------------
    def _initiatives_create(self, start: int, stop: int) -> None:
        rng = self.rng
        statuses = list(Initiative.Status)
        initiatives, links, slots = [], [], []
        for index in range(start, stop):
            activity, theme = self.words.choice(ACTIVITIES)
            title = f"{activity} {self.words.choice(PLACES)}{self.words.choice(SUFFIXES)}"
            status = rng.choices(statuses, weights=[15, 45, 7, 25, 8])[0]
            starts_on, ends_on = self._period(status)
            roll = rng.random()
            if roll < 0.85:
                areas = [rng.choice(self.leaves)]
            elif roll < 0.95:
                areas = rng.sample(self.leaves, k=2)
            else:
                areas = [rng.choice(self.districts)]
            latitude, longitude = self._point_in(areas[0]) if rng.random() < 0.7 else (None, None)
            lead = rng.choice(self.organizations)
            initiatives.append(
                Initiative(
                    slug=f"{slugify(title)[:150]}-{SLUG_PREFIX}{self.seed}-{index + 1}",
                    title=title,
                    summary=f"{activity} i {areas[0].name}. {self.words.choice(DESCRIPTIONS)}",
                    description=" ".join(self.words.sample(DESCRIPTIONS, k=3)),
                    lead_organization=lead,
                    latitude=latitude,
                    longitude=longitude,
                    starts_on=starts_on,
                    ends_on=ends_on,
                    status=status,
                    visibility=rng.choices(["public", "partners"], weights=[80, 20])[0],
                    created_by_id=self.admins[lead.pk],
                )
            )
            theme_ids = {self.themes.get(theme) or rng.choice(self.theme_ids)}
            if rng.random() < 0.4:
                theme_ids.add(rng.choice(self.theme_ids))
            partner_count = min(rng.choice([0, 0, 0, 1, 1, 2]), len(self.organizations))
            partners = [
                o.pk for o in rng.sample(self.organizations, k=partner_count) if o.pk != lead.pk
            ]
            nearby = self.problems_by_area.get(areas[0].pk, [])
            addressed = (
                rng.sample(nearby, k=min(len(nearby), rng.randint(1, 2)))
                if nearby and rng.random() < 0.5
                else []
            )
            links.append(
                (
                    theme_ids,
                    rng.sample(self.group_ids, k=rng.choice([0, 1, 1, 2])),
                    [a.pk for a in areas],
                    partners,
                    addressed,
                )
            )
            slots.append(self._slots())
        self._bulk(Initiative, initiatives)
        pairs = [[] for _ in range(5)]
        for initiative, chosen in zip(initiatives, links, strict=True):
            for column, ids in enumerate(chosen):
                pairs[column].extend((initiative.pk, target) for target in ids)
        for relation, rows in zip(
            [
                Initiative.themes,
                Initiative.target_groups,
                Initiative.areas,
                Initiative.partner_organizations,
                Initiative.problems,
            ],
            pairs,
            strict=True,
        ):
            self._through(relation, rows)
        self._bulk(
            ScheduleSlot,
            [
                ScheduleSlot(initiative=initiative, weekday=day, starts_at=begin, ends_at=end)
                for initiative, chosen in zip(initiatives, slots, strict=True)
                for day, begin, end in chosen
            ],
        )

    def _period(self, status: str) -> tuple[dt.date, dt.date | None]:
        rng, today, day = self.rng, self.today, dt.timedelta(days=1)
        if status == Initiative.Status.PLANNED:
            starts = today + day * rng.randrange(1, 180)
            return starts, (starts + day * rng.randrange(0, 365) if rng.random() < 0.5 else None)
        if status == Initiative.Status.COMPLETED:
            starts = today - day * rng.randrange(30, 1500)
            return starts, starts + day * rng.randrange(0, (today - starts).days)
        starts = today - day * rng.randrange(0, 1500)
        return starts, (today + day * rng.randrange(0, 365) if rng.random() < 0.5 else None)

    def _slots(self) -> list[tuple[int, dt.time, dt.time]]:
        rng = self.rng
        if rng.random() < 0.5:
            return []
        begin = rng.randrange(7, 22)
        end = dt.time(begin + rng.randint(1, 3), 0) if begin < 21 else dt.time(23, 59)
        days = sorted(rng.sample(range(1, 8), k=rng.randint(1, 3)))
        return [(day, dt.time(begin), end) for day in days]


def _box(south: float, west: float, north: float, east: float) -> dict:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]]}
