"""The partners: users, organisations, who belongs where, and invitations.

Email is the login. Partners never join an organisation on their own: an organisation
admin or a coordinator invites them (see :class:`Invitation`).
"""

import hashlib
import secrets
from datetime import timedelta

import pghistory
from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnership.history import track_links
from partnership.models import VersionedModel

INVITATION_VALIDITY = timedelta(days=14)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person with an account. Facts about them are the ones they chose to give."""

    username = None
    email = models.EmailField(_("email address"), unique=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    title = models.CharField(_("job title"), max_length=120, blank=True)
    share_contact_details = models.BooleanField(
        _("share my contact details with partners"), default=False
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="sv",
        help_text=_("Emails to you are written in this language."),
    )
    is_coordinator = models.BooleanField(
        _("coordinator"),
        default=False,
        help_text=_("Coordinators approve organisations and see the overlap dashboard."),
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class OrganizationQuerySet(models.QuerySet):
    def approved(self):
        """Organisations whose work may be shown: approved, not pending or suspended."""
        return self.filter(Organization.approved_q())

    def known_to(self, user):
        """Those the user may know exist: approved ones for everyone, their own whatever
        its status, every one for a coordinator. History names no other."""
        # The roles core imports Django's auth views, which need this module's user model.
        from partnership.permissions import is_coordinator

        if is_coordinator(user):
            return self.all()
        if not (user.is_authenticated and user.is_active):
            return self.approved()
        mine = user.memberships.values("organization_id")
        return self.filter(Organization.approved_q() | Q(pk__in=mine))


class Organization(VersionedModel):
    """A partner: a housing company, an association, the school, the police …"""

    class Kind(models.TextChoices):
        PROPERTY_OWNER = "property_owner", _("Property owner / housing company")
        ASSOCIATION = "association", _("Association")
        SCHOOL = "school", _("School")
        MUNICIPALITY = "municipality", _("Municipality")
        POLICE = "police", _("Police")
        BUSINESS = "business", _("Business")
        FAITH_COMMUNITY = "faith_community", _("Faith community")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SUSPENDED = "suspended", _("Suspended")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    description = models.TextField(_("what we do"), blank=True, max_length=5000)
    website = models.URLField(_("website"), blank=True)
    public_email = models.EmailField(_("public email"), blank=True)
    public_phone = models.CharField(_("public phone"), max_length=40, blank=True)
    areas = models.ManyToManyField(
        "partnership.Area", verbose_name=_("areas"), blank=True, related_name="organizations"
    )
    themes = models.ManyToManyField(
        "partnership.Theme", verbose_name=_("themes"), blank=True, related_name="organizations"
    )
    # The application: who asked to join, and what the coordinator answered.
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    contact_email = models.EmailField(_("contact person's email"), blank=True)
    contact_language = models.CharField(
        _("contact person's language"), max_length=8, choices=settings.LANGUAGES, default="sv"
    )
    contact_email_verified_at = models.DateTimeField(
        _("contact email verified"), null=True, blank=True
    )
    decision_reason = models.TextField(
        _("reason for the decision"),
        blank=True,
        max_length=2000,
        help_text=_("Sent to the applicant when an application is rejected; noted on suspension."),
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            # A rejected application does not lock its name: the organisation may apply again.
            models.UniqueConstraint(
                Lower("name"),
                condition=~Q(status="rejected"),
                name="organization_name_ci_unique",
            ),
        ]
        indexes = [models.Index(fields=["status", "kind"], name="organization_status_kind_idx")]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def approved_q(prefix: str = "") -> Q:
        """The one definition of "approved", also across a relation without a subquery:
        ``Initiative.objects.filter(Organization.approved_q("lead_organization__"))``.
        Raw SQL takes ``Organization.Status.APPROVED`` as a parameter."""
        return Q(**{f"{prefix}status": Organization.Status.APPROVED})

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class Membership(models.Model):
    """A user belongs to an organisation, as member or admin. One membership per pair."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        ADMIN = "admin", _("Administrator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    # A trusted reporter logs observations (händelser) for the organisation; its admins
    # grant it (partnership/observations).
    is_reporter = models.BooleanField(
        _("reporter"),
        default=False,
        help_text=_("May log observations (what they saw, where and when) for the organisation."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="membership_once_per_user_and_organization"
            )
        ]
        indexes = [models.Index(fields=["organization", "role"], name="membership_org_role_idx")]

    def __str__(self) -> str:
        return f"{self.user} – {self.organization} ({self.get_role_display()})"


class Invitation(models.Model):
    """A single-use, expiring invitation to join an organisation, bound to one email.

    Only a SHA-256 hash of the token is stored; the token itself travels in the email.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(
        _("role"), max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="invitation_expires_after_creation",
            ),
            models.UniqueConstraint(
                "organization",
                Lower("email"),
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organization}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


# Roles held through the account itself (coordinator, staff, superuser, active) are kept in
# history too; the rest of the account (email, name, phone) is not copied into history, so
# deleting an account erases it.
pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    fields=["is_coordinator", "is_staff", "is_superuser", "is_active"],
    model_name="UserRoleEvent",
)(User)

for _model, _name in [
    (Organization, "OrganizationEvent"),
    (Membership, "MembershipEvent"),
    (Invitation, "InvitationEvent"),
]:
    pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        model_name=_name,
        exclude=["token_hash"] if _model is Invitation else None,
    )(_model)

OrganizationAreas = track_links(Organization.areas)
OrganizationThemes = track_links(Organization.themes)
