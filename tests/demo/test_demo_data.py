"""manage.py load_demo: the Vårby gård demo data set is complete, idempotent and dev-only."""

import datetime as dt
import itertools
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Q

from initiatives.models import Initiative, InitiativeUpdate, ScheduleSlot
from partnership.demo.loader import DEMO_PASSWORD
from partnership.models import Area, TargetGroup, Theme, Visibility
from partnership.problems.models import Problem, ProblemEndorsement, ProblemResponsibility
from stakeholders.models import Membership, Organization, User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _development(settings):
    """Tests run with DEBUG off; load_demo is for development."""
    settings.DEBUG = True


def load_demo(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Rows in every table Django manages, history event tables included."""
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


@pytest.fixture
def demo():
    load_demo()


def test_second_run_changes_nothing_anywhere():
    load_demo()
    first = row_counts()
    output = load_demo()
    assert row_counts() == first
    assert "nothing changed" in output
    # The history tables are part of the comparison, and they did record the first run.
    for model in (Initiative, Problem, Organization, Membership, ScheduleSlot):
        assert model.pgh_event_model._meta.label in first
        assert first[model.pgh_event_model._meta.label] == first[model._meta.label]
    assert first["pghistory.Context"] == 1


def test_missing_rows_are_recreated_without_touching_the_rest(demo):
    Initiative.objects.get(slug="gaende-skolbuss").delete()
    events_before = Initiative.pgh_event_model.objects.count()

    output = load_demo()

    assert "1 initiative" in output
    assert Initiative.objects.filter(slug="gaende-skolbuss").exists()
    assert Initiative.pgh_event_model.objects.count() == events_before + 1


def test_organisations_cover_every_kind_and_status(demo):
    assert Organization.objects.count() >= 15
    kinds = set(Organization.objects.values_list("kind", flat=True))
    assert kinds == set(Organization.Kind.values)
    assert Organization.objects.filter(status=Organization.Status.PENDING).exists()
    assert Organization.objects.filter(status=Organization.Status.SUSPENDED).exists()
    assert Organization.objects.get(slug="hubra").kind == Organization.Kind.MUNICIPALITY
    assert not Organization.objects.filter(areas=None).exists()


def test_varby_gard_has_sub_areas_with_polygon_boundaries(demo):
    varby_gard = Area.objects.get(slug="varby-gard")
    assert varby_gard.parent.slug == "huddinge"
    sub_areas = list(varby_gard.children.all())
    assert 4 <= len(sub_areas) <= 6
    for area in [varby_gard, *sub_areas]:
        assert area.has_point
        assert abs(area.latitude - 59.265) < 0.02 and abs(area.longitude - 17.883) < 0.02
        assert area.boundary["type"] == "Polygon"
        ring = area.boundary["coordinates"][0]
        assert len(ring) >= 4 and ring[0] == ring[-1]
        longitudes = [lon for lon, _ in ring]
        latitudes = [lat for _, lat in ring]
        assert min(longitudes) <= area.longitude <= max(longitudes)
        assert min(latitudes) <= area.latitude <= max(latitudes)


def test_vocabulary_in_two_languages(demo):
    assert Theme.objects.count() >= 12
    assert TargetGroup.objects.count() == 8
    assert not Theme.objects.filter(Q(name_en="") | Q(name_sv="") | Q(slug="")).exists()
    assert not TargetGroup.objects.filter(Q(name_en="") | Q(name_sv="")).exists()
    assert Theme.objects.filter(slug="nattvandring", name_en="Night walks").exists()


def test_initiatives_span_statuses_visibility_and_time(demo):
    today = dt.date.today()
    initiatives = Initiative.objects.all()
    assert initiatives.count() >= 40
    assert set(initiatives.values_list("status", flat=True)) == set(Initiative.Status.values)
    assert initiatives.filter(visibility=Visibility.PARTNERS).exists()
    assert initiatives.filter(status="completed", ends_on__lt=today).count() >= 3
    assert initiatives.filter(ends_on=None).exists()
    assert initiatives.live().count() >= 20
    assert not initiatives.filter(themes=None).exists()
    assert not initiatives.filter(areas=None).exists()
    assert initiatives.filter(partner_organizations__isnull=False).distinct().count() >= 10
    assert initiatives.filter(problems__isnull=False).distinct().count() >= 10
    assert ScheduleSlot.objects.filter(weekday=5, starts_at__gte=dt.time(20)).count() >= 3
    assert InitiativeUpdate.objects.values("initiative").distinct().count() >= 5
    # Every point lies in the Vårby gård neighbourhood.
    for latitude, longitude in initiatives.exclude(latitude=None).values_list(
        "latitude", "longitude"
    ):
        assert 59.255 < latitude < 59.28 and 17.87 < longitude < 17.895


def test_public_initiatives_exclude_pending_and_suspended_organisations(demo):
    hidden = Initiative.objects.filter(lead_organization__status__in=["pending", "suspended"])
    assert hidden.filter(visibility=Visibility.PUBLIC).count() == 2
    assert not Initiative.objects.public().filter(pk__in=hidden).exists()
    assert not Initiative.objects.public().filter(visibility=Visibility.PARTNERS).exists()


def test_problems_have_endorsements_responsibilities_and_gaps(demo):
    problems = Problem.objects.all()
    assert problems.count() >= 20
    assert set(problems.values_list("status", flat=True)) == set(Problem.Status.values)
    assert set(problems.values_list("source", flat=True)) == set(Problem.Source.values)
    assert not problems.filter(status__in=["resolved", "dismissed"], outcome="").exists()
    assert problems.filter(visibility=Visibility.PUBLIC).exists()
    assert (
        problems.filter(visibility=Visibility.PARTNERS).count()
        > problems.filter(visibility=Visibility.PUBLIC).count() / 2
    )
    crossing_midnight = problems.filter(time_from__gt=dt.time(12), time_to__lt=dt.time(12))
    assert crossing_midnight.exists()
    assert problems.filter(time_from=None, time_to=None).exists()
    assert ProblemEndorsement.objects.values("problem").distinct().count() >= 8
    assert ProblemResponsibility.objects.filter(role="lead").count() >= 8
    leads = ProblemResponsibility.objects.filter(role="lead").values("problem")
    assert not leads.annotate(n=Count("id")).filter(n__gt=1).exists()

    gaps = Problem.objects.open().filter(initiatives=None)
    assert gaps.count() >= 2


def test_overlapping_initiatives_of_different_organisations(demo):
    """Two organisations' live initiatives sharing a theme and an area: the overlap the
    coordinator's dashboard must find (night walks in the centre on Friday evenings)."""
    live = Initiative.objects.live().prefetch_related("themes", "areas", "slots")
    overlaps = [
        (a, b)
        for a, b in itertools.combinations(live, 2)
        if a.lead_organization_id != b.lead_organization_id
        and {t.pk for t in a.themes.all()} & {t.pk for t in b.themes.all()}
        and {x.pk for x in a.areas.all()} & {x.pk for x in b.areas.all()}
    ]
    assert len(overlaps) >= 3

    night_walks = Initiative.objects.live().filter(
        themes__slug="nattvandring", areas__slug="varby-gard-centrum", slots__weekday=5
    )
    assert night_walks.values("lead_organization").distinct().count() >= 2

    litter = Initiative.objects.live().filter(themes__slug="stadning", areas__slug="varby-alle")
    assert litter.values("lead_organization").distinct().count() >= 2


def test_demo_accounts_for_every_role(demo):
    superuser = User.objects.get(email="superuser@example.se")
    assert superuser.is_superuser and superuser.is_staff
    assert User.objects.get(email="samordnare@example.se").is_coordinator
    admin = Membership.objects.get(user__email="admin.balder@example.se")
    member = Membership.objects.get(user__email="medlem@example.se")
    assert admin.role == "admin" and member.role == "member"
    assert admin.organization == member.organization
    assert admin.organization.status == Organization.Status.APPROVED
    assert Membership.objects.filter(role="admin").values("organization").distinct().count() >= 8

    for user in User.objects.all():
        assert user.check_password(DEMO_PASSWORD)
        assert user.email.endswith(("@example.se", "@example.org"))
        assert EmailAddress.objects.filter(
            user=user, email=user.email, primary=True, verified=True
        ).exists()


def test_no_real_email_addresses_anywhere(demo):
    emails = [
        *Organization.objects.exclude(public_email="").values_list("public_email", flat=True),
        *Initiative.objects.exclude(contact_email="").values_list("contact_email", flat=True),
    ]
    assert emails
    assert all(email.endswith(("@example.se", "@example.org")) for email in emails)


def test_output_lists_the_accounts_with_the_password():
    output = load_demo()
    assert "DEVELOPMENT ONLY" in output
    for email in ["superuser@example.se", "samordnare@example.se", "medlem@example.se"]:
        assert email in output
    assert DEMO_PASSWORD in output


def test_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        load_demo()
    assert not Organization.objects.exists()
    assert not User.objects.exists()


def test_runs_with_debug_off_when_explicitly_allowed(settings):
    settings.DEBUG = False
    load_demo("--allow-production")
    assert Initiative.objects.count() >= 40
