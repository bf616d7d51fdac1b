"""Applying to join: the application, the contact's email check, the coordinator's decision."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from stakeholders import services
from stakeholders.models import Membership, Organization, User
from tests import factories
from tests.helpers import login_with_second_factor

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "ett-nytt-langt-losenord-2026"


def en(name, **kwargs):
    """The English address of a page (tests assert on English source strings)."""
    with translation.override("en"):
        return reverse(name, kwargs=kwargs or None)


@pytest.fixture
def application_data():
    area, theme = factories.AreaFactory(name="Vårby allé"), factories.ThemeFactory()
    return {
        "name": "Vårby Idrottsförening",
        "kind": "association",
        "description": "Fotboll och läxhjälp för unga i Vårby gård.",
        "areas": [area.pk],
        "themes": [theme.pk],
        "contact_name": "Sara Lind",
        "contact_email": "Sara.Lind@Example.org",
    }


def _apply(client, data, capture):
    with capture(execute=True):
        return client.post(en("stakeholders:apply"), data)


def _link(message, name):
    match = re.search(r"https?://\S+", message.body)
    assert match, f"no link in the {name} email"
    return match.group(0).split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def test_anyone_can_apply_and_the_contact_gets_a_verification_email(
    resident, application_data, mailoutbox, django_capture_on_commit_callbacks
):
    response = _apply(resident, application_data, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == en("stakeholders:apply_done")
    organization = Organization.objects.get(name="Vårby Idrottsförening")
    assert organization.status == Organization.Status.PENDING
    assert organization.slug == "varby-idrottsforening"
    assert organization.contact_email == "sara.lind@example.org"
    assert organization.contact_email_verified_at is None
    assert [a.name for a in organization.areas.all()] == ["Vårby allé"]
    assert organization.themes.count() == 1
    assert organization.memberships.count() == 0
    [message] = mailoutbox
    assert message.to == ["sara.lind@example.org"]
    assert "Confirm your email address" in message.subject
    assert "/en/who-does-what/apply/confirm/" in message.body


def test_the_apply_page_is_linked_from_the_directory_and_the_home_page(resident):
    apply_url = en("stakeholders:apply")
    assert f'href="{apply_url}"' in resident.get(en("stakeholders:list")).text
    assert f'href="{apply_url}"' in resident.get("/en/").text
    assert "Apply to join the partnership" in resident.get(apply_url).text


def test_the_verification_link_confirms_the_email_on_post_only(
    resident, application_data, mailoutbox, django_capture_on_commit_callbacks
):
    _apply(resident, application_data, django_capture_on_commit_callbacks)
    link = _link(mailoutbox[0], "verification")
    organization = Organization.objects.get()

    page = resident.get(link)
    assert page.status_code == 200
    assert "Confirm" in page.text
    organization.refresh_from_db()
    assert organization.contact_email_verified_at is None, "opening the link changes nothing"

    response = resident.post(link)
    assert "your email address is confirmed" in response.text
    organization.refresh_from_db()
    assert organization.contact_email_verified_at is not None


def test_a_tampered_or_expired_verification_link_is_refused_clearly(
    resident, application_data, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    _apply(resident, application_data, django_capture_on_commit_callbacks)
    link = _link(mailoutbox[0], "verification")

    response = resident.post(link.rstrip("/") + "x/")
    assert response.status_code == 400
    assert "This link is not valid." in response.text

    monkeypatch.setattr(services, "APPLICATION_VERIFICATION_MAX_AGE", timedelta(seconds=-1))
    response = resident.post(link)
    assert response.status_code == 400
    assert "This link has expired." in response.text
    assert Organization.objects.get().contact_email_verified_at is None


def test_a_duplicate_name_in_any_case_is_an_error_next_to_the_field(
    resident, organization, application_data
):
    data = {**application_data, "name": organization.name.upper()}
    response = resident.post(en("stakeholders:apply"), data)
    assert response.status_code == 400
    assert "An organisation with this name is already" in response.text
    assert 'value="Sara.Lind@Example.org"' in response.text, "the rest of the input is kept"
    assert Organization.objects.filter(name__iexact=organization.name).count() == 1


def test_a_duplicate_name_that_slips_past_the_form_is_refused_by_the_database(
    application_data,
):
    """Two applicants at the same moment: the database constraint answers with a
    ValidationError on the name (which the view shows next to the field), not a 500."""
    from django.core.exceptions import ValidationError

    factories.OrganizationFactory(name="vårby idrottsförening", status="pending")
    data = {**application_data, "areas": [], "themes": []}
    with pytest.raises(ValidationError) as refused:
        services.organization_apply(data=data, language="en")
    assert "name" in refused.value.message_dict
    assert Organization.objects.count() == 1


def test_missing_fields_are_errors_and_nothing_is_created(resident):
    response = resident.post(en("stakeholders:apply"), {"name": "Ny förening"})
    assert response.status_code == 400
    assert response.context["form"].errors.keys() >= {"kind", "contact_name", "contact_email"}
    assert 'value="Ny förening"' in response.text
    assert not Organization.objects.exists()


def test_pending_and_rejected_organisations_appear_nowhere_public(resident, member):
    pending = factories.OrganizationFactory(name="Väntande förening", status="pending")
    rejected = factories.OrganizationFactory(name="Avvisad förening", status="rejected")
    for org in (pending, rejected):
        factories.InitiativeFactory(lead_organization=org, title=f"Insats av {org.name}")

    directory = resident.get(en("stakeholders:list")).text
    initiatives = resident.get("/en/initiatives/").text
    for org in (pending, rejected):
        assert org.name not in directory
        assert f"Insats av {org.name}" not in initiatives
        assert resident.get(en("stakeholders:detail", slug=org.slug)).status_code == 404
    resident.force_login(member)
    assert "Insats av Väntande förening" not in resident.get("/en/initiatives/").text


def test_application_verification_approval_then_the_first_admin_sets_a_password_and_logs_in(
    client,
    coordinator_with_mfa,
    application_data,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    _apply(client, application_data, django_capture_on_commit_callbacks)
    client.post(_link(mailoutbox[0], "verification"))
    organization = Organization.objects.get()

    login_with_second_factor(client, coordinator_with_mfa)
    pending = client.get(en("coordinator:organizations") + "?status=pending").text
    assert "Vårby Idrottsförening" in pending and "Yes" in pending  # email confirmed
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(en("coordinator:decide", slug=organization.slug, decision="approve"))
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.status == Organization.Status.APPROVED
    assert organization.approved_at is not None
    admin = User.objects.get(email="sara.lind@example.org")
    assert not admin.has_usable_password()
    assert admin.first_name == "Sara" and admin.last_name == "Lind"
    assert Membership.objects.get(user=admin, organization=organization).role == "admin"

    approved_email = mailoutbox[-1]
    assert approved_email.to == ["sara.lind@example.org"]
    assert "has been approved" in approved_email.subject  # no applicant text in subjects
    client.logout()
    set_password = client.get(_link(approved_email, "approval"), follow=True)
    assert set_password.status_code == 200
    form_url = set_password.redirect_chain[-1][0] if set_password.redirect_chain else None
    response = client.post(
        form_url or _link(approved_email, "approval"),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    admin.refresh_from_db()
    assert admin.check_password(NEW_PASSWORD)

    response = client.post(
        reverse("account_login"), {"login": "sara.lind@example.org", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(admin.pk)
    assert "Vårby Idrottsförening" in client.get(en("stakeholders:list")).text


def test_approving_gives_an_existing_user_an_admin_membership(
    coordinator, member, organization, mailoutbox, django_capture_on_commit_callbacks
):
    applying = factories.OrganizationFactory(
        name="Ny förening", status="pending", contact_name="Maja", contact_email=member.email
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.organization_approve(organization=applying, actor=coordinator)
    assert Membership.objects.get(user=member, organization=applying).role == "admin"
    assert User.objects.filter(email=member.email).count() == 1
    assert member.memberships.get(organization=organization).role == "member", "untouched"
    [message] = mailoutbox
    assert message.to == [member.email]
    assert "password/reset/key" not in message.body
    assert "/accounts/login/" in message.body


def test_rejection_needs_a_reason_and_emails_it(
    client, coordinator_with_mfa, mailoutbox, django_capture_on_commit_callbacks
):
    applying = factories.OrganizationFactory(
        name="Tveksam AB",
        status="pending",
        contact_name="Tor",
        contact_email="tor@example.org",
    )
    login_with_second_factor(client, coordinator_with_mfa)
    reject = en("coordinator:decide", slug=applying.slug, decision="reject")

    response = client.post(reject, {"reason": "   "})
    assert response.status_code == 400
    assert "This field is required." in response.text
    applying.refresh_from_db()
    assert applying.status == Organization.Status.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reject, {"reason": "Verksamheten ligger utanför området."})
    applying.refresh_from_db()
    assert applying.status == Organization.Status.REJECTED
    assert applying.decision_reason == "Verksamheten ligger utanför området."
    [message] = mailoutbox
    assert message.to == ["tor@example.org"]
    assert "Verksamheten ligger utanför området." in message.body
    assert not User.objects.filter(email="tor@example.org").exists()
    assert resident_cannot_see(client, applying)


def resident_cannot_see(client, organization) -> bool:
    client.logout()
    return client.get(en("stakeholders:detail", slug=organization.slug)).status_code == 404


def test_a_decision_on_an_already_decided_application_is_refused(coordinator, organization):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.organization_approve(organization=organization, actor=coordinator)
    with pytest.raises(ValidationError):
        services.organization_reject(organization=organization, actor=coordinator, reason="x")


def test_an_organisation_without_a_contact_is_approved_without_a_first_admin(coordinator):
    added = factories.OrganizationFactory(name="Från admin", status="pending")
    assert services.organization_approve(organization=added, actor=coordinator) is None
    added.refresh_from_db()
    assert added.status == "approved"
    assert added.memberships.count() == 0


def test_a_rejected_organisation_may_apply_again_and_hears_back_in_its_language(
    resident, coordinator, application_data, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.organization_apply(data=application_data, language="en")
        services.organization_reject(organization=first, actor=coordinator, reason="Too early.")
    assert mailoutbox[-1].subject.startswith("Your application"), "in the English it applied in"

    _apply(resident, application_data, django_capture_on_commit_callbacks)
    names = Organization.objects.filter(name=application_data["name"])
    assert sorted(names.values_list("status", flat=True)) == ["pending", "rejected"]


def test_granting_and_revoking_the_coordinator_role_is_kept_in_history(coordinator, member):
    services.coordinator_grant(user=member, actor=coordinator)
    services.coordinator_revoke(user=member, actor=coordinator)
    events = User.pgh_event_model.objects.filter(pgh_obj_id=member.pk).order_by("pgh_id")
    assert [(e.pgh_label, e.is_coordinator) for e in events] == [
        ("insert", False),
        ("update", True),
        ("update", False),
    ]
    assert not hasattr(events[0], "email"), "history keeps roles, not personal details"
