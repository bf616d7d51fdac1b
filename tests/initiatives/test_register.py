"""Registering and editing initiatives: who may, what is saved (rows, links, slots,
history), validation next to the field with the rest of the input kept, optimistic locking,
partner notifications, and random input never giving a 500."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from initiatives.forms import InitiativeForm
from initiatives.models import Initiative, ScheduleSlot
from partnership.problems.models import Problem
from stakeholders.models import Membership, Organization
from tests import factories
from tests.helpers import login_as, login_with_second_factor, query_count

pytestmark = pytest.mark.django_db

NEW = "/en/initiatives/new/"


@pytest.fixture
def vocab(db):
    return {
        "theme": factories.ThemeFactory(),
        "area": factories.AreaFactory(),
        "group": factories.TargetGroupFactory(),
    }


def _payload(organization, vocab, **overrides):
    data = {
        "title": "Nattvandring i Vårby gård",
        "summary": "Vuxna går i området fredagskvällar.",
        "description": "Vi går i par.",
        "lead_organization": str(organization.pk),
        "partner_organizations": [],
        "starts_on": "2026-01-10",
        "ends_on": "",
        "areas": [str(vocab["area"].pk)],
        "address": "Vårby allé 1",
        "latitude": "59.2650",
        "longitude": "17.8830",
        "themes": [str(vocab["theme"].pk)],
        "target_groups": [str(vocab["group"].pk)],
        "problems": [],
        "status": "active",
        "visibility": "public",
        "contact_email": "natt@example.org",
        "contact_phone": "08-123 456",
        "version": "",
        "slots-TOTAL_FORMS": "2",
        "slots-INITIAL_FORMS": "0",
        "slots-MIN_NUM_FORMS": "0",
        "slots-MAX_NUM_FORMS": "1000",
        "slots-0-weekday": "5",
        "slots-0-starts_at": "20:00",
        "slots-0-ends_at": "23:00",
        "slots-1-weekday": "",
        "slots-1-starts_at": "",
        "slots-1-ends_at": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _edit_payload(initiative, vocab, **overrides):
    """The edit form as loaded now (its version), with the initiative's existing slots."""
    initiative.refresh_from_db()
    slots = list(initiative.slots.all())
    data = _payload(
        initiative.lead_organization,
        vocab,
        title=initiative.title,
        summary=initiative.summary,
        description=initiative.description,
        address=initiative.address,
        starts_on=initiative.starts_on.isoformat(),
        ends_on=initiative.ends_on.isoformat() if initiative.ends_on else "",
        latitude="" if initiative.latitude is None else str(initiative.latitude),
        longitude="" if initiative.longitude is None else str(initiative.longitude),
        status=initiative.status,
        visibility=initiative.visibility,
        contact_email=initiative.contact_email,
        contact_phone=initiative.contact_phone,
        version=str(initiative.version),
        **{
            "slots-TOTAL_FORMS": str(len(slots) + 2),
            "slots-INITIAL_FORMS": str(len(slots)),
            "slots-0-weekday": "",
            "slots-0-starts_at": "",
            "slots-0-ends_at": "",
        },
    )
    for i, slot in enumerate(slots):
        data.update(
            {
                f"slots-{i}-id": str(slot.pk),
                f"slots-{i}-initiative": str(initiative.pk),
                f"slots-{i}-weekday": str(slot.weekday),
                f"slots-{i}-starts_at": slot.starts_at.strftime("%H:%M"),
                f"slots-{i}-ends_at": slot.ends_at.strftime("%H:%M"),
            }
        )
    for i in range(len(slots), len(slots) + 2):
        data.update(
            {f"slots-{i}-weekday": "", f"slots-{i}-starts_at": "", f"slots-{i}-ends_at": ""}
        )
    data.update(overrides)
    return data


def _errors_for(response, field):
    """The error list rendered for a field (Django renders it right before the widget)."""
    form = response.context["form"]
    return [str(e) for e in form.errors.get(field, [])]


# --- Registering ------------------------------------------------------------------------


def test_member_registers_an_initiative(client, member, organization, vocab, partner_organization):
    problem = factories.ProblemFactory()
    client.force_login(member)
    response = client.get(NEW)
    assert response.status_code == 200
    assert 'name="title"' in response.content.decode()
    response = client.post(
        NEW,
        _payload(
            organization,
            vocab,
            partner_organizations=[str(partner_organization.pk)],
            problems=[str(problem.pk)],
            **{"slots-1-weekday": "6", "slots-1-starts_at": "19:00", "slots-1-ends_at": "22:30"},
        ),
    )
    initiative = Initiative.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/initiatives/{initiative.slug}/")
    assert initiative.slug == "nattvandring-i-varby-gard"
    assert initiative.lead_organization == organization
    assert initiative.created_by == member
    assert initiative.latitude == pytest.approx(59.265)
    assert initiative.ends_on is None
    assert list(initiative.partner_organizations.all()) == [partner_organization]
    assert list(initiative.themes.all()) == [vocab["theme"]]
    assert list(initiative.areas.all()) == [vocab["area"]]
    assert list(initiative.problems.all()) == [problem]
    assert [str(s.starts_at) for s in initiative.slots.all()] == ["20:00:00", "19:00:00"]
    event = Initiative.pgh_event_model.objects.get(pgh_obj=initiative)
    assert event.pgh_label == "insert"
    assert event.pgh_context.metadata["user"] == member.pk


def test_same_title_gets_a_unique_slug(client, member, organization, vocab):
    client.force_login(member)
    client.post(NEW, _payload(organization, vocab))
    client.post(NEW, _payload(organization, vocab, register_anyway="1"))
    assert sorted(Initiative.objects.values_list("slug", flat=True)) == [
        "nattvandring-i-varby-gard",
        "nattvandring-i-varby-gard-2",
    ]


def test_outsider_cannot_register_for_someone_elses_organisation(
    client, outsider, organization, vocab
):
    client.force_login(outsider)
    response = client.post(NEW, _payload(organization, vocab))
    assert response.status_code == 400
    assert Initiative.objects.count() == 0
    assert _errors_for(response, "lead_organization") == [
        "Choose one of your own approved organisations."
    ]
    html = response.content.decode()
    assert "Nattvandring i Vårby gård" in html  # the rest of the input is kept


def test_resident_is_sent_to_log_in(resident):
    response = resident.get(NEW)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_user_without_organisation_gets_403(client):
    user = factories.UserFactory()
    client.force_login(user)
    assert client.get(NEW).status_code == 403


def test_member_of_pending_organisation_gets_403(client):
    user = factories.UserFactory()
    pending = factories.OrganizationFactory(status=Organization.Status.PENDING)
    factories.MembershipFactory(user=user, organization=pending)
    client.force_login(user)
    assert client.get(NEW).status_code == 403


def test_coordinator_registers_for_any_approved_organisation(
    client, coordinator, other_organization, vocab
):
    login_with_second_factor(client, coordinator)
    response = client.post(NEW, _payload(other_organization, vocab))
    assert response.status_code == 302
    assert Initiative.objects.get().lead_organization == other_organization


def test_list_offers_registration_to_partners_only(client, member):
    assert "/en/initiatives/new/" not in client.get("/en/initiatives/").content.decode()
    client.force_login(member)
    assert "/en/initiatives/new/" in client.get("/en/initiatives/").content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"starts_on": "2026-03-01", "ends_on": "2026-02-01"},
            "ends_on",
            "The end date cannot be before the start date.",
        ),
        (
            {"slots-0-starts_at": "22:00", "slots-0-ends_at": "22:00"},
            "slots",
            "The end time must differ from the start time.",
        ),
        ({"latitude": "10.0", "longitude": "17.9"}, "latitude", "outside the partnership"),
        ({"longitude": "", "latitude": "59.27"}, "longitude", "Give both latitude and longitude"),
        ({"latitude": "north"}, "latitude", "Enter a number."),
        ({"title": "x" * 201}, "title", "at most 200 characters"),
        ({"summary": "x" * 301}, "summary", "at most 300 characters"),
        ({"partner_organizations": ["999999"]}, "partner_organizations", "not an approved"),
        ({"lead_organization": "999999"}, "lead_organization", "Choose one of your own"),
        ({"lead_organization": "abc"}, "lead_organization", "Choose one of your own"),
        ({"themes": []}, "themes", "This field is required."),
        ({"contact_email": "not-an-email"}, "contact_email", "valid email"),
    ],
)
def test_validation_error_next_to_the_field_and_input_kept(
    client, member, organization, vocab, overrides, field, message
):
    client.force_login(member)
    response = client.post(NEW, _payload(organization, vocab, **overrides))
    assert response.status_code == 400
    assert Initiative.objects.count() == 0
    if field == "slots":
        errors = [str(e) for e in response.context["formset"].forms[0].errors["ends_at"]]
    else:
        errors = _errors_for(response, field)
    assert any(message in e for e in errors), errors
    html = response.content.decode()
    assert message.split("%")[0][:20] in html.replace("&#x27;", "'")
    if field != "title":
        assert 'value="Nattvandring i Vårby gård"' in html
    assert 'value="Vårby allé 1"' in html


def test_lead_cannot_also_be_partner(client, member, organization, vocab):
    client.force_login(member)
    response = client.post(
        NEW, _payload(organization, vocab, partner_organizations=[str(organization.pk)])
    )
    assert response.status_code == 400
    assert _errors_for(response, "partner_organizations")
    assert Initiative.objects.count() == 0


def test_coordinator_cannot_make_the_lead_a_partner(
    client, coordinator, organization, other_organization, vocab
):
    login_with_second_factor(client, coordinator)
    response = client.post(
        NEW, _payload(organization, vocab, partner_organizations=[str(organization.pk)])
    )
    assert response.status_code == 400
    assert "cannot also be a partner" in _errors_for(response, "partner_organizations")[0]


def test_coordinates_accept_a_decimal_comma(client, member, organization, vocab):
    client.force_login(member)
    response = client.post(
        NEW, _payload(organization, vocab, latitude="59,2712", longitude=" 17,8893 ")
    )
    assert response.status_code == 302
    initiative = Initiative.objects.get()
    assert (initiative.latitude, initiative.longitude) == (59.2712, 17.8893)


def test_no_point_is_fine(client, member, organization, vocab):
    client.force_login(member)
    response = client.post(NEW, _payload(organization, vocab, latitude="", longitude=""))
    assert response.status_code == 302
    assert not Initiative.objects.get().has_point


def test_only_visible_problems_can_be_linked(client, member, organization, vocab):
    hidden = factories.ProblemFactory(title="Arkiverat problem")
    type(hidden).objects.filter(pk=hidden.pk).update(
        archived_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    client.force_login(member)
    assert "Arkiverat problem" not in client.get(NEW).content.decode()
    response = client.post(NEW, _payload(organization, vocab, problems=[str(hidden.pk)]))
    assert response.status_code == 400
    assert _errors_for(response, "problems")
    assert Initiative.objects.count() == 0


def test_the_form_offers_the_newest_open_problems_and_keeps_linked_ones(
    client, member, organization, vocab, monkeypatch
):
    from initiatives import selectors as initiative_selectors

    monkeypatch.setattr(initiative_selectors, "PROBLEM_CHOICES", 2)
    oldest = factories.ProblemFactory(title="Äldsta problemet")
    factories.ProblemFactory(title="Nyare problem")
    factories.ProblemFactory(title="Nyaste problemet")
    factories.ProblemFactory(title="Löst problem", status=Problem.Status.RESOLVED, outcome="Lagat.")
    client.force_login(member)

    page = client.get(NEW).text
    assert "Nyaste problemet" in page and "Nyare problem" in page
    assert "Äldsta problemet" not in page and "Löst problem" not in page
    assert "the newest 2" in page

    initiative = factories.InitiativeFactory(lead_organization=organization)
    initiative.problems.add(oldest)
    edit = client.get(f"/en/initiatives/{initiative.slug}/edit/").text
    assert "Äldsta problemet" in edit  # already linked: kept, not silently dropped


def test_duplicate_slots_are_refused(client, member, organization, vocab):
    client.force_login(member)
    response = client.post(
        NEW,
        _payload(
            organization,
            vocab,
            **{"slots-1-weekday": "5", "slots-1-starts_at": "20:00", "slots-1-ends_at": "22:00"},
        ),
    )
    assert response.status_code == 400
    assert Initiative.objects.count() == 0


# --- Someone already does this ------------------------------------------------------------------

SIMILAR = "/en/initiatives/new/similar/"
# register page, edit page, as-you-type lookup (measured; the point is that 2 and 30 agree)
EXPECTED_FORM_QUERIES = [11, 18, 8]


@pytest.fixture
def twin(other_organization, vocab):
    """A live initiative of another organisation much like the one ``_payload`` registers."""
    twin = factories.InitiativeFactory(
        title="Nattvandringar i Vårby gård",
        summary="Föräldrar går i området på kvällarna.",
        lead_organization=other_organization,
        areas=[vocab["area"]],
        themes=[vocab["theme"]],
        contact_email="natt@andra.example",
    )
    factories.ScheduleSlotFactory(initiative=twin, weekday=5)
    return twin


def _similar_query(vocab, **overrides):
    return {
        "title": "Nattvandring i Vårby gård",
        "areas": [vocab["area"].pk],
        "themes": [vocab["theme"].pk],
        **overrides,
    }


def test_as_you_type_the_form_gets_similar_initiatives_with_org_schedule_and_contact(
    client, member, vocab, twin
):
    client.force_login(member)

    response = client.get(SIMILAR, _similar_query(vocab))

    assert response.status_code == 200
    html = response.text
    assert "Someone may already do this" in html
    assert twin.title in html and f"/en/initiatives/{twin.slug}/" in html
    assert "Föreningen Andra" in html
    assert str(twin.slots.get()) in html
    assert "mailto:natt@andra.example" in html
    # The member's organisation may ask to join it instead.
    assert f"/en/initiatives/{twin.slug}/join/" in html
    assert "<html" not in html  # a fragment for the form's live region


def test_no_join_offer_for_the_organisation_that_runs_it(client, outsider, vocab, twin):
    client.force_login(outsider)  # a member of the twin's own lead organisation
    html = client.get(SIMILAR, _similar_query(vocab)).text
    assert twin.title in html
    assert "/join/" not in html


def test_nothing_until_title_area_and_theme_are_filled_in(client, member, vocab, twin):
    client.force_login(member)
    for query in (
        _similar_query(vocab, title="Na"),
        _similar_query(vocab, areas=[]),
        _similar_query(vocab, themes=[]),
    ):
        response = client.get(SIMILAR, query)
        assert response.status_code == 200
        assert twin.title not in response.text


@pytest.mark.parametrize(
    "query",
    [
        {"areas": ["abc"]},
        {"themes": ["-1"]},
        {"areas": [str(2**40)]},
        {"starts_on": "2026-13-45"},
        {"title": "x" * 5000},
        {"areas": [str(n) for n in range(1, 500)]},
    ],
)
def test_bad_lookup_input_is_a_400_never_a_500(client, member, vocab, twin, query):
    client.force_login(member)
    response = client.get(SIMILAR, {**_similar_query(vocab), **query})
    assert response.status_code == 400
    assert twin.title not in response.text


def test_the_lookup_is_for_those_who_register(client, resident, outsider, vocab):
    response = resident.get(SIMILAR, _similar_query(vocab))
    assert response.status_code == 302 and "/login/" in response.url
    nobody = factories.UserFactory()
    client.force_login(nobody)
    assert client.get(SIMILAR, _similar_query(vocab)).status_code == 403


def test_partners_see_partners_only_twins_but_never_archived_ones(client, member, vocab, twin):
    twin.visibility = "partners"
    twin.save()
    client.force_login(member)
    assert twin.title in client.get(SIMILAR, _similar_query(vocab)).text
    twin.archived_at = twin.updated_at
    twin.save()
    assert twin.title not in client.get(SIMILAR, _similar_query(vocab)).text


def test_on_submit_similar_initiatives_are_shown_before_saving(
    client, member, organization, vocab, twin
):
    client.force_login(member)

    response = client.post(NEW, _payload(organization, vocab))

    assert response.status_code == 200
    assert Initiative.objects.count() == 1  # only the twin: nothing saved yet
    html = response.text
    assert "Not saved yet." in html
    assert twin.title in html and "Föreningen Andra" in html
    assert 'name="register_anyway"' in html
    assert 'value="Vårby allé 1"' in html  # the input is kept

    saved = client.post(NEW, _payload(organization, vocab, register_anyway="1"))

    assert saved.status_code == 302
    assert Initiative.objects.filter(lead_organization=organization).count() == 1


def test_on_submit_nothing_similar_saves_at_once(client, member, organization, vocab, twin):
    twin.status = "cancelled"
    twin.save()
    client.force_login(member)

    response = client.post(NEW, _payload(organization, vocab))

    assert response.status_code == 302
    assert Initiative.objects.filter(lead_organization=organization).exists()


def test_the_register_form_loads_the_lookup_script_and_the_edit_form_does_not(
    client, member, organization, vocab
):
    client.force_login(member)
    html = client.get(NEW).text
    assert 'data-similar-url="/en/initiatives/new/similar/"' in html
    assert "js/initiative_similar.js" in html
    assert 'id="similar-initiatives"' in html and 'aria-live="polite"' in html
    initiative = factories.InitiativeFactory(lead_organization=organization)
    edit = client.get(f"/en/initiatives/{initiative.slug}/edit/").text
    assert "initiative_similar.js" not in edit


@pytest.mark.parametrize("count", [2, 30])
def test_form_pages_and_lookup_run_a_fixed_number_of_queries(
    client, member, organization, vocab, count
):
    """Registering, editing and the lookup: the same queries with 2 and with 30 of each
    thing the form lists (organisations, areas, themes, problems, similar initiatives)."""
    for n in range(count):
        other = factories.OrganizationFactory(name=f"Förening {n}")
        area = factories.AreaFactory()
        theme = factories.ThemeFactory()
        factories.ProblemFactory(area=area)
        similar = factories.InitiativeFactory(
            title=f"Nattvandring i Vårby gård {n}",
            lead_organization=other,
            areas=[vocab["area"], area],
            themes=[vocab["theme"], theme],
        )
        factories.ScheduleSlotFactory(initiative=similar)
    initiative = factories.InitiativeFactory(lead_organization=organization, themes=[theme])
    client.force_login(member)
    client.get(NEW)  # warm the session and the user's organisations

    counts = [
        query_count(client, NEW),
        query_count(client, f"/en/initiatives/{initiative.slug}/edit/"),
        query_count(client, SIMILAR, _similar_query(vocab)),
    ]
    assert counts == EXPECTED_FORM_QUERIES


# --- Editing ------------------------------------------------------------------------------


@pytest.fixture
def initiative(organization, partner_organization, vocab):
    initiative = factories.InitiativeFactory(
        title="Läxhjälp",
        lead_organization=organization,
        areas=[vocab["area"]],
        themes=[vocab["theme"]],
    )
    initiative.partner_organizations.add(partner_organization)
    factories.ScheduleSlotFactory(initiative=initiative, weekday=2)
    return initiative


def _edit_url(initiative):
    return f"/en/initiatives/{initiative.slug}/edit/"


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("resident", 302),
        ("outsider", 403),
        ("member", 302),
        ("org_admin", 302),
        ("partner_member", 403),
        ("coordinator", 302),
    ],
)
def test_edit_matrix(client, request, initiative, vocab, role, status):
    login_as(client, request, role)
    payload = _edit_payload(
        initiative,
        vocab,
        title="Läxhjälp på biblioteket",
        partner_organizations=[str(p.pk) for p in initiative.partner_organizations.all()],
    )
    response = client.post(_edit_url(initiative), payload)
    assert response.status_code == status
    initiative.refresh_from_db()
    if role == "resident":
        assert "/login/" in response["Location"]
    if status == 302 and role != "resident":
        assert initiative.title == "Läxhjälp på biblioteket"
        assert initiative.version == 2
        assert initiative.slots.count() == 1  # the unchanged slot kept
    else:
        assert initiative.title == "Läxhjälp"
        assert initiative.version == 1


def test_edit_unknown_partners_only_initiative_is_404_for_residents(client, initiative):
    Initiative.objects.filter(pk=initiative.pk).update(visibility="partners")
    assert client.get(_edit_url(initiative)).status_code == 302  # login first
    user = factories.UserFactory()
    client.force_login(user)
    assert client.get(_edit_url(initiative)).status_code == 404


def test_detail_offers_edit_to_editors_only(client, initiative, member, outsider):
    client.force_login(outsider)
    assert (
        _edit_url(initiative)
        not in client.get(f"/en/initiatives/{initiative.slug}/").content.decode()
    )
    client.force_login(member)
    assert (
        _edit_url(initiative) in client.get(f"/en/initiatives/{initiative.slug}/").content.decode()
    )


def test_edit_form_shows_current_values(client, member, initiative):
    client.force_login(member)
    html = client.get(_edit_url(initiative)).content.decode()
    assert 'value="Läxhjälp"' in html
    assert 'name="version" value="1"' in html
    assert 'value="20:00"' in html


def test_edit_changes_slots(client, member, initiative, vocab):
    client.force_login(member)
    slot = initiative.slots.get()
    payload = _edit_payload(initiative, vocab)
    payload.update(
        {
            "slots-0-DELETE": "on",
            "slots-1-weekday": "3",
            "slots-1-starts_at": "15:00",
            "slots-1-ends_at": "17:00",
        }
    )
    response = client.post(_edit_url(initiative), payload)
    assert response.status_code == 302
    assert [(s.weekday, str(s.starts_at)) for s in initiative.slots.all()] == [(3, "15:00:00")]
    assert not ScheduleSlot.objects.filter(pk=slot.pk).exists()


def test_stale_edit_is_refused_with_input_kept_then_fresh_edit_succeeds(
    client, member, org_admin, initiative, vocab
):
    mine = _edit_payload(initiative, vocab, title="Min titel")  # loaded at version 1
    client.force_login(org_admin)
    theirs = _edit_payload(initiative, vocab, title="Deras titel", summary="Ny sammanfattning")
    assert client.post(_edit_url(initiative), theirs).status_code == 302

    client.force_login(member)
    response = client.post(_edit_url(initiative), mine)
    assert response.status_code == 409
    html = response.content.decode()
    message = str(response.context["form"].non_field_errors()[0])
    assert "Adam" in message  # who saved last
    assert "title" in message and "summary" in message and "description" not in message
    assert 'value="Min titel"' in html  # the user's input is kept
    initiative.refresh_from_db()
    assert initiative.title == "Deras titel"
    assert initiative.version == 2

    fresh = _edit_payload(initiative, vocab, title="Min titel")
    assert client.post(_edit_url(initiative), fresh).status_code == 302
    initiative.refresh_from_db()
    assert initiative.title == "Min titel"
    assert initiative.version == 3


# --- Notifying partners -----------------------------------------------------------------


def test_partners_are_told_in_their_language(
    client, member, organization, vocab, django_capture_on_commit_callbacks, mailoutbox
):
    with_email = factories.OrganizationFactory(public_email="info@partner.example")
    without_email = factories.OrganizationFactory()
    admin = factories.UserFactory(email="boss@partner.example", language="en")
    factories.MembershipFactory(user=admin, organization=without_email, role=Membership.Role.ADMIN)
    plain = factories.UserFactory(email="plain@partner.example")
    factories.MembershipFactory(user=plain, organization=without_email)
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            NEW,
            _payload(
                organization,
                vocab,
                partner_organizations=[str(with_email.pk), str(without_email.pk)],
            ),
        )
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mailoutbox) == ["boss@partner.example", "info@partner.example"]
    to_admin = next(m for m in mailoutbox if m.to == ["boss@partner.example"])
    assert "Nattvandring i Vårby gård" in to_admin.subject
    assert "as a partner organisation" in to_admin.body


def test_edit_tells_only_newly_added_partners(
    client,
    member,
    initiative,
    partner_organization,
    vocab,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    partner_organization.public_email = "old@partner.example"
    partner_organization.save()
    newcomer = factories.OrganizationFactory(public_email="new@partner.example")
    client.force_login(member)
    payload = _edit_payload(
        initiative, vocab, partner_organizations=[str(partner_organization.pk), str(newcomer.pk)]
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(_edit_url(initiative), payload).status_code == 302
    assert [m.to for m in mailoutbox] == [["new@partner.example"]]


# --- Random and hostile input -------------------------------------------------------------

FIELDS = [
    *InitiativeForm.Meta.fields,  # every field a person can post, and the formset's
    "version",
    "slots-TOTAL_FORMS",
    "slots-INITIAL_FORMS",
    "slots-MAX_NUM_FORMS",
    "slots-0-weekday",
    "slots-0-starts_at",
    "slots-0-ends_at",
    "slots-0-id",
    "slots-0-DELETE",
]
values = st.one_of(
    st.text(max_size=60),
    st.integers(min_value=-(2**63), max_value=2**63).map(str),
    st.sampled_from(["", "0", "-1", "1e999", "nan", "25:61", "2026-02-30", "\x00", "' OR 1=1 --"]),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.dictionaries(st.sampled_from(FIELDS), values))
def test_random_input_never_gives_a_500(client, member, organization, vocab, initiative, data):
    client.force_login(member)
    base = _payload(organization, vocab)
    base.update(data)
    for url in (NEW, _edit_url(initiative)):
        response = client.post(url, base)
        assert response.status_code in (200, 302, 400, 403, 409), response.status_code


def test_stale_message_names_changed_links_and_slots(client, member, org_admin, initiative, vocab):
    mine = _edit_payload(initiative, vocab, title="Min titel")
    other_theme = factories.ThemeFactory(name_en="Lighting")
    client.force_login(org_admin)
    theirs = _edit_payload(
        initiative,
        vocab,
        themes=[str(vocab["theme"].pk), str(other_theme.pk)],
        **{"slots-1-weekday": "3", "slots-1-starts_at": "10:00", "slots-1-ends_at": "11:00"},
    )
    assert client.post(_edit_url(initiative), theirs).status_code == 302

    client.force_login(member)
    response = client.post(_edit_url(initiative), mine)
    assert response.status_code == 409
    message = str(response.context["form"].non_field_errors()[0])
    assert "themes" in message and "schedule slots" in message
    assert "title" not in message.split("Changed meanwhile:")[1].split(".")[0]
    initiative.refresh_from_db()
    assert initiative.title == "Läxhjälp"


def test_edit_without_a_version_is_refused(client, member, initiative, vocab):
    client.force_login(member)
    payload = _edit_payload(initiative, vocab, title="Utan version", version="")
    response = client.post(_edit_url(initiative), payload)
    assert response.status_code == 409
    assert 'value="Utan version"' in response.content.decode()
    initiative.refresh_from_db()
    assert initiative.title == "Läxhjälp"


# --- Saving again after a conflict, far dates (issue 18) ----------------------------------------


def test_after_a_conflict_saving_again_saves(client, member, org_admin, initiative, vocab):
    """The kept form carried the version it was loaded at, so "save again" was refused
    forever; it carries the current version now, and saving the kept input again saves it."""
    mine = _edit_payload(initiative, vocab, title="Min titel")  # loaded at version 1
    client.force_login(org_admin)
    assert client.post(_edit_url(initiative), _edit_payload(initiative, vocab)).status_code == 302
    client.force_login(member)

    conflict = client.post(_edit_url(initiative), mine)

    assert conflict.status_code == 409
    assert 'name="version" value="2"' in conflict.text
    kept = dict(conflict.context["form"].data.lists())  # what the page sends when saved again
    assert kept["title"] == ["Min titel"]
    again = client.post(_edit_url(initiative), kept)
    assert again.status_code == 302
    initiative.refresh_from_db()
    assert (initiative.title, initiative.version) == ("Min titel", 3)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("ends_on", "9999-12-31", "Enter a date from 1900 to 2100."),
        ("starts_on", "9999-12-31", "Enter a date from 1900 to 2100."),
        ("starts_on", "0001-01-01", "Enter a date from 1900 to 2100."),
        ("ends_on", "2026-02-30", "Enter a valid date."),
    ],
)
def test_a_far_or_impossible_date_is_an_error_next_to_the_field(
    client, member, organization, vocab, initiative, field, value, message
):
    """An end date of 9999-12-31 answered 500: the period's generated bound, 10000-01-01,
    cannot be read back. Dates are bounded to the years 1900–2100, on both forms."""
    client.force_login(member)
    for url, payload in [
        (NEW, _payload(organization, vocab, **{field: value})),
        (_edit_url(initiative), _edit_payload(initiative, vocab, **{field: value})),
    ]:
        response = client.post(url, payload)
        assert response.status_code == 400, url
        assert response.context["form"].errors[field] == [message]
        assert f'value="{value}"' in response.text  # the input is kept
    initiative.refresh_from_db()
    assert initiative.version == 1


def test_the_date_pickers_offer_the_bounded_years(client, member):
    client.force_login(member)
    html = client.get(NEW).text
    assert 'type="date" name="ends_on" min="1900-01-01" max="2100-12-31"' in html


def test_the_similar_lookup_takes_a_half_typed_period(client, member, initiative):
    """While typing, the end may come before the start: the lookup answers, never a 500."""
    client.force_login(member)
    response = client.get(
        "/en/initiatives/new/similar/",
        {"title": initiative.title, "starts_on": "2026-05-01", "ends_on": "2026-04-01"},
    )
    assert response.status_code == 200
    far = client.get("/en/initiatives/new/similar/", {"title": "x", "ends_on": "9999-12-31"})
    assert far.status_code == 400
