"""Every change to the partnership's joint problems goes through here: one
``@transaction.atomic`` service per change, keyword-only arguments, the business rule in the
docstring. Views check access first (``permissions.problem_for_user`` and the other fetch
helpers); services do not repeat it. They check only what depends on the submitted data (the
organisation chosen in a form, the initiative chosen to link) and what must be decided under
a lock (the problem's current status, a second endorsement, the lead), through the same
``permissions`` helpers that gave the form its choices."""

import datetime as dt

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from initiatives.models import Initiative
from initiatives.permissions import can_know_initiative
from partnership.models import Area, Theme
from partnership.permissions import partner_organization_ids
from partnership.problems.models import (
    Problem,
    ProblemDigestSubscription,
    ProblemEndorsement,
    ProblemResponsibility,
    SafetyWalk,
)
from partnership.problems.permissions import (
    can_link_initiative_to_problem,
    can_subscribe_problem_digest,
    organizations_endorsing_for,
    organizations_recording_for,
    organizations_responsible_for,
)
from stakeholders.models import Organization, User

# --- Problems ------------------------------------------------------------------------------------

_PROBLEM_FIELDS = (
    "title",
    "description",
    "area",
    "latitude",
    "longitude",
    "source",
    "observed_on",
    "weekdays",
    "time_from",
    "time_to",
    "severity",
    "visibility",
    # plan (issue 15): the cause (orsak) of the åtgärdsplan.
    "cause",
    "cause_categories",
)


def _lock(problem: Problem) -> Problem:
    return Problem.objects.select_for_update().get(pk=problem.pk)


def _check_recording_organization(organization: Organization, actor: User) -> None:
    """The organisation chosen must be one the actor may record for (it may also have been
    suspended, or the actor have left it, since the form was shown)."""
    if not organizations_recording_for(actor).filter(pk=organization.pk).exists():
        raise ValidationError({"organization": _("Choose one of your own approved organisations.")})


@transaction.atomic
def problem_record(*, data: dict, organization: Organization, actor: User) -> Problem:
    """Record a problem for one of the actor's approved organisations (coordinators: any
    approved one). ``data`` holds the fields of ``ProblemForm`` (themes as a list). A new
    problem is open and, unless chosen otherwise, for partners only."""
    _check_recording_organization(organization, actor)
    fields = {name: data[name] for name in _PROBLEM_FIELDS if name in data}
    with pghistory.context(user=actor.pk):
        problem = Problem.objects.create(
            **fields, recorded_by_organization=organization, recorded_by=actor
        )
        problem.themes.set(data.get("themes") or [])
    return problem


def _endorsement_refused(problem: Problem, organization: Organization, actor: User):
    """Why ``organization`` is not among those the actor may endorse ``problem`` for."""
    if not problem.is_open:
        return ValidationError(_("Only open problems can be endorsed."))
    if organization.pk not in partner_organization_ids(actor):
        return ValidationError({"organization": _("Choose one of your own organisations.")})
    if organization.pk == problem.recorded_by_organization_id:
        return ValidationError(
            {"organization": _("Your organisation recorded this problem; it needs no endorsement.")}
        )
    return ValidationError(
        _("%(organization)s already sees this problem too.") % {"organization": organization}
    )


@transaction.atomic
def problem_endorse(
    *, problem: Problem, organization: Organization, actor: User, note: str = ""
) -> ProblemEndorsement:
    """ "We see this too": one of the actor's approved organisations confirms an open problem
    another organisation recorded (``permissions.organizations_endorsing_for``, checked
    against the problem as it is now). Once per organisation (a second endorsement is
    refused with the organisation named); the recording organisation does not endorse its
    own."""
    locked = _lock(problem)
    if organization not in organizations_endorsing_for(actor, locked):
        raise _endorsement_refused(locked, organization, actor)
    with pghistory.context(user=actor.pk):
        return ProblemEndorsement.objects.create(
            problem=locked, organization=organization, endorsed_by=actor, note=note
        )


@transaction.atomic
def problem_take_responsibility(
    *,
    problem: Problem,
    organization: Organization,
    actor: User,
    role: str,
    commitment: str,
    due_on: dt.date | None = None,
) -> ProblemResponsibility:
    """An organisation commits to do its part about an open problem: as its lead (one per
    problem) or as a supporting partner, saying what it will do and, optionally, by when
    (not in the past). Members commit their own approved organisations; coordinators any
    approved organisation (``permissions.organizations_responsible_for``, checked against
    the problem as it is now: not twice, not once closed). An open problem someone has taken
    responsibility for is being addressed: its status moves on in the same transaction."""
    locked = _lock(problem)
    allowed = {o.pk for o in organizations_responsible_for(actor, locked)}
    if organization.pk not in allowed:
        raise ValidationError(
            {"organization": _("This organisation cannot take responsibility for the problem.")}
        )
    if role not in ProblemResponsibility.Role.values:
        raise ValidationError({"role": _("Choose lead or supporting.")})
    if not (commitment or "").strip():
        raise ValidationError({"commitment": _("Say what your organisation will do.")})
    if due_on is not None and due_on < timezone.localdate():
        raise ValidationError({"due_on": _("The date cannot be in the past.")})
    lead = locked.responsibilities.filter(role=ProblemResponsibility.Role.LEAD).first()
    if role == ProblemResponsibility.Role.LEAD and lead is not None:
        raise ValidationError(
            {
                "role": _("%(organization)s already leads the work on this problem.")
                % {"organization": lead.organization}
            }
        )
    with pghistory.context(user=actor.pk):
        responsibility = ProblemResponsibility.objects.create(
            problem=locked,
            organization=organization,
            role=role,
            commitment=commitment.strip(),
            due_on=due_on,
            committed_by=actor,
        )
        if locked.status == Problem.Status.OPEN:
            locked.status = Problem.Status.BEING_ADDRESSED
            locked.save_new_version("status")
    problem.status, problem.version = locked.status, locked.version
    return responsibility


@transaction.atomic
def problem_change_status(
    *, problem: Problem, actor: User, status: str, outcome: str = "", version: int | None = None
) -> Problem:
    """Move a problem along: open → being addressed → resolved or dismissed, and back to
    open (reopening) from any of them; see :data:`Problem.STATUS_TRANSITIONS`. Resolving or
    dismissing needs an outcome text (what was done, or why it is dismissed), shown on the
    public page for public problems. Reopening keeps the old outcome in history only.
    Those who answer for the problem change it (``permissions.can_change_problem_status``,
    checked by the view). ``version`` is the version the form was loaded with: if the
    problem changed meanwhile, the change is refused rather than made on top of something
    the actor has not seen."""
    locked = _lock(problem)
    if version is not None and version != locked.version:
        raise ValidationError(
            _(
                "Someone changed this problem while you were looking at it. Check its "
                "current status and try again."
            ),
            code="stale",
        )
    if status not in Problem.STATUS_TRANSITIONS.get(locked.status, set()):
        raise ValidationError(
            {
                "status": _("A problem that is %(current)s cannot become %(new)s.")
                % {
                    "current": locked.get_status_display().lower(),
                    "new": Problem.Status(status).label.lower()
                    if status in Problem.Status.values
                    else status,
                }
            }
        )
    outcome = (outcome or "").strip()
    if status in Problem.CLOSED and not outcome:
        raise ValidationError({"outcome": _("Say what was done, or why the problem is dismissed.")})
    with pghistory.context(user=actor.pk):
        locked.status = status
        locked.outcome = outcome if status in Problem.CLOSED else ""
        locked.save_new_version("status", "outcome")
    problem.status, problem.outcome, problem.version = locked.status, locked.outcome, locked.version
    return locked


@transaction.atomic
def problem_edit(*, problem: Problem, data: dict, actor: User, version: int | None) -> Problem:
    """Correct a problem's details (``ProblemEditForm``'s fields: what, where, when,
    severity, visibility, themes), for members of the organisation that recorded it and
    coordinators (``permissions.can_edit_problem``, checked by the view). Optimistic
    locking: ``version`` is the version the form was loaded with; a save on top of someone
    else's newer change (an edit, a status change, a new responsibility …) is refused and
    nothing is written."""
    locked = _lock(problem)
    if version is None or version != locked.version:
        raise ValidationError(
            _(
                "Someone changed this problem while you were editing it, so your changes were "
                "not saved. Your input is kept below: check it against the problem's page and "
                "save again."
            ),
            code="stale",
        )
    with pghistory.context(user=actor.pk):
        for name in _PROBLEM_FIELDS:
            if name in data:
                setattr(locked, name, data[name])
        locked.save_new_version()
        locked.themes.set(data.get("themes") or [])
    return locked


@transaction.atomic
def problem_archive(*, problem: Problem, actor: User) -> bool:
    """Archive a mistaken or duplicate problem (its editors: ``permissions.can_edit_problem``,
    checked by the view): it leaves every list, page and count except for its editors, who
    can restore it. Nothing is deleted. False if already archived."""
    return problem.set_archived(True, actor=actor)


@transaction.atomic
def problem_restore(*, problem: Problem, actor: User) -> bool:
    """Bring an archived problem back (its editors, as for archiving). False if it was not
    archived."""
    return problem.set_archived(False, actor=actor)


# --- Initiatives that address a problem (the relation is Problem.initiatives) -----------------


@transaction.atomic
def initiative_problem_link(*, initiative: Initiative, problem: Problem, actor: User) -> bool:
    """Say that an initiative addresses a problem, from the problem's page (the initiative's
    own form does the same). Allowed for members of the initiative's lead organisation,
    members of an organisation responsible for the problem, and coordinators
    (``permissions.can_link_initiative_to_problem``), for an initiative they may see; the
    view has checked the problem, the initiative is the actor's choice and checked here.
    Archived initiatives take no new links. The initiative's version goes up, so an edit
    form opened before is refused rather than silently dropping the link. Returns False if
    it was already linked."""
    if not (
        can_know_initiative(actor, initiative)
        and can_link_initiative_to_problem(actor, problem, initiative)
    ):
        raise ValidationError(_("You cannot link this initiative to this problem."))
    locked = Initiative.objects.select_for_update().get(pk=initiative.pk)
    if locked.archived_at is not None:
        raise ValidationError(_("This initiative is archived; restore it before linking it."))
    if locked.problems.filter(pk=problem.pk).exists():
        return False
    with pghistory.context(user=actor.pk):
        locked.problems.add(problem)
        locked.save_new_version()
    initiative.version = locked.version
    return True


@transaction.atomic
def initiative_problem_unlink(*, initiative: Initiative, problem: Problem, actor: User) -> bool:
    """Remove the link between an initiative and a problem (same people as linking:
    ``permissions.linked_initiative_for_user``, checked by the view; history keeps it).
    Returns False if they were not linked."""
    locked = Initiative.objects.select_for_update().get(pk=initiative.pk)
    if not locked.problems.filter(pk=problem.pk).exists():
        return False
    with pghistory.context(user=actor.pk):
        locked.problems.remove(problem)
        locked.save_new_version()
    initiative.version = locked.version
    return True


# --- Safety walks and surveys (CSV import) -----------------------------------------------------


@transaction.atomic
def walk_upload(
    *,
    actor: User,
    organization: Organization,
    title: str,
    source: str,
    held_on: dt.date,
    visibility: str,
    area=None,
    file_name: str = "",
    rows: list[dict],
) -> SafetyWalk:
    """Keep an uploaded, fully valid file's rows as a draft walk until the uploader confirms
    the preview, for an organisation the actor may record problems for
    (``permissions.organizations_recording_for``). Nothing else is written: no problem exists
    before :func:`walk_confirm`."""
    _check_recording_organization(organization, actor)
    if not rows:
        raise ValidationError(_("The file has no findings."))
    return SafetyWalk.objects.create(
        title=title,
        source=source,
        held_on=held_on,
        area=area,
        visibility=visibility,
        organization=organization,
        imported_by=actor,
        file_name=file_name[:200],
        rows=rows,
    )


@transaction.atomic
def walk_confirm(*, walk: SafetyWalk, actor: User) -> SafetyWalk:
    """Turn a draft walk's rows into problems, all at once or none: each carries the walk's
    source (safety walk or survey), its date unless the row gives its own, its visibility
    and the walk's organisation. Only the uploader confirms, once, and only while they may
    still record problems for the walk's organisation."""
    locked = SafetyWalk.objects.select_for_update().get(pk=walk.pk)
    if locked.imported_by_id != actor.pk:
        raise ValidationError(_("Only the person who uploaded the file can import it."))
    if locked.confirmed_at is not None:
        raise ValidationError(_("This file has already been imported."))
    _check_recording_organization(locked.organization, actor)
    area_ids = {row["area"] for row in locked.rows}
    theme_ids = {t for row in locked.rows for t in row["themes"]}
    areas = Area.objects.in_bulk(area_ids)
    themes = Theme.objects.in_bulk(theme_ids)
    if len(areas) != len(area_ids) or len(themes) != len(theme_ids):
        raise ValidationError(
            _("An area or theme in the file no longer exists. Upload the file again.")
        )
    with pghistory.context(user=actor.pk):
        # One row at a time: few rows per file (at most csv_import.MAX_ROWS), and every
        # insert goes through the history triggers like any other recorded problem.
        for row in locked.rows:
            problem = Problem.objects.create(
                title=row["title"],
                description=row["description"],
                area=areas[row["area"]],
                latitude=row.get("latitude"),
                longitude=row.get("longitude"),
                source=locked.source,
                observed_on=dt.date.fromisoformat(row["observed_on"])
                if row.get("observed_on")
                else locked.held_on,
                weekdays=row.get("weekdays") or [],
                time_from=dt.time.fromisoformat(row["time_from"]) if row.get("time_from") else None,
                time_to=dt.time.fromisoformat(row["time_to"]) if row.get("time_to") else None,
                severity=row.get("severity") or 3,
                visibility=row.get("visibility") or locked.visibility,
                recorded_by_organization=locked.organization,
                recorded_by=actor,
                walk=locked,
            )
            problem.themes.set([themes[t] for t in row["themes"]])
        locked.confirmed_at = timezone.now()
        locked.rows = []  # the problems now hold them
        locked.save(update_fields=["confirmed_at", "rows"])
    return locked


# --- Weekly digest -------------------------------------------------------------------------------


@transaction.atomic
def problem_digest_subscribe(*, user: User, subscribe: bool) -> bool:
    """Opt in to (or out of) the weekly problem email. Only members of an approved
    organisation may opt in: the digest is about their organisations. Returns whether the
    user is subscribed afterwards."""
    if not subscribe:
        ProblemDigestSubscription.objects.filter(user=user).delete()
        return False
    if not can_subscribe_problem_digest(user):
        raise ValidationError(
            _("The weekly summary is for members of an approved partner organisation.")
        )
    ProblemDigestSubscription.objects.get_or_create(user=user)
    return True


# --- Problems made from residents' reports -----------------------------------------------


@transaction.atomic
def problem_record_from_reports(
    *, data: dict, organization: Organization, actor: User, reports
) -> Problem:
    """Record a problem (as :func:`problem_record`) made from residents' reports, and link
    them to it (``Problem.resident_reports``): a coordinator's "make a problem of these"
    (``from_reports.problem_from_reports``). The reports stay anonymous; their count and
    reasons are in the problem's description, their texts are not copied."""
    problem = problem_record(data=data, organization=organization, actor=actor)
    problem.resident_reports.set(reports)
    return problem
