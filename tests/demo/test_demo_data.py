"""manage.py load_demo: the Vårby gård demo data set is complete, idempotent and dev-only."""

import datetime as dt
import itertools
import re
from io import StringIO
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Q

from initiatives.models import Initiative, InitiativeUpdate, ScheduleSlot
from partnership.coordination.models import PublishedSituation
from partnership.demo import loader
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


def test_the_data_file_is_the_loaders_only_source():
    """Nothing about the demo partnership is written in Python: the loader names no place and
    no row of the data file, and the data file is where load_demo's rows come from."""
    source = Path(loader.__file__).read_text(encoding="utf-8")
    assert loader.DATA_FILE.parent == Path(loader.__file__).parent / "data"
    data = loader.demo_data()
    keys = [
        *(
            row["slug"]
            for table in ("areas", "themes", "target_groups", "organizations")
            for row in data[table]
        ),
        *(user["email"] for user in data["users"]),
        *(problem["key"] for problem in data["problems"]),
        *(walk["key"] for walk in data["walks"]),
        *(initiative["title"] for initiative in data["initiatives"]),
    ]
    assert len(keys) > 100
    for name in ["Vårby", "Huddinge", "Balder", "example.se", *(f'"{key}"' for key in keys)]:
        assert name not in source


def test_every_row_of_the_data_file_is_loaded(demo):
    data = loader.demo_data()
    assert set(Area.objects.values_list("slug", flat=True)) == {a["slug"] for a in data["areas"]}
    assert Organization.objects.count() == len(data["organizations"])
    assert User.objects.count() == len(data["users"])
    findings = [f for walk in data["walks"] for f in walk["findings"]]
    assert Problem.objects.count() == len(data["problems"]) + len(findings)
    assert set(Initiative.objects.values_list("title", flat=True)) == {
        i["title"] for i in data["initiatives"]
    }


BAD_INITIATIVE = """
[[initiatives]]
title = "Trasig rad"
summary = "En rad med ett fel."
lead = "{lead}"
themes = ["belysning"]
areas = ["varby-alle"]
starts = {starts}
status = "active"
slots = [{{ weekday = "{weekday}", starts = "18:00", ends = "20:00" }}]
"""


@pytest.mark.parametrize(
    ("addition", "message"),
    [
        (
            BAD_INITIATIVE.format(lead="ingen-sadan-forening", starts=0, weekday="fri"),
            "initiatives 'Trasig rad': lead names an unknown organization 'ingen-sadan-forening'",
        ),
        (
            BAD_INITIATIVE.format(lead="balder", starts='"-7"', weekday="fri"),
            "initiatives 'Trasig rad': starts must be a whole number of days",
        ),
        (
            BAD_INITIATIVE.format(lead="balder", starts=0, weekday="fredag"),
            "initiatives 'Trasig rad' slots #1: weekday = 'fredag' is not one of: mon, tue",
        ),
        (
            BAD_INITIATIVE.format(lead="balder", starts=0, weekday="fri").replace(
                "Trasig rad", "Gående skolbuss"
            ),
            "initiatives 'Gående skolbuss': the key 'gaende-skolbuss' appears twice",
        ),
        (
            '[[problems]]\nkey = "trasig"\ntitle = "T"\ndescription = "D"\narea = "varby-alle"\n'
            'themes = ["belysning"]\nsource = "resident_report"\nobserved_days_ago = 3\n'
            'severity = 2\nstatus = "open"\nvisibility = "public"\nrecorded_by = "balder"\n'
            'time_from = "25:00"\ntime_to = "02:00"\n',
            "problems 'trasig': time_from = '25:00' is not a time \"HH:MM\"",
        ),
        (
            '[[problems]]\nkey = "trasig"\ntitle = "T"\ndescription = "D"\narea = "varby-alle"\n'
            'themes = ["belysning"]\nsource = "resident_report"\nobserved_days_ago = 3\n'
            'severity = 2\nstatus = "resolved"\nvisibility = "public"\nrecorded_by = "balder"\n',
            "problems 'trasig': a resolved problem needs an outcome",
        ),
        (
            '[[organizations]]\nslug = "trasig"\nname = "T"\nkind = "kommun"\n'
            'description = "D"\nareas = []\nthemes = []\n',
            "organizations 'trasig': kind = 'kommun' is not one of: property_owner",
        ),
        (
            '[[users]]\nemail = "ny@example.se"\nfirst_name = "N"\nlast_name = "Y"\n'
            'memberships = { balder = "boss" }\n',
            "users 'ny@example.se': memberships.balder = 'boss' is not one of: member, admin",
        ),
        (
            '[[target_groups]]\nslug = "trasig"\nname_sv = "T"\nname_english = "T"\n',
            "target_groups #9: missing name_en",
        ),
        ('[[themes]]\nslug = "trasig"\nname_sv = "T"\n name_en = \n', "not valid TOML"),
        (
            '[[published_situations]]\nkey = "trasig"\nweeks = 4\ntext = "T"\n'
            'leave_out = ["hot-och-vald"]\n',
            "published_situations 'trasig': leave_out = 'hot-och-vald' is not one of:",
        ),
        (
            '[[published_situations]]\nkey = "trasig"\nweeks = 4\ntext = "T"\nareas = ["fittja"]\n',
            "published_situations 'trasig': areas names an unknown area 'fittja'",
        ),
    ],
)
def test_a_mistake_in_the_data_file_names_its_row_and_writes_nothing(
    tmp_path, monkeypatch, addition, message
):
    broken = tmp_path / "broken.toml"
    broken.write_text(loader.DATA_FILE.read_text(encoding="utf-8") + addition, encoding="utf-8")
    monkeypatch.setattr(loader, "DATA_FILE", broken)

    # The command says it in one line (a CommandError, no traceback).
    with pytest.raises(CommandError, match=re.escape(message)) as error:
        load_demo()

    assert str(error.value).startswith("broken.toml: ")
    assert not Area.objects.exists()
    assert not Organization.objects.exists()


def test_a_boundary_may_be_written_closed(tmp_path, monkeypatch):
    """The loader closes a ring written as its corners, and keeps one written closed."""
    closed = tmp_path / "closed.toml"
    closed.write_text(
        '[[areas]]\nslug = "ring"\nname = "Ring"\ndescription = ""\nlatitude = 1.5\n'
        "longitude = 1.5\nboundary = [[1, 1], [2, 1], [2, 2], [1, 1]]\n"
        '[[areas]]\nslug = "corners"\nname = "Hörn"\ndescription = ""\nlatitude = 1.5\n'
        "longitude = 1.5\nboundary = [[1, 1], [2, 1], [2, 2]]\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(loader, "DATA_FILE", closed)

    loader.vocabulary_load()

    for slug in ("ring", "corners"):
        assert Area.objects.get(slug=slug).boundary["coordinates"] == [
            [[1, 1], [2, 1], [2, 2], [1, 1]]
        ]


def test_load_demo_reads_another_data_file_and_names_its_mistake(tmp_path):
    """A partnership writes its own demo file; a mistake in it is one clear error, and
    nothing is written."""
    good = tmp_path / "our_partnership.toml"
    good.write_text(
        '[[themes]]\nslug = "belysning"\nname_sv = "Belysning"\nname_en = "Lighting"\n',
        encoding="utf-8",
    )
    load_demo("--data", str(good))
    assert list(Theme.objects.values_list("slug", flat=True)) == ["belysning"]
    assert not Organization.objects.exists()

    bad = tmp_path / "broken.toml"
    bad.write_text('[[themes]]\nslug = "x"\n', encoding="utf-8")
    with pytest.raises(CommandError, match="broken.toml: themes #1: missing name_en"):
        load_demo("--data", str(bad))
    assert not Theme.objects.filter(slug="x").exists()


def test_every_open_overlap_in_the_demo_is_deliberate(demo):
    """The dashboard's open pairs in the demo are the ones planted for a coordinator to look
    at (issue 12: before, 131 pairs, 84 of them sharing only a target group)."""
    from django.utils import translation

    from partnership.coordination import queries

    result = queries.overlaps(queries.Scope(), per_page=100)
    assert result.open_total == 28
    with translation.override("sv"):
        reasons = {
            frozenset((pair.a.title, pair.b.title)): (pair.strength_label, pair.reason)
            for pair in result.page.object_list
        }
    friday = reasons[
        frozenset(("Nattvandring i Vårby gård centrum", "Fredagsvandringar med Svenska kyrkan"))
    ]
    assert friday == (
        "hög",
        "Båda arbetar med nattvandring i Vårby gård centrum och torget, fredagar 21–23, "
        "för unga 13–17 år",
    )
    # Sharing young people is not an overlap: football for girls and homework help.
    assert frozenset(("Fotbollsträning för tjejer", "Studiestöd efter skoltid")) not in reasons
    assert {cluster.theme.slug for cluster in result.clusters} >= {"nattvandring", "inbrott"}


def test_residents_can_read_the_published_lagesbild_without_what_was_left_out(demo, client):
    """The demo's lägesbild is published through the coordinator's services: on the residents'
    list and page, in Swedish, without the category the data file keeps internal."""
    listing = client.get("/lagesbilder/")
    assert listing.status_code == 200
    (situation,) = PublishedSituation.objects.public()
    page = client.get(f"/lagesbilder/{situation.public_id}/")
    assert page.status_code == 200
    assert "Ungdomar i grupp" in page.text
    assert "Hot/våld" not in page.text
    assert situation.data["total"] > 0
