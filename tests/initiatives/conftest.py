"""Beside the cast (tests/conftest.py): a member of a *partner* organisation of an initiative,
for the rules that treat lead and partner organisations differently."""

import pytest

from tests import factories


@pytest.fixture
def partner_organization(db):
    return factories.OrganizationFactory(name="Partnerföreningen", kind="association")


@pytest.fixture
def partner_member(partner_organization):
    user = factories.UserFactory(email="partner@example.org", first_name="Paula")
    factories.MembershipFactory(user=user, organization=partner_organization)
    return user
