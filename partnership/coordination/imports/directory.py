"""Organisations and initiatives from the spreadsheet the partnership keeps: two tables,
each a CSV (UTF-8, semicolons or commas) or the first sheet of an XLSX workbook, one
organisation or initiative per row. The first row names the columns, in Swedish or English,
in any order (``ORGANIZATION_COLUMNS``, ``INITIATIVE_COLUMNS``; the templates have them);
unknown columns are ignored.

Every row is checked by the rules of the portal's own forms: an organisation's fields by
``stakeholders.forms.OrganizationProfileForm`` (plus its name and kind, the model's), an
initiative's by ``initiatives.forms.InitiativeForm`` and each weekly time by
``ScheduleSlotForm`` — the relations are looked up by name instead of picked from a list:

- areas, themes and target groups by name (Swedish or English) or slug; a list is
  separated by commas, or by ``|`` when a name itself holds a comma;
- an initiative's lead and partner organisations by name: an organisation of the file, or
  an approved one already in the partnership;
- weekly times as ``fre 21:00–01:00, lör 10–12`` (a weekday in Swedish or English, a time
  range that may pass midnight);
- an organisation's name must be new (any case), in the file and in the partnership.

Imported organisations start approved or pending, as the coordinator chooses; no account is
made and nobody is emailed (a coordinator or the organisation's admin invites members
later; a pending organisation's contact is asked nothing). Initiatives led by a pending
organisation stay hidden until it is approved, as its own would.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from initiatives import services as initiative_services
from initiatives.forms import InitiativeForm, ScheduleSlotForm
from initiatives.models import Initiative, ScheduleSlot
from partnership.coordination.imports import files
from partnership.models import Area, TargetGroup, Theme, Visibility
from partnership.problems.csv_import import _VISIBILITY_WORDS, _WEEKDAY_WORDS, Column
from stakeholders.forms import OrganizationProfileForm
from stakeholders.models import Organization

MAX_BYTES = 5_000_000
MAX_ROWS = 10_000

ORGANIZATION_COLUMNS = [
    Column("name", "namn", "name", True, gettext_lazy("The organisation's name; new.")),
    Column(
        "kind",
        "typ",
        "kind",
        True,
        gettext_lazy("One of the kinds listed below, in Swedish or English."),
    ),
    Column("description", "beskrivning", "description", False, gettext_lazy("What it does.")),
    Column("website", "webbplats", "website", False, gettext_lazy("Its website, https://…")),
    Column("public_email", "e-post", "email", False, gettext_lazy("Its public email address.")),
    Column("public_phone", "telefon", "phone", False, gettext_lazy("Its public phone number.")),
    Column(
        "areas",
        "områden",
        "areas",
        False,
        gettext_lazy("The areas it works in (listed below), separated by commas."),
    ),
    Column(
        "themes",
        "teman",
        "themes",
        False,
        gettext_lazy("Its themes (listed below), separated by commas."),
    ),
]

INITIATIVE_COLUMNS = [
    Column("title", "titel", "title", True, gettext_lazy("At most 200 characters.")),
    Column(
        "summary",
        "sammanfattning",
        "summary",
        True,
        gettext_lazy("One or two sentences, at most 300 characters."),
    ),
    Column("description", "beskrivning", "description", False, gettext_lazy("More about it.")),
    Column(
        "lead_organization",
        "ansvarig organisation",
        "lead organisation",
        True,
        gettext_lazy("The name of an organisation in the organisations file or in the portal."),
    ),
    Column(
        "partner_organizations",
        "partnerorganisationer",
        "partner organisations",
        False,
        gettext_lazy("Other organisations taking part, separated by commas (or by |)."),
    ),
    Column(
        "themes",
        "teman",
        "themes",
        True,
        gettext_lazy("One or more themes (listed below), separated by commas."),
    ),
    Column(
        "target_groups",
        "målgrupper",
        "target groups",
        False,
        gettext_lazy("Target groups (listed below), separated by commas."),
    ),
    Column(
        "areas",
        "områden",
        "areas",
        True,
        gettext_lazy("One or more areas (listed below), separated by commas."),
    ),
    Column("address", "adress", "address", False, gettext_lazy("An address or place.")),
    Column("starts_on", "startdatum", "starts on", True, gettext_lazy("YYYY-MM-DD.")),
    Column("ends_on", "slutdatum", "ends on", False, gettext_lazy("YYYY-MM-DD. Empty: ongoing.")),
    Column(
        "slots",
        "tider",
        "weekly times",
        False,
        gettext_lazy("E.g. “fre 21:00–01:00, lör 10:00–12:00”; may pass midnight."),
    ),
    Column(
        "status",
        "status",
        "status",
        False,
        gettext_lazy("Planned, active, paused, completed or cancelled. Empty: planned."),
    ),
    Column(
        "visibility",
        "synlighet",
        "visibility",
        False,
        gettext_lazy("“public” or “partners”. Empty: public."),
    ),
    Column("contact_email", "kontakt e-post", "contact email", False, gettext_lazy("Optional.")),
    Column("contact_phone", "kontakt telefon", "contact phone", False, gettext_lazy("Optional.")),
    Column("latitude", "latitud", "latitude", False, gettext_lazy("Optional, e.g. 59.2655.")),
    Column("longitude", "longitud", "longitude", False, gettext_lazy("Optional, e.g. 17.8801.")),
]


def _headers(columns) -> dict[str, str]:
    return {name: c.key for c in columns for name in (c.sv, c.en, c.key.replace("_", " "))}


def _header_key(text: str) -> str:
    return " ".join(text.lower().replace("_", " ").split())


# --- The rules of the portal's forms, without their pick-lists -----------------------------------


class OrganizationRowForm(OrganizationProfileForm):
    """An organisation's own fields, by the profile form's rules and the model's; areas and
    themes are looked up by name (:class:`_Lookup`), the name checked against the others in
    memory (one query for the file, not one per row)."""

    class Meta(OrganizationProfileForm.Meta):
        fields = ["name", "kind", "description", "website", "public_email", "public_phone"]
        widgets = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["version"]

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def validate_constraints(self, exclude=None):
        """The unique name is checked for the whole file at once (``parse_directory``)."""


class InitiativeRowForm(InitiativeForm):
    """An initiative's own fields by the register form's rules (the period, the point, the
    lengths, the choices); its organisations, themes, target groups and areas are looked
    up by name (:class:`_Lookup`) instead of picked."""

    class Meta(InitiativeForm.Meta):
        fields = [
            "title",
            "summary",
            "description",
            "starts_on",
            "ends_on",
            "address",
            "latitude",
            "longitude",
            "status",
            "visibility",
            "contact_email",
            "contact_phone",
        ]

    def __init__(self, *args, **kwargs):
        # InitiativeForm's own __init__ sets up the pick-lists this form has none of.
        super(InitiativeForm, self).__init__(*args, **kwargs)
        del self.fields["problems"]
        del self.fields["version"]


# --- Reading -----------------------------------------------------------------------------------


@dataclass
class Row:
    """One row of a table: its line in the file, the values as written, the cleaned values
    (None while it has errors) and its errors."""

    line: int
    raw: dict
    cleaned: dict | None = None
    errors: list[str] = field(default_factory=list)


@dataclass
class ParsedDirectory:
    organizations: list[Row] = field(default_factory=list)
    initiatives: list[Row] = field(default_factory=list)
    # Errors of a whole file, by the upload form's field ("organizations", "initiatives").
    file_errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def rows(self) -> list[Row]:
        return self.organizations + self.initiatives

    @property
    def is_valid(self) -> bool:
        return not self.file_errors and bool(self.rows) and not any(r.errors for r in self.rows)

    @property
    def error_count(self) -> int:
        return sum(1 for r in self.rows if r.errors)


class _Lookup:
    """Areas, themes, target groups and organisations by name or slug (any case), loaded
    once per file."""

    def __init__(self):
        self.areas = self._terms(Area.objects.only("pk", "name", "slug"), "slug", "name")
        self.themes = self._terms(Theme.objects.all(), "slug", "name_sv", "name_en")
        self.target_groups = self._terms(TargetGroup.objects.all(), "slug", "name_sv", "name_en")
        self.organizations = {
            o.name.lower(): o
            for o in Organization.objects.exclude(status=Organization.Status.REJECTED).only(
                "pk", "name", "status"
            )
        }

    @staticmethod
    def _terms(queryset, *names) -> dict:
        found = {}
        for item in queryset:
            for name in names:
                if getattr(item, name):
                    found.setdefault(getattr(item, name).lower(), item)
        return found


def _words(text: str) -> list[str]:
    separator = "|" if "|" in text else ","
    return [w.strip() for w in text.replace("\n", separator).split(separator) if w.strip()]


def _terms(text, found: dict, unknown: str, errors: list[str]) -> list:
    terms = []
    for word in _words(text):
        term = found.get(word.lower())
        if term is None:
            errors.append(unknown % {"value": word})
        elif term not in terms:
            terms.append(term)
    return terms


def _table(data: bytes, columns, field_name: str, parsed: ParsedDirectory) -> list[Row]:
    """The rows of one file as raw values by column key, or [] with its file error."""
    try:
        table = files.read_table(data, max_rows=MAX_ROWS)
    except files.FileError as error:
        parsed.file_errors[field_name] = [str(error)]
        return []
    headers = _headers(columns)
    header = [headers.get(_header_key(h)) for h in table[0]] if table else []
    missing = [c for c in columns if c.required and c.key not in header]
    if missing:
        parsed.file_errors[field_name] = [
            _("Columns missing from the first row: %(columns)s. Start from the template.")
            % {"columns": ", ".join(f"“{c.sv}” / “{c.en}”" for c in missing)}
        ]
        return []
    body = [(n, r) for n, r in enumerate(table[1:], start=2) if any(v.strip() for v in r)]
    if not body:
        parsed.file_errors[field_name] = [_("The file has a header row but no rows.")]
        return []
    if len(body) > MAX_ROWS:
        parsed.file_errors[field_name] = [
            _("The file has more than %(max)s rows; import at most %(max)s at a time.")
            % {"max": MAX_ROWS}
        ]
        return []
    rows = []
    empty = {c.key: "" for c in columns}
    for line, values in body:
        raw = dict(empty)
        for key, value in zip(header, values, strict=False):
            if key:
                raw[key] = value.strip()
        row = Row(line=line, raw=raw)
        if len(values) > len(header):
            row.errors.append(_("More values than columns: check for a stray separator."))
        rows.append(row)
    return rows


def _form_errors(form) -> list[str]:
    labels = {name: str(f.label) for name, f in form.fields.items()}
    return [
        f"{labels[name]}: {message}" if name in labels else message
        for name, messages in form.errors.items()
        for message in messages
    ]


def _words_for(choices, extra: dict | None = None) -> dict[str, str]:
    """A choice's value by its value or its label in Swedish or English (any case)."""
    words = {}
    for language in ("sv", "en"):
        with translation.override(language):
            for value, label in choices:
                words.setdefault(str(label).lower(), value)
    for value, _label in choices:
        words[value.lower()] = value
        words[value.replace("_", " ").lower()] = value
    return {**words, **(extra or {})}


def _choice(text: str, words: dict[str, str]) -> str:
    """The choice ``text`` names, or ``text`` itself for the form to refuse."""
    return words.get(text.lower(), text)


class _ReusedForm:
    """One form for every row of a file, bound to each in turn: building a Django form
    deep-copies all its fields, which was most of a row's cost (measured: 10,000
    initiatives 23 → 6 s). The form's own rules run unchanged."""

    def __init__(self, form_class, model):
        self.form = form_class(data={}, instance=model())
        self.model = model

    def check(self, data: dict):
        form = self.form
        # A bound field caches only its initial value and subwidgets, never the data.
        form.data, form.instance, form._errors = data, self.model(), None
        form.is_valid()
        return form


def _check_organizations(rows: list[Row], lookup: _Lookup, status: str) -> dict[str, Row]:
    in_file: dict[str, Row] = {}
    forms = _ReusedForm(OrganizationRowForm, Organization)
    kinds = _words_for(Organization.Kind.choices)
    for row in rows:
        raw = row.raw
        form = forms.check({**raw, "kind": _choice(raw["kind"], kinds)})
        areas = _terms(raw["areas"], lookup.areas, _("Unknown area “%(value)s”."), row.errors)
        themes = _terms(raw["themes"], lookup.themes, _("Unknown theme “%(value)s”."), row.errors)
        if form.errors:
            row.errors.extend(_form_errors(form))
            continue
        name = form.cleaned_data["name"]
        if name.lower() in lookup.organizations:
            row.errors.append(
                _("An organisation named “%(name)s” is already in the partnership.")
                % {"name": lookup.organizations[name.lower()].name}
            )
        if name.lower() in in_file:
            row.errors.append(
                _("The name “%(name)s” is also on row %(line)s.")
                % {"name": name, "line": in_file[name.lower()].line}
            )
        else:
            in_file[name.lower()] = row
        if not row.errors:
            row.cleaned = {
                **form.cleaned_data,
                "status": status,
                "areas": [a.pk for a in areas],
                "themes": [t.pk for t in themes],
            }
    return in_file


_TIME = r"(\d{1,2})(?:[:.](\d{2}))?"
_SLOT = re.compile(rf"^(\S+?)\.?\s+{_TIME}\s*[-–—]\s*{_TIME}$")


class _Slots:
    """Weekly times written as ``fre 21:00–01:00, lör 10–12``, each checked by
    ``ScheduleSlotForm`` (once per distinct text: a file repeats a few) and together by the
    register service's rule."""

    def __init__(self):
        self.known: dict[str, tuple[dict | None, list[str]]] = {}

    def _one(self, part: str) -> tuple[dict | None, list[str]]:
        match = _SLOT.match(part)
        weekday = _WEEKDAY_WORDS.get(match.group(1).lower()) if match else None
        if weekday is None:
            message = _("“%(value)s” is not a weekly time; write it as “fre 21:00–01:00”.")
            return None, [message % {"value": part}]
        hour1, minute1, hour2, minute2 = match.group(2, 3, 4, 5)
        form = ScheduleSlotForm(
            data={
                "weekday": weekday,
                "starts_at": f"{hour1}:{minute1 or '00'}",
                "ends_at": f"{hour2}:{minute2 or '00'}",
            }
        )
        if form.is_valid():
            return form.cleaned_data, []
        return None, [f"{part}: {m}" for ms in form.errors.values() for m in ms]

    def read(self, text: str, errors: list[str]) -> list[dict]:
        slots = []
        for part in re.split(r"[,;\n]", text):
            part = " ".join(part.split())
            if not part:
                continue
            if part not in self.known:
                self.known[part] = self._one(part)
            slot, problems = self.known[part]
            errors.extend(problems)
            if slot:
                slots.append(slot)
        try:
            initiative_services._check_slots(slots)
        except ValidationError as error:
            errors.extend(error.messages)
        return slots


def _organization_names(text, lookup: _Lookup, in_file: dict, errors: list[str]) -> list[str]:
    names = []
    for word in _words(text):
        key = word.lower()
        if key in in_file:
            names.append(in_file[key].raw["name"].strip())
        elif key in lookup.organizations:
            organization = lookup.organizations[key]
            if organization.status != Organization.Status.APPROVED:
                errors.append(
                    _("The organisation “%(value)s” is not approved.") % {"value": organization}
                )
            else:
                names.append(organization.name)
        else:
            errors.append(
                _(
                    "Unknown organisation “%(value)s”: it is neither in the organisations file "
                    "nor in the partnership."
                )
                % {"value": word}
            )
    return names


def _check_initiatives(rows: list[Row], lookup: _Lookup, in_file: dict) -> None:
    forms, slot_reader = _ReusedForm(InitiativeRowForm, Initiative), _Slots()
    statuses = _words_for(Initiative.Status.choices)
    visibilities = _words_for(Visibility.choices, _VISIBILITY_WORDS)
    for row in rows:
        raw = row.raw
        form = forms.check(
            {
                **raw,
                "status": _choice(raw["status"], statuses) or Initiative.Status.PLANNED,
                "visibility": _choice(raw["visibility"], visibilities) or Visibility.PUBLIC,
                "latitude": raw["latitude"].replace(",", "."),
                "longitude": raw["longitude"].replace(",", "."),
            }
        )
        if form.errors:
            row.errors.extend(_form_errors(form))
        errors = row.errors
        lead = _organization_names(raw["lead_organization"], lookup, in_file, errors)
        if raw["lead_organization"] and len(lead) > 1:
            errors.append(_("Give one lead organisation."))
        partners = _organization_names(raw["partner_organizations"], lookup, in_file, errors)
        if lead and lead[0].lower() in {p.lower() for p in partners}:
            errors.append(_("The lead organisation cannot also be a partner organisation."))
        themes = _terms(raw["themes"], lookup.themes, _("Unknown theme “%(value)s”."), errors)
        if not raw["themes"]:
            errors.append(_("Give at least one theme."))
        groups = _terms(
            raw["target_groups"],
            lookup.target_groups,
            _("Unknown target group “%(value)s”."),
            errors,
        )
        areas = _terms(raw["areas"], lookup.areas, _("Unknown area “%(value)s”."), errors)
        if not raw["areas"]:
            errors.append(_("Give at least one area."))
        slots = slot_reader.read(raw["slots"], errors)
        if not errors:
            cleaned = dict(form.cleaned_data)
            for key in ("starts_on", "ends_on"):
                cleaned[key] = cleaned[key].isoformat() if cleaned[key] else None
            row.cleaned = {
                **cleaned,
                "lead_organization": lead[0],
                "partner_organizations": partners,
                "themes": [t.pk for t in themes],
                "target_groups": [g.pk for g in groups],
                "areas": [a.pk for a in areas],
                "slots": [
                    [
                        s["weekday"],
                        s["starts_at"].isoformat("minutes"),
                        s["ends_at"].isoformat("minutes"),
                    ]
                    for s in slots
                ],
            }


def parse_directory(
    *, organizations: bytes | None, initiatives: bytes | None, status: str
) -> ParsedDirectory:
    """Read and check both files (either may be None); never raises for bad input."""
    parsed = ParsedDirectory()
    lookup = _Lookup()
    org_rows = (
        _table(organizations, ORGANIZATION_COLUMNS, "organizations", parsed)
        if organizations
        else []
    )
    in_file = _check_organizations(org_rows, lookup, status)
    parsed.organizations = org_rows
    if initiatives:
        parsed.initiatives = _table(initiatives, INITIATIVE_COLUMNS, "initiatives", parsed)
        _check_initiatives(parsed.initiatives, lookup, in_file)
    return parsed


# --- Saving -------------------------------------------------------------------------------------


def _unique_slugs(names: list[str], taken: set[str], fallback: str) -> list[str]:
    slugs = []
    for name in names:
        base = slugify(name)[:180] or fallback
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        slugs.append(slug)
    return slugs


@transaction.atomic
def directory_create(*, parsed: ParsedDirectory, actor) -> tuple[int, int]:
    """Create the organisations and initiatives of a parse without errors, in bulk and in
    one transaction, recorded in history as the actor's; returns how many of each. Raises
    ``ValueError`` for a parse with errors. No account is made, nobody is emailed."""
    if not parsed.is_valid:
        raise ValueError("a parse with errors cannot be saved")
    now = timezone.now()
    with pghistory.context(user=actor.pk):
        org_rows = [r.cleaned for r in parsed.organizations]
        slugs = _unique_slugs(
            [r["name"] for r in org_rows],
            set(Organization.objects.values_list("slug", flat=True)) | {"apply", "ansok"},
            "organisation",
        )
        organizations = Organization.objects.bulk_create(
            [
                Organization(
                    name=r["name"],
                    slug=slug,
                    kind=r["kind"],
                    description=r["description"],
                    website=r["website"],
                    public_email=r["public_email"],
                    public_phone=r["public_phone"],
                    status=r["status"],
                    approved_at=now if r["status"] == Organization.Status.APPROVED else None,
                )
                for r, slug in zip(org_rows, slugs, strict=True)
            ]
        )
        Organization.areas.through.objects.bulk_create(
            Organization.areas.through(organization_id=o.pk, area_id=a)
            for o, r in zip(organizations, org_rows, strict=True)
            for a in r["areas"]
        )
        Organization.themes.through.objects.bulk_create(
            Organization.themes.through(organization_id=o.pk, theme_id=t)
            for o, r in zip(organizations, org_rows, strict=True)
            for t in r["themes"]
        )
        by_name = {
            o.name.lower(): o.pk
            for o in Organization.objects.exclude(status=Organization.Status.REJECTED).only(
                "pk", "name"
            )
        }
        rows = [r.cleaned for r in parsed.initiatives]
        slugs = _unique_slugs(
            [r["title"] for r in rows],
            set(Initiative.objects.values_list("slug", flat=True)) | {"new", "ny", "ny-insats"},
            "insats",
        )
        initiatives = Initiative.objects.bulk_create(
            [
                Initiative(
                    slug=slug,
                    lead_organization_id=by_name[r["lead_organization"].lower()],
                    created_by=actor,
                    starts_on=dt.date.fromisoformat(r["starts_on"]),
                    ends_on=dt.date.fromisoformat(r["ends_on"]) if r["ends_on"] else None,
                    **{
                        k: r[k]
                        for k in (
                            "title",
                            "summary",
                            "description",
                            "address",
                            "latitude",
                            "longitude",
                            "status",
                            "visibility",
                            "contact_email",
                            "contact_phone",
                        )
                    },
                )
                for r, slug in zip(rows, slugs, strict=True)
            ],
            batch_size=1000,
        )
        pairs = list(zip(initiatives, rows, strict=True))
        links = {
            "partner_organizations": lambda r: [
                by_name[n.lower()] for n in r["partner_organizations"]
            ],
            "themes": lambda r: r["themes"],
            "target_groups": lambda r: r["target_groups"],
            "areas": lambda r: r["areas"],
        }
        for name, values in links.items():
            relation = getattr(Initiative, name)
            through = relation.through
            target = relation.field.m2m_reverse_field_name()
            through.objects.bulk_create(
                (
                    through(initiative_id=i.pk, **{f"{target}_id": v})
                    for i, r in pairs
                    for v in values(r)
                ),
                batch_size=5000,
            )
        ScheduleSlot.objects.bulk_create(
            (
                ScheduleSlot(
                    initiative_id=i.pk,
                    weekday=w,
                    starts_at=dt.time.fromisoformat(s),
                    ends_at=dt.time.fromisoformat(e),
                )
                for i, r in pairs
                for w, s, e in r["slots"]
            ),
            batch_size=5000,
        )
    return len(organizations), len(initiatives)


# --- Templates ----------------------------------------------------------------------------------


def template_rows(kind: str, *, language: str) -> list[list[str]]:
    """A template's rows: the header in ``language`` and one example row."""
    english = language.startswith("en")
    columns = ORGANIZATION_COLUMNS if kind == "organizations" else INITIATIVE_COLUMNS
    area = Area.objects.order_by("parent_id", "name").first()
    theme = Theme.objects.order_by("position", "name_sv").first()
    area_name = area.name if area else ""
    theme_name = (theme.name_en if english else theme.name_sv) if theme else ""
    if kind == "organizations":
        example = [
            "Vårby Idrottsförening" if not english else "Vårby Sports Club",
            str(Organization.Kind.ASSOCIATION.label),
            "Fotboll och läxhjälp för unga." if not english else "Football and homework help.",
            "https://example.org",
            "info@example.org",
            "08-123 456 78",
            area_name,
            theme_name,
        ]
    else:
        today = timezone.localdate().isoformat()
        example = [
            "Nattvandring" if not english else "Night walk",
            "Vuxna vandrar i området på kvällen."
            if not english
            else "Adults walk the area at night.",
            "",
            "Vårby Idrottsförening" if not english else "Vårby Sports Club",
            "",
            theme_name,
            "",
            area_name,
            "",
            today,
            "",
            "fre 21:00–01:00, lör 21:00–01:00"
            if not english
            else "fri 21:00–01:00, sat 21:00–01:00",
            str(Initiative.Status.ACTIVE.label).lower(),
            "public",
            "",
            "",
            "",
            "",
        ]
    return [[c.en if english else c.sv for c in columns], example]
