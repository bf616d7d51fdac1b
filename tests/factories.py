"""Factories for test data. Prefer the services the UI uses where they exist."""

import datetime as dt
from importlib import import_module

import factory
from django.utils.text import slugify

from initiatives.models import Initiative, InitiativeUpdate, ScheduleSlot
from partnership.models import Area, TargetGroup, Theme
from partnership.observations.models import Observation, ObservationCategory
from partnership.problems.models import Problem
from stakeholders.models import Membership, Organization, User

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        """A verified primary email address, as allauth requires for login."""
        from allauth.account.models import EmailAddress

        user.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    name = factory.Sequence(lambda n: f"Område {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    latitude = 59.265
    longitude = 17.883


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    name_sv = factory.Sequence(lambda n: f"Tema {n}")
    name_en = factory.Sequence(lambda n: f"Theme {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name_en))


class TargetGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TargetGroup

    name_sv = factory.Sequence(lambda n: f"Målgrupp {n}")
    name_en = factory.Sequence(lambda n: f"Target group {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name_en))


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = Organization.Kind.ASSOCIATION
    status = Organization.Status.APPROVED


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Membership.Role.MEMBER


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Initiative
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Insats {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    summary = "En insats för ökad trygghet."
    lead_organization = factory.SubFactory(OrganizationFactory)
    starts_on = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=30))
    status = Initiative.Status.ACTIVE

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.areas.set(extracted)

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)


class ScheduleSlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScheduleSlot

    initiative = factory.SubFactory(InitiativeFactory)
    weekday = 5
    starts_at = dt.time(20, 0)
    ends_at = dt.time(23, 0)


class InitiativeUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InitiativeUpdate

    initiative = factory.SubFactory(InitiativeFactory)
    organization = factory.SelfAttribute("initiative.lead_organization")
    text = "Vi gick tre kvällar och träffade många."


class ProblemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Problem
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Problem {n}")
    description = "Dålig belysning gör att många undviker gångvägen."
    area = factory.SubFactory(AreaFactory)
    source = Problem.Source.SAFETY_WALK
    severity = 3
    recorded_by_organization = factory.SubFactory(OrganizationFactory)

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)


def enable_totp(user):
    """Give the user an authenticator app (allauth MFA, TOTP), as its setup page would."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    return TOTP.activate(user, generate_totp_secret()).instance


# --- Observations (händelser) ---------------------------------------------------------------------


def observation_category(slug: str = "nedskrapning"):
    """One of the categories migration 0002 seeds — made again, with the seeded names, after
    a test that flushed the tables (as the browser tests' live server does), so that a test
    run after it still sees "Nedskräpning"."""
    seeded = {
        row[0]: row
        for row in import_module(
            "partnership.observations.migrations.0002_est_categories"
        ).CATEGORIES
    }
    _slug, name_sv, name_en = seeded.get(slug, (slug, slug.capitalize(), slug.capitalize()))
    category, _created = ObservationCategory.objects.get_or_create(
        slug=slug, defaults={"name_sv": name_sv, "name_en": name_en}
    )
    return category


class ObservationFactory(factory.django.DjangoModelFactory):
    """An observation logged by a reporter; the category defaults to littering."""

    class Meta:
        model = Observation

    organization = factory.SubFactory(OrganizationFactory)
    area = factory.SubFactory(AreaFactory)
    category = factory.LazyFunction(observation_category)
    observed_on = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=1))
    time_from = dt.time(21, 0)
    count = 1
