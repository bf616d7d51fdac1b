"""Every invariant the database holds refuses a bad row, whatever code path wrote it."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from initiatives.models import Initiative
from partnership.problems.models import ProblemEndorsement, ProblemResponsibility
from stakeholders.models import Invitation, Membership
from tests import factories

pytestmark = pytest.mark.django_db


def refused(constraint_name: str):
    """The write fails, and it fails on the named constraint (not on something else)."""

    class Refused:
        def __enter__(self):
            self.atomic = transaction.atomic()
            self.atomic.__enter__()

        def __exit__(self, exc_type, exc, tb):
            self.atomic.__exit__(exc_type, exc, tb)
            assert exc_type is IntegrityError, f"expected {constraint_name} to refuse the row"
            assert constraint_name in str(exc)
            return True

    return Refused()


def test_initiative_cannot_end_before_it_starts():
    with refused("initiative_ends_after_start"):
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


def test_schedule_slot_must_end_after_it_starts():
    with refused("slot_ends_after_start"):
        factories.ScheduleSlotFactory(starts_at=dt.time(21), ends_at=dt.time(20))


def test_schedule_slot_weekday_is_1_to_7():
    with refused("slot_weekday_1_to_7"):
        factories.ScheduleSlotFactory(weekday=8)


def test_one_membership_per_user_and_organisation(member, organization):
    with refused("membership_once_per_user_and_organization"):
        Membership.objects.create(user=member, organization=organization, role="admin")


@pytest.mark.parametrize("severity", [0, 6])
def test_problem_severity_is_1_to_5(severity):
    with refused("problem_severity_1_to_5"):
        factories.ProblemFactory(severity=severity)


def test_problem_weekdays_are_iso_weekdays():
    with refused("problem_weekdays_valid"):
        factories.ProblemFactory(weekdays=[5, 8])


def test_problem_time_span_needs_both_ends():
    with refused("problem_time_span_complete"):
        factories.ProblemFactory(time_from=dt.time(22), time_to=None)


def test_problem_time_span_may_run_past_midnight():
    problem = factories.ProblemFactory(time_from=dt.time(22), time_to=dt.time(2))
    problem.refresh_from_db()
    assert (problem.time_from, problem.time_to) == (dt.time(22), dt.time(2))


def test_resolved_problem_needs_an_outcome():
    with refused("problem_closed_has_outcome"):
        factories.ProblemFactory(status="resolved", outcome="")


@pytest.mark.parametrize(
    ("factory", "fields", "constraint"),
    [
        (factories.InitiativeFactory, {"latitude": 91, "longitude": 17.9}, "latitude_range"),
        (factories.InitiativeFactory, {"latitude": 59.2, "longitude": -181}, "longitude_range"),
        (factories.ProblemFactory, {"latitude": -90.5, "longitude": 17.9}, "latitude_range"),
        (factories.AreaFactory, {"latitude": 59.2, "longitude": 180.1}, "longitude_range"),
        (factories.InitiativeFactory, {"latitude": 59.2, "longitude": None}, "point_complete"),
    ],
)
def test_coordinates_are_in_range_and_complete(factory, fields, constraint):
    with refused(constraint):
        factory(**fields)


def test_an_organisation_endorses_a_problem_once(other_organization):
    problem = factories.ProblemFactory()
    ProblemEndorsement.objects.create(problem=problem, organization=other_organization)
    with refused("endorsement_once_per_organization"):
        ProblemEndorsement.objects.create(problem=problem, organization=other_organization)


def test_a_problem_has_at_most_one_lead_organisation(organization, other_organization):
    problem = factories.ProblemFactory()
    ProblemResponsibility.objects.create(
        problem=problem, organization=organization, role="lead", commitment="Vi byter belysning."
    )
    with refused("responsibility_one_lead"):
        ProblemResponsibility.objects.create(
            problem=problem, organization=other_organization, role="lead", commitment="Vi också."
        )


def test_organisation_names_are_unique_whatever_the_case():
    factories.OrganizationFactory(name="Huge Bostäder", slug="huge")
    with refused("organization_name_ci_unique"):
        factories.OrganizationFactory(name="HUGE BOSTÄDER", slug="huge-2")


def test_invitation_must_expire_after_it_was_created(organization):
    now = timezone.now()
    with refused("invitation_expires_after_creation"):
        Invitation.objects.create(
            organization=organization,
            email="ny@example.org",
            token_hash=Invitation.hash_token("x"),
            created_at=now,
            expires_at=now,
        )


def test_one_open_invitation_per_email_and_organisation(organization):
    now = timezone.now()
    fields = {
        "organization": organization,
        "created_at": now,
        "expires_at": now + dt.timedelta(days=14),
    }
    Invitation.objects.create(
        email="ny@example.org", token_hash=Invitation.hash_token("a"), **fields
    )
    with refused("invitation_one_open_per_email"):
        Invitation.objects.create(
            email="NY@example.org", token_hash=Invitation.hash_token("b"), **fields
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
