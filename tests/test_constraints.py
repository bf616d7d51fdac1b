"""Every invariant the database holds refuses a bad row, whatever code path wrote it.

Each named constraint the models declare is proven here by name: a test writes a row that
breaks exactly that constraint and asserts PostgreSQL refused it on that constraint.
``test_every_named_constraint_is_proven_by_name`` fails when a model gains a constraint
that no test here breaks.
"""

import datetime as dt
from contextlib import contextmanager

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone

from initiatives.models import Initiative, JoinRequest, ScheduleSlot
from partnership.coordination.models import OverlapDecision
from partnership.problems.models import (
    ProblemDigestWeek,
    ProblemEndorsement,
    ProblemResponsibility,
)
from stakeholders.models import Invitation, Membership
from tests import factories

pytestmark = pytest.mark.django_db

# The packages whose models are ours; third-party apps (allauth, django-tasks) prove their own.
PROJECT_PACKAGES = {"partnership", "stakeholders", "initiatives"}

PROVEN: set[str] = set()


def proves(*constraints: str):
    """Parametrise a test by the named constraints its bad row breaks (passed in as
    ``constraint``), and record them as proven for the completeness test below."""
    PROVEN.update(constraints)
    return pytest.mark.parametrize("constraint", constraints)


@contextmanager
def refused(constraint: str):
    """The write fails, and it fails on the named constraint (not on something else)."""
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        yield
    assert error.value.__cause__.diag.constraint_name == constraint, str(error.value)


def declared_constraints() -> set[str]:
    return {
        constraint.name
        for model in apps.get_models()
        if model._meta.app_config.name.split(".")[0] in PROJECT_PACKAGES
        for constraint in model._meta.constraints
    }


# Located models: both coordinates or neither, each within range. The names carry the
# model's table prefix (problems' were renamed by migration problems.0001).
LOCATED_FACTORIES = {
    "partnership_area": factories.AreaFactory,
    "initiatives_initiative": factories.InitiativeFactory,
    "problems_problem": factories.ProblemFactory,
    "observations_observation": factories.ObservationFactory,
}
BAD_POINTS = {
    "point_complete": {"latitude": 59.2, "longitude": None},
    "latitude_range": {"latitude": 91, "longitude": 17.9},
    "longitude_range": {"latitude": 59.2, "longitude": -181},
}
LOCATED_CONSTRAINTS = {
    f"{prefix}_{rule}": (factory, fields)
    for prefix, factory in LOCATED_FACTORIES.items()
    for rule, fields in BAD_POINTS.items()
}


@proves(*LOCATED_CONSTRAINTS)
def test_coordinates_are_in_range_and_complete(constraint):
    factory, fields = LOCATED_CONSTRAINTS[constraint]
    with refused(constraint):
        factory(**fields)


@pytest.mark.parametrize(
    ("factory", "fields", "constraint"),
    [
        (
            factories.ProblemFactory,
            {"latitude": -90.5, "longitude": 17.9},
            "problems_problem_latitude_range",
        ),
        (
            factories.AreaFactory,
            {"latitude": 59.2, "longitude": 180.1},
            "partnership_area_longitude_range",
        ),
    ],
)
def test_coordinates_just_out_of_range_are_refused_too(factory, fields, constraint):
    with refused(constraint):
        factory(**fields)


@proves("area_not_own_parent")
def test_an_area_is_not_part_of_itself(constraint):
    area = factories.AreaFactory()
    area.parent = area
    with refused(constraint):
        area.save()


@proves("user_email_ci_unique")
def test_one_user_per_email_whatever_the_case(constraint):
    factories.UserFactory(email="maja@example.org")
    with refused(constraint):
        factories.UserFactory(email="Maja@Example.org", verified=False)


@proves("organization_name_ci_unique")
def test_organisation_names_are_unique_whatever_the_case(constraint):
    factories.OrganizationFactory(name="Huge Bostäder", slug="huge")
    with refused(constraint):
        factories.OrganizationFactory(name="HUGE BOSTÄDER", slug="huge-2")


@proves("membership_once_per_user_and_organization")
def test_one_membership_per_user_and_organisation(constraint, member, organization):
    with refused(constraint):
        Membership.objects.create(user=member, organization=organization, role="admin")


@proves("invitation_expires_after_creation")
def test_invitation_must_expire_after_it_was_created(constraint, organization):
    now = timezone.now()
    with refused(constraint):
        Invitation.objects.create(
            organization=organization,
            email="ny@example.org",
            token_hash=Invitation.hash_token("x"),
            created_at=now,
            expires_at=now,
        )


@proves("invitation_one_open_per_email")
def test_one_open_invitation_per_email_and_organisation(constraint, organization):
    now = timezone.now()
    fields = {
        "organization": organization,
        "created_at": now,
        "expires_at": now + dt.timedelta(days=14),
    }
    Invitation.objects.create(
        email="ny@example.org", token_hash=Invitation.hash_token("a"), **fields
    )
    with refused(constraint):
        Invitation.objects.create(
            email="NY@example.org", token_hash=Invitation.hash_token("b"), **fields
        )


@proves("initiative_ends_after_start")
def test_initiative_cannot_end_before_it_starts(constraint):
    with refused(constraint):
        factories.InitiativeFactory(starts_on=dt.date(2026, 5, 1), ends_on=dt.date(2026, 4, 30))


def test_initiative_may_end_the_day_it_starts_or_stay_open():
    same_day = factories.InitiativeFactory(
        starts_on=dt.date(2026, 5, 1), ends_on=dt.date(2026, 5, 1)
    )
    ongoing = factories.InitiativeFactory(starts_on=dt.date(2026, 5, 1), ends_on=None)
    assert same_day.pk and ongoing.pk


def test_open_ended_period_is_an_unbounded_range():
    initiative = factories.InitiativeFactory(
        starts_on=dt.date(2020, 1, 1), ends_on=None, status="active"
    )
    assert Initiative.objects.live(on=dt.date(2040, 1, 1)).filter(pk=initiative.pk).exists()
    assert not Initiative.objects.live(on=dt.date(2019, 12, 31)).filter(pk=initiative.pk).exists()


@proves("slot_starts_and_ends_apart")
def test_schedule_slot_starts_and_ends_at_different_times(constraint):
    with refused(constraint):
        factories.ScheduleSlotFactory(starts_at=dt.time(21), ends_at=dt.time(21))
    # An end before the start is the next day: Fridays 21:00–01:00 is one slot.
    factories.ScheduleSlotFactory(weekday=5, starts_at=dt.time(21), ends_at=dt.time(1))


@proves("slot_weekday_1_to_7")
def test_schedule_slot_weekday_is_1_to_7(constraint):
    with refused(constraint):
        factories.ScheduleSlotFactory(weekday=8)


@proves("slot_unique_start")
def test_an_initiative_has_one_slot_per_weekday_and_start(constraint):
    slot = factories.ScheduleSlotFactory(weekday=5, starts_at=dt.time(20), ends_at=dt.time(23))
    with refused(constraint):
        ScheduleSlot.objects.create(
            initiative=slot.initiative, weekday=5, starts_at=dt.time(20), ends_at=dt.time(22)
        )


@proves("join_request_one_pending_per_org")
def test_an_organisation_has_one_pending_request_per_initiative(constraint, organization):
    initiative = factories.InitiativeFactory()
    JoinRequest.objects.create(initiative=initiative, organization=organization)
    with refused(constraint):
        JoinRequest.objects.create(initiative=initiative, organization=organization)


@proves("join_request_decided_has_date")
def test_a_decided_join_request_has_a_decision_date(constraint, organization):
    with refused(constraint):
        JoinRequest.objects.create(
            initiative=factories.InitiativeFactory(),
            organization=organization,
            status=JoinRequest.Status.ACCEPTED,
            decided_at=None,
        )


@proves("problem_severity_1_to_5")
@pytest.mark.parametrize("severity", [0, 6])
def test_problem_severity_is_1_to_5(constraint, severity):
    with refused(constraint):
        factories.ProblemFactory(severity=severity)


@proves("problem_weekdays_valid")
def test_problem_weekdays_are_iso_weekdays(constraint):
    with refused(constraint):
        factories.ProblemFactory(weekdays=[5, 8])


@proves("problem_time_span_complete")
def test_problem_time_span_needs_both_ends(constraint):
    with refused(constraint):
        factories.ProblemFactory(time_from=dt.time(22), time_to=None)


def test_problem_time_span_may_run_past_midnight():
    problem = factories.ProblemFactory(time_from=dt.time(22), time_to=dt.time(2))
    problem.refresh_from_db()
    assert (problem.time_from, problem.time_to) == (dt.time(22), dt.time(2))


@proves("problem_closed_has_outcome")
def test_resolved_problem_needs_an_outcome(constraint):
    with refused(constraint):
        factories.ProblemFactory(status="resolved", outcome="")


@proves("endorsement_once_per_organization")
def test_an_organisation_endorses_a_problem_once(constraint, other_organization):
    problem = factories.ProblemFactory()
    ProblemEndorsement.objects.create(problem=problem, organization=other_organization)
    with refused(constraint):
        ProblemEndorsement.objects.create(problem=problem, organization=other_organization)


@proves("responsibility_once_per_organization")
def test_an_organisation_takes_one_responsibility_per_problem(constraint, organization):
    problem = factories.ProblemFactory()
    ProblemResponsibility.objects.create(
        problem=problem, organization=organization, commitment="Vi byter belysning."
    )
    with refused(constraint):
        ProblemResponsibility.objects.create(
            problem=problem, organization=organization, commitment="Vi klipper buskarna."
        )


@proves("responsibility_one_lead")
def test_a_problem_has_at_most_one_lead_organisation(constraint, organization, other_organization):
    problem = factories.ProblemFactory()
    ProblemResponsibility.objects.create(
        problem=problem, organization=organization, role="lead", commitment="Vi byter belysning."
    )
    with refused(constraint):
        ProblemResponsibility.objects.create(
            problem=problem, organization=other_organization, role="lead", commitment="Vi också."
        )


@proves("problem_digest_once_per_week")
def test_a_user_gets_one_digest_per_iso_week(constraint, member):
    ProblemDigestWeek.objects.create(user=member, iso_year=2026, iso_week=19)
    with refused(constraint):
        ProblemDigestWeek.objects.create(user=member, iso_year=2026, iso_week=19)


@proves("problem_digest_iso_week")
@pytest.mark.parametrize("iso_week", [0, 54])
def test_a_digest_week_is_an_iso_week(constraint, member, iso_week):
    with refused(constraint):
        ProblemDigestWeek.objects.create(user=member, iso_year=2026, iso_week=iso_week)


def overlap_pair():
    """Two initiatives, lower id first: the order an overlap decision stores them in."""
    return sorted(
        [factories.InitiativeFactory(), factories.InitiativeFactory()], key=lambda i: i.pk
    )


@proves("overlap_decision_once_per_pair")
def test_a_pair_of_initiatives_is_decided_once(constraint):
    first, second = overlap_pair()
    fields = {"initiative_a": first, "initiative_b": second, "fingerprint": "f" * 32}
    OverlapDecision.objects.create(decision="complementary", **fields)
    with refused(constraint):
        OverlapDecision.objects.create(decision="merged", **fields)


@proves("overlap_decision_canonical_order")
def test_an_overlap_decision_stores_the_lower_initiative_first(constraint):
    first, second = overlap_pair()
    with refused(constraint):
        OverlapDecision.objects.create(
            initiative_a=second, initiative_b=first, decision="contacted", fingerprint="f" * 32
        )


def test_changes_are_kept_in_history(organization):
    initiative = factories.InitiativeFactory(lead_organization=organization, title="Nattvandring")
    initiative.title = "Nattvandring i centrum"
    initiative.save()
    events = Initiative.pgh_event_model.objects.filter(pgh_obj=initiative).order_by("pgh_id")
    assert [(e.pgh_label, e.title) for e in events] == [
        ("insert", "Nattvandring"),
        ("update", "Nattvandring i centrum"),
    ]


def test_adding_and_removing_links_is_kept_in_history(organization):
    from initiatives.models import InitiativeThemes

    lighting, walks = factories.ThemeFactory(), factories.ThemeFactory()
    initiative = factories.InitiativeFactory(lead_organization=organization, themes=[lighting])
    initiative.themes.set([walks])
    events = InitiativeThemes.pgh_event_model.objects.filter(initiative_id=initiative.pk)
    assert sorted((e.pgh_label, e.theme_id) for e in events) == sorted(
        [("themes.add", lighting.pk), ("themes.remove", lighting.pk), ("themes.add", walks.pk)]
    )


def test_every_named_constraint_is_proven_by_name():
    declared = declared_constraints()
    assert declared - PROVEN == set(), "named constraints no test in this file breaks"
    assert PROVEN - declared == set(), "tests prove constraints no model declares"


# --- Meetings -----------------------------------------------------------------------------------


def _meeting(**fields):
    from partnership.meetings.models import Meeting

    starts = timezone.now()
    values = {
        "kind": "operative",
        "starts_at": starts,
        "ends_at": starts + dt.timedelta(hours=1),
        "place": "Biblioteket",
        **fields,
    }
    return Meeting.objects.create(**values)


@proves("meeting_ends_after_start")
def test_a_meeting_ends_after_it_starts(constraint):
    with refused(constraint):
        _meeting(ends_at=timezone.now() - dt.timedelta(hours=1))


@proves("meeting_has_place_or_link")
def test_a_meeting_has_a_place_or_a_link(constraint):
    _meeting(place="", link="https://meet.example.se/x")
    with refused(constraint):
        _meeting(place="", link="")


@proves("meeting_approved_after_start")
def test_minutes_are_approved_after_the_meeting_started(constraint):
    with refused(constraint):
        _meeting(approved_at=timezone.now() - dt.timedelta(days=1))


@proves("agenda_item_position_unique")
def test_an_agenda_has_one_item_per_position(constraint):
    from django.db import connection

    from partnership.meetings.models import AgendaItem

    meeting = _meeting()
    AgendaItem.objects.create(meeting=meeting, position=1, source="added", title="A")
    with refused(constraint):
        with connection.cursor() as cursor:  # deferred: checked at once here
            cursor.execute("SET CONSTRAINTS agenda_item_position_unique IMMEDIATE")
        AgendaItem.objects.create(meeting=meeting, position=1, source="added", title="B")


@proves("decision_task_has_owner_and_date", "decision_responsibility_has_problem")
def test_a_decision_says_who_and_what(constraint, organization):
    from partnership.meetings.models import AgendaItem, Decision

    meeting = _meeting()
    item = AgendaItem.objects.create(meeting=meeting, position=1, source="added", title="A")
    kind = "task" if constraint == "decision_task_has_owner_and_date" else "responsibility"
    with refused(constraint):
        Decision.objects.create(
            meeting=meeting, item=item, kind=kind, text="x", organization=organization
        )


# --- Residents' reports -------------------------------------------------------------------------


def _resident_report(**fields):
    from partnership.residents.models import ResidentReport

    values = {
        "kind": "unsafe",
        "area": factories.AreaFactory(),
        "reasons": ["badly_lit"],
        "created_on": timezone.localdate(),
        **fields,
    }
    return ResidentReport.objects.create(**values)


RESIDENT_REPORT_BAD_ROWS = {
    "residents_residentreport_point_complete": {"latitude": 59.2, "longitude": None},
    "residents_residentreport_latitude_range": {"latitude": 91, "longitude": 17.9},
    "residents_residentreport_longitude_range": {"latitude": 59.2, "longitude": -181},
    "resident_report_reasons_known": {"reasons": ["badly_lit", "aliens"]},
    "resident_report_times_known": {"times_of_day": ["midnight"]},
    "resident_report_weekdays_valid": {"weekdays": [8]},
}


@proves(*RESIDENT_REPORT_BAD_ROWS)
def test_a_resident_report_holds_a_complete_point_and_known_choices(constraint):
    with refused(constraint):
        _resident_report(**RESIDENT_REPORT_BAD_ROWS[constraint])


def test_a_resident_report_needs_a_reason():
    with refused("resident_report_reasons_known"):
        _resident_report(reasons=[])


# --- The delivery log --------------------------------------------------------------------------


def _session_mark(initiative, **fields):
    from initiatives.models import SessionMark

    values = {
        "initiative": initiative,
        "on_date": dt.date(2026, 6, 5),
        "starts_at": dt.time(21),
        "ends_at": dt.time(1),
        "outcome": "held",
        "via": "page",
        **fields,
    }
    return SessionMark.objects.create(**values)


@proves("session_mark_once")
def test_a_session_is_marked_once(constraint):
    initiative = factories.InitiativeFactory()
    _session_mark(initiative)
    with refused(constraint):
        _session_mark(initiative, outcome="cancelled")


@proves("session_mark_outcome_known")
def test_a_session_mark_says_held_cancelled_or_moved(constraint):
    with refused(constraint):
        _session_mark(factories.InitiativeFactory(), outcome="forgotten")


@proves("session_mark_moved_has_time")
def test_a_moved_session_says_when_it_took_place(constraint):
    with refused(constraint):
        _session_mark(factories.InitiativeFactory(), outcome="moved", moved_on=dt.date(2026, 6, 6))


@proves("delivery_email_once_a_week")
def test_an_initiative_gets_one_delivery_email_per_week(constraint):
    from initiatives.models import DeliveryEmailWeek

    initiative = factories.InitiativeFactory()
    DeliveryEmailWeek.objects.create(initiative=initiative, iso_year=2026, iso_week=23)
    with refused(constraint):
        DeliveryEmailWeek.objects.create(initiative=initiative, iso_year=2026, iso_week=23)


# --- Observations (obslog) --------------------------------------------------------------------


@proves("observation_count_positive")
def test_an_observation_counts_one_or_more(constraint):
    with refused(constraint):
        factories.ObservationFactory(count=0)


@proves("observation_window_has_start")
def test_an_observation_window_has_a_start(constraint):
    with refused(constraint):
        factories.ObservationFactory(time_from=None, time_to=dt.time(2))


@proves("weekly_summary_once_per_week")
def test_the_weekly_lagesbild_goes_once_a_week(constraint):
    from partnership.observations.models import WeeklySummaryWeek

    user = factories.UserFactory()
    WeeklySummaryWeek.objects.create(user=user, iso_year=2026, iso_week=48)
    with refused(constraint):
        WeeklySummaryWeek.objects.create(user=user, iso_year=2026, iso_week=48)


# --- The lägesbild published to residents -------------------------------------------------------


def _published_situation(**fields):
    from partnership.coordination.models import PublishedSituation

    values = {"starts_on": dt.date(2026, 10, 1), "ends_on": dt.date(2026, 10, 31)} | fields
    return PublishedSituation.objects.create(**values)


@proves("published_situation_period")
def test_a_published_situation_ends_on_or_after_its_start(constraint):
    with refused(constraint):
        _published_situation(starts_on=dt.date(2026, 11, 1), ends_on=dt.date(2026, 10, 31))


@proves("published_situation_withdrawn_was_published")
def test_only_a_published_situation_can_be_withdrawn(constraint):
    from django.utils import timezone

    with refused(constraint):
        _published_situation(withdrawn_at=timezone.now())
