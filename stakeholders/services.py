"""Every change to organisations, memberships, invitations and accounts goes through here.

Each service is ``@transaction.atomic``, takes keyword-only arguments, and states its
business rule in its docstring. Emails go through ``partnership.emails.email_send`` (sent
after commit, in the recipient's language). Views and tests call these, nothing else writes.
"""

from datetime import timedelta

import pghistory
from allauth.account import app_settings as allauth_settings
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from partnership.emails import email_send
from partnership.ratelimit import limit_reached
from stakeholders.models import INVITATION_VALIDITY, Invitation, Membership, Organization, User
from stakeholders.permissions import organization_check

# --- Applications and the coordinator's decisions -------------------------------------------

APPLICATION_VERIFICATION_MAX_AGE = timedelta(days=7)
_APPLICATION_SALT = "stakeholders.application.contact-email"


# The anonymous application form sends an email to the address it is given: limits keep it
# from being a mail relay. A real organisation applies once, maybe again after a typo; a
# municipality officer registering the neighbourhood's associations at one meeting sends a
# handful from one address (the office's) — 10 an hour. One contact person is emailed for at
# most 3 applications a day, so nobody's inbox can be filled with the portal's mail.
APPLICATIONS_PER_CLIENT = (10, 60 * 60)  # (applications, seconds)
APPLICATIONS_PER_ADDRESS = (3, 24 * 60 * 60)


def organization_apply_throttle(*, client: str, contact_email: str) -> None:
    """Count one application from ``client`` (its address, ``ratelimit.client_ip``) for
    ``contact_email``; ``ValidationError`` (code "throttled") when either is over its limit
    (``APPLICATIONS_PER_CLIENT``, ``APPLICATIONS_PER_ADDRESS``), and nothing is sent. Not in
    a transaction: the count (in the database cache) must stay when the application is
    refused. An address is counted only for clients still within their limit."""
    limit, period = APPLICATIONS_PER_CLIENT
    if limit_reached("application:client", client, limit=limit, period=period):
        raise ValidationError(
            _(
                "Too many applications have been sent from your network in the last hour. "
                "Try again later, or write to the coordinator."
            ),
            code="throttled",
        )
    limit, period = APPLICATIONS_PER_ADDRESS
    if limit_reached("application:email", contact_email, limit=limit, period=period):
        raise ValidationError(
            {
                "contact_email": ValidationError(
                    _(
                        "Several applications have been sent to this address today. Try "
                        "again tomorrow, or write to the coordinator."
                    ),
                    code="throttled",
                )
            }
        )


# Slugs the directory's own pages use (see stakeholders/urls.py, Swedish and English).
_RESERVED_SLUGS = {"apply", "ansok"}


def _unique_slug(name: str) -> str:
    base = slugify(name)[:180] or "organisation"
    if base in _RESERVED_SLUGS:
        base = f"{base}-organisation"
    taken = set(Organization.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _decision_check(organization: Organization, *allowed: str) -> None:
    if organization.status not in allowed:
        raise ValidationError(
            _("This organisation is %(status)s; the decision can no longer be made.")
            % {"status": organization.get_status_display().lower()}
        )


def application_verification_token(organization: Organization) -> str:
    """A signed, expiring token proving that whoever opens the link reads the contact email."""
    return signing.dumps(
        {"organization": organization.pk, "email": organization.contact_email},
        salt=_APPLICATION_SALT,
    )


@transaction.atomic
def organization_apply(*, data: dict, language: str) -> Organization:
    """Anyone may apply for a new organisation to join the partnership.

    The organisation is created *pending*: nothing of it is public until a coordinator
    approves it. The contact person is emailed a link (valid seven days) to confirm their
    address; coordinators see whether it was confirmed. Names are unique in any case: a
    duplicate raises ``ValidationError`` on ``name``.
    """
    organization = Organization(
        name=data["name"],
        slug=_unique_slug(data["name"]),
        kind=data["kind"],
        description=data.get("description", ""),
        contact_name=data["contact_name"],
        contact_email=data["contact_email"].strip().lower(),
        contact_language=language,
        status=Organization.Status.PENDING,
    )
    try:
        with transaction.atomic():
            organization.save()
    except IntegrityError as error:
        message = _("An organisation with this name is already in the partnership or has applied.")
        raise ValidationError({"name": message}) from error
    organization.areas.set(data.get("areas") or [])
    organization.themes.set(data.get("themes") or [])
    with translation.override(language):
        verify_path = reverse(
            "stakeholders:application_verify",
            kwargs={"token": application_verification_token(organization)},
        )
    email_send(
        to=organization.contact_email,
        template="application_verify",
        context={
            "organization": organization,
            "contact_name": organization.contact_name,
            "verify_url": settings.SITE_URL + verify_path,
            "valid_days": APPLICATION_VERIFICATION_MAX_AGE.days,
        },
        language=language,
    )
    return organization


@transaction.atomic
def organization_contact_verify(*, token: str) -> Organization:
    """The contact person confirms their email address by the link they were sent.

    The link works for seven days and only while the application still has that contact
    address. Confirming twice is harmless. A bad or expired link raises ``ValidationError``.
    """
    try:
        payload = signing.loads(
            token, salt=_APPLICATION_SALT, max_age=APPLICATION_VERIFICATION_MAX_AGE
        )
    except signing.SignatureExpired as error:
        raise ValidationError(
            _("This link has expired. Contact the partnership's coordinator.")
        ) from error
    except signing.BadSignature as error:
        raise ValidationError(_("This link is not valid.")) from error
    organization = (
        Organization.objects.select_for_update()
        .filter(pk=payload.get("organization"), contact_email=payload.get("email"))
        .first()
    )
    if organization is None:
        raise ValidationError(_("This link is not valid."))
    if organization.contact_email_verified_at is None:
        organization.contact_email_verified_at = timezone.now()
        organization.save(update_fields=["contact_email_verified_at", "updated_at"])
        _coordinators_tell_application_confirmed(organization)
    return organization


def _coordinators_tell_application_confirmed(organization: Organization) -> None:
    """Email every active coordinator, each in their language, that an application waits for
    them: its contact person has just confirmed their address."""
    for coordinator in User.objects.filter(is_coordinator=True, is_active=True).order_by("pk"):
        with translation.override(coordinator.language):
            path = reverse("coordinator:organization", kwargs={"slug": organization.slug})
        email_send(
            to=coordinator.email,
            template="application_confirmed",
            context={
                "organization": organization,
                "kind": organization.get_kind_display,
                "application_url": settings.SITE_URL + path,
            },
            language=coordinator.language,
        )


def _set_password_url(user: User) -> str:
    """allauth's own "set a new password" link for the user (valid PASSWORD_RESET_TIMEOUT)."""
    key = allauth_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": key},
    )
    return settings.SITE_URL + path


@transaction.atomic
def organization_approve(*, organization: Organization, actor: User) -> Membership | None:
    """A coordinator approves a pending application; the organisation becomes public.

    The contact person becomes the organisation's first admin. Without an account, one is
    made for them with no password, their email address marked verified (the emailed
    set-password link reaches only that mailbox, so using it proves the address), and they
    are emailed a link to choose a password. With an account, they get an admin membership
    and an email. Returns that membership (None for an organisation without a contact
    email, which a coordinator then gives members by invitation).
    """
    with pghistory.context(user=actor.pk):
        organization = Organization.objects.select_for_update().get(pk=organization.pk)
        _decision_check(organization, Organization.Status.PENDING)
        organization.status = Organization.Status.APPROVED
        organization.approved_at = timezone.now()
        organization.decision_reason = ""
        organization.save(update_fields=["status", "approved_at", "decision_reason", "updated_at"])

        email = organization.contact_email.lower()
        if not email:  # added without an application (e.g. in the admin): no first admin
            return None
        user = User.objects.filter(email__iexact=email).first()
        is_new = user is None
        if is_new:
            first, _sep, last = organization.contact_name.partition(" ")
            # No password argument: the account gets an unusable password until they set one.
            user = User.objects.create_user(
                email=email,
                first_name=first[:150],
                last_name=last[:150],
                language=organization.contact_language,
            )
            EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
        membership, created = Membership.objects.get_or_create(
            user=user, organization=organization, defaults={"role": Membership.Role.ADMIN}
        )
        if not created and membership.role != Membership.Role.ADMIN:
            membership.role = Membership.Role.ADMIN
            membership.save(update_fields=["role"])

        with translation.override(user.language):
            organization_url = settings.SITE_URL + reverse(
                "stakeholders:detail", kwargs={"slug": organization.slug}
            )
            context = {
                "organization": organization,
                "user": user,
                "organization_url": organization_url,
                "set_password_url": _set_password_url(user) if is_new else "",
                "login_url": settings.SITE_URL + reverse("account_login"),
            }
        email_send(
            to=user.email, template="application_approved", context=context, language=user.language
        )
    return membership


@transaction.atomic
def organization_reject(*, organization: Organization, actor: User, reason: str) -> Organization:
    """A coordinator rejects a pending application, with a reason emailed to the contact.

    A reason is required. Nothing of the organisation was ever public; the row stays, with
    its history. The email is in the language the contact applied in.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason.")})
    with pghistory.context(user=actor.pk):
        organization = Organization.objects.select_for_update().get(pk=organization.pk)
        _decision_check(organization, Organization.Status.PENDING)
        organization.status = Organization.Status.REJECTED
        organization.decision_reason = reason
        organization.save(update_fields=["status", "decision_reason", "updated_at"])
    email_send(
        to=organization.contact_email,
        template="application_rejected",
        context={
            "organization": organization,
            "reason": reason,
            "contact_email": settings.PORTAL_CONTACT_EMAIL,
        },
        language=organization.contact_language,
    )
    return organization


@transaction.atomic
def organization_suspend(*, organization: Organization, actor: User, reason: str) -> Organization:
    """A coordinator suspends an approved organisation, noting why.

    Its initiatives and its page disappear from every public and partner page (they show
    approved organisations only), and its members lose partner access; nothing is deleted,
    and reinstating brings it all back.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason.")})
    with pghistory.context(user=actor.pk):
        organization = Organization.objects.select_for_update().get(pk=organization.pk)
        _decision_check(organization, Organization.Status.APPROVED)
        organization.status = Organization.Status.SUSPENDED
        organization.decision_reason = reason
        organization.save(update_fields=["status", "decision_reason", "updated_at"])
    return organization


@transaction.atomic
def organization_reinstate(*, organization: Organization, actor: User) -> Organization:
    """A coordinator lifts a suspension: the organisation and its work are public again."""
    with pghistory.context(user=actor.pk):
        organization = Organization.objects.select_for_update().get(pk=organization.pk)
        _decision_check(organization, Organization.Status.SUSPENDED)
        organization.status = Organization.Status.APPROVED
        organization.decision_reason = ""
        organization.save(update_fields=["status", "decision_reason", "updated_at"])
    return organization


@transaction.atomic
def coordinator_grant(*, user: User, actor: User) -> User:
    """A coordinator (or superuser) makes another user a coordinator, and the user is told
    by email. The role takes effect only in a login with the second factor
    (``partnership.permissions.is_coordinator``): until they have set up an authenticator
    app and logged in with it, they keep their membership rights only; the email says so
    and links to the set-up."""
    with pghistory.context(user=actor.pk):
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.is_coordinator:
            user.is_coordinator = True
            user.save(update_fields=["is_coordinator"])
            with translation.override(user.language):
                setup_path = reverse("mfa_activate_totp")
                overview_path = reverse("coordinator:dashboard:overview")
            email_send(
                to=user.email,
                template="coordinator_granted",
                context={
                    "user": user,
                    "granted_by": actor.get_full_name() or actor.email,
                    "setup_url": f"{settings.SITE_URL}{setup_path}?next={overview_path}",
                },
                language=user.language,
            )
    return user


@transaction.atomic
def coordinator_revoke(*, user: User, actor: User) -> User:
    """Take the coordinator role away. The partnership always keeps at least one
    coordinator: the last one (superusers count as coordinators) cannot be removed."""
    with pghistory.context(user=actor.pk):
        # Lock every coordinator so that two coordinators cannot remove each other at once.
        coordinators = list(
            User.objects.select_for_update()
            .filter(Q(is_coordinator=True) | Q(is_superuser=True), is_active=True)
            .values_list("pk", flat=True)
        )
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.is_coordinator:
            return user
        if not user.is_superuser and [pk for pk in coordinators if pk != user.pk] == []:
            raise ValidationError(
                _("%(user)s is the last coordinator. Make someone else a coordinator first.")
                % {"user": user.email}
            )
        user.is_coordinator = False
        user.save(update_fields=["is_coordinator"])
    return user


# --- Organisation profile, members and invitations -------------------------------------------

PROFILE_FIELDS = ("description", "website", "public_email", "public_phone")
PROFILE_LINKS = ("areas", "themes")


class InvitationInvalid(Exception):
    """The link cannot be used. ``reason`` is "unknown", "accepted", "revoked" or "expired"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class InvitationWrongAccount(Exception):
    """The invitation is bound to another email address than the account at hand."""


@transaction.atomic
def organization_profile_update(
    *, organization: Organization, actor: User, data: dict, version: int
) -> Organization:
    """An organisation admin (or a coordinator) edits what the organisation does, where it
    works, its themes and its public contact details.

    ``version`` is the ``Organization.version`` the editor loaded. If someone saved in
    between, the save is refused (``ValidationError`` with code ``"stale"``) and nothing
    changes: no lost updates. A successful save increments the version.
    """
    with pghistory.context(user=actor.pk):
        locked = Organization.objects.select_for_update().get(pk=organization.pk)
        if locked.version != version:
            raise ValidationError(
                _(
                    "Someone else saved this profile while you were editing it. Your changes "
                    "have not been saved; check the current profile, then save again."
                ),
                code="stale",
            )
        for field in PROFILE_FIELDS:
            if field in data:
                setattr(locked, field, data[field])
        locked.save_new_version()
        for field in PROFILE_LINKS:
            if field in data:
                getattr(locked, field).set(data[field])
    return locked


def _accounts_with_email(email: str):
    """Accounts that own ``email``: as their login, or as a *verified* extra address (an
    unverified address proves nothing)."""
    return User.objects.filter(
        Q(email__iexact=email) | Q(emailaddress__email__iexact=email, emailaddress__verified=True)
    ).distinct()


def _invitation_issue(invitation: Invitation, *, language: str) -> Invitation:
    """Give the invitation a fresh token and expiry, save it and email the link.

    Only the token's hash is stored; the token travels in the email (and, for the caller,
    on ``invitation.token``). A previous link stops working.
    """
    token = Invitation.new_token()
    now = timezone.now()
    invitation.token_hash = Invitation.hash_token(token)
    invitation.created_at = now
    invitation.expires_at = now + INVITATION_VALIDITY
    invitation.save()
    invitation.token = token

    account = _accounts_with_email(invitation.email).first()
    language = account.language if account else language
    with translation.override(language):
        accept_url = settings.SITE_URL + reverse(
            "stakeholders:invitation_accept", kwargs={"token": token}
        )
    inviter = invitation.invited_by
    email_send(
        to=invitation.email,
        template="invitation",
        context={
            "organization_name": invitation.organization.name,
            "inviter_name": (inviter.get_full_name() or inviter.email) if inviter else "",
            "role": invitation.role,
            "accept_url": accept_url,
            "expires_at": invitation.expires_at,
            "has_account": account is not None,
        },
        language=language,
    )
    return invitation


@transaction.atomic
def invitation_create(
    *, organization: Organization, email: str, role: str, invited_by: User, language: str
) -> Invitation:
    """An organisation admin or a coordinator invites someone by email, with a role.

    The email holds a single-use link valid for ``INVITATION_VALIDITY`` (14 days), written in
    the recipient's language: their account's if they have one, else ``language`` (the
    inviter's request). Refused when the address already belongs to a member, or has an
    open invitation to this organisation (resend that instead). An expired, unanswered
    invitation to the same address is renewed rather than duplicated.
    """
    email = email.strip().lower()
    if Membership.objects.filter(
        organization=organization, user__in=_accounts_with_email(email)
    ).exists():
        raise ValidationError(
            {"email": _("%(email)s is already a member of this organisation.") % {"email": email}}
        )
    with pghistory.context(user=invited_by.pk):
        invitation = (
            Invitation.objects.select_for_update()
            .filter(
                organization=organization,
                email__iexact=email,
                accepted_at__isnull=True,
                revoked_at__isnull=True,
            )
            .first()
        )
        if invitation is not None and invitation.is_open:
            raise ValidationError(
                {
                    "email": _(
                        "%(email)s has already been invited. Resend or revoke that invitation "
                        "in the list below."
                    )
                    % {"email": email}
                }
            )
        if invitation is None:
            invitation = Invitation(organization=organization, email=email)
        invitation.role = role
        invitation.invited_by = invited_by
        try:
            with transaction.atomic():
                _invitation_issue(invitation, language=language)
        except IntegrityError as error:  # the same address invited at the same moment
            raise ValidationError(
                {"email": _("%(email)s has already been invited.") % {"email": email}}
            ) from error
    return invitation


def _invitation_unanswered(invitation: Invitation) -> Invitation:
    locked = (
        Invitation.objects.select_for_update().select_related("organization").get(pk=invitation.pk)
    )
    if locked.accepted_at is not None:
        raise ValidationError(_("This invitation has already been accepted."))
    if locked.revoked_at is not None:
        raise ValidationError(_("This invitation has been revoked."))
    return locked


@transaction.atomic
def invitation_resend(*, invitation: Invitation, actor: User, language: str) -> Invitation:
    """An admin of the invitation's organisation, or a coordinator, sends an unanswered
    invitation again (also after it expired): a new link, valid another 14 days; the old link
    stops working. The invitation is picked in a form, so the actor's right to manage its
    organisation is checked here (``PermissionDenied`` / ``Http404`` otherwise)."""
    organization_check(actor, invitation.organization, "manage")
    with pghistory.context(user=actor.pk):
        invitation = _invitation_unanswered(invitation)
        invitation.invited_by = actor
        return _invitation_issue(invitation, language=language)


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: User) -> Invitation:
    """An admin of the invitation's organisation, or a coordinator, withdraws an unanswered
    invitation: its link stops working at once. The row stays. The invitation is picked in
    a form, so the actor's right to manage its organisation is checked here."""
    organization_check(actor, invitation.organization, "manage")
    with pghistory.context(user=actor.pk):
        invitation = _invitation_unanswered(invitation)
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


def invitation_check(*, token: str) -> Invitation:
    """The open invitation behind ``token``, or ``InvitationInvalid`` saying why not
    (unknown or tampered, accepted, revoked, expired). Reads only."""
    invitation = None
    if 20 <= len(token) <= 100:
        invitation = (
            Invitation.objects.select_related("organization", "invited_by")
            .filter(token_hash=Invitation.hash_token(token))
            .first()
        )
    _invitation_raise_unless_open(invitation)
    return invitation


def _invitation_raise_unless_open(invitation: Invitation | None) -> None:
    if invitation is None:
        raise InvitationInvalid("unknown")
    if invitation.accepted_at is not None:
        raise InvitationInvalid("accepted")
    if invitation.revoked_at is not None:
        raise InvitationInvalid("revoked")
    if invitation.expires_at <= timezone.now():
        raise InvitationInvalid("expired")


def invitation_account(invitation: Invitation) -> User | None:
    """The existing account the invitation is for, if any."""
    return _accounts_with_email(invitation.email).first()


@transaction.atomic
def invitation_accept(
    *,
    token: str,
    user: User | None = None,
    first_name: str = "",
    last_name: str = "",
    password: str = "",
    language: str = settings.LANGUAGE_CODE,
) -> Membership:
    """Accept an invitation by its link; the link then stops working.

    The invitation is bound to its email address. With ``user`` (logged in), that account
    must own the address (``InvitationWrongAccount`` otherwise) and the membership is
    attached to it. Without ``user``, the address must not have an account yet (else
    ``InvitationWrongAccount``: log in first); an account is created with ``password``,
    the name given, ``language``, and the address already verified (the link reached that
    mailbox). An unusable link raises ``InvitationInvalid``. Someone who already belongs to
    the organisation keeps their membership and role.
    """
    invitation = (
        Invitation.objects.select_for_update()
        .filter(token_hash=Invitation.hash_token(token))
        .first()
    )
    _invitation_raise_unless_open(invitation)
    owner = invitation_account(invitation)
    if user is not None and (owner is None or owner.pk != user.pk):
        raise InvitationWrongAccount()
    if user is None and owner is not None:
        raise InvitationWrongAccount()
    if user is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=invitation.email,
                    password=password,
                    first_name=first_name,
                    last_name=last_name,
                    language=language,
                )
        except IntegrityError as error:  # the account was created a moment ago
            raise InvitationWrongAccount() from error
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    with pghistory.context(user=user.pk):
        membership, _created = Membership.objects.get_or_create(
            user=user,
            organization_id=invitation.organization_id,
            defaults={"role": invitation.role},
        )
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
    return membership


def _membership_lock(membership: Membership) -> Membership:
    locked = Membership.objects.select_for_update().filter(pk=membership.pk).first()
    if locked is None:
        raise ValidationError(_("This membership no longer exists."))
    return locked


def _last_admin_check(membership: Membership, message: str) -> Membership:
    """Lock the organisation's admin memberships (so two admins cannot demote or remove
    each other at the same moment) and refuse when ``membership`` is the only one left."""
    admins = list(
        Membership.objects.select_for_update()
        .filter(organization_id=membership.organization_id, role=Membership.Role.ADMIN)
        .values_list("pk", flat=True)
    )
    locked = _membership_lock(membership)
    if locked.role == Membership.Role.ADMIN and admins == [locked.pk]:
        raise ValidationError(message)
    return locked


@transaction.atomic
def membership_role_change(*, membership: Membership, role: str, actor: User) -> Membership:
    """An organisation admin or a coordinator makes a member an admin, or an admin a member.
    The organisation's last admin cannot be demoted: make someone else admin first. The
    membership is picked in a form, so the actor's right to manage its organisation is
    checked here (``PermissionDenied`` / ``Http404`` otherwise); either role may be given."""
    organization_check(actor, membership.organization, "manage")
    with pghistory.context(user=actor.pk):
        if role == Membership.Role.ADMIN:
            membership = _membership_lock(membership)
        else:
            membership = _last_admin_check(
                membership,
                _(
                    "%(user)s is the organisation's last administrator. Make someone else an "
                    "administrator first."
                )
                % {"user": membership.user},
            )
        if membership.role != role:
            membership.role = role
            membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User) -> None:
    """An organisation admin or a coordinator removes someone from the organisation (the
    row is deleted; history keeps it). The last admin cannot be removed. The membership is
    picked in a form, so the actor's right to manage its organisation is checked here
    (``PermissionDenied`` / ``Http404`` otherwise)."""
    organization_check(actor, membership.organization, "manage")
    with pghistory.context(user=actor.pk):
        membership = _last_admin_check(
            membership,
            _(
                "%(user)s is the organisation's last administrator and cannot be removed. "
                "Make someone else an administrator first."
            )
            % {"user": membership.user},
        )
        membership.delete()


@transaction.atomic
def membership_leave(*, membership: Membership) -> None:
    """A member leaves their organisation. The last admin cannot leave: make someone else
    an administrator first."""
    with pghistory.context(user=membership.user_id):
        membership = _last_admin_check(
            membership,
            _(
                "You are the organisation's last administrator. Make someone else an "
                "administrator before you leave."
            ),
        )
        membership.delete()


# --- My account ---------------------------------------------------------------------------------


@transaction.atomic
def account_update(
    *,
    user: User,
    first_name: str,
    last_name: str,
    phone: str,
    title: str,
    language: str,
    share_contact_details: bool,
) -> User:
    """A user edits what they tell about themselves. Name, title, email and phone are shown
    to partners (never to residents) only while ``share_contact_details`` is on; emails to
    them are written in ``language``."""
    with pghistory.context(user=user.pk):
        user.first_name = first_name.strip()
        user.last_name = last_name.strip()
        user.phone = phone.strip()
        user.title = title.strip()
        user.language = language
        user.share_contact_details = share_contact_details
        user.save(
            update_fields=[
                "first_name",
                "last_name",
                "phone",
                "title",
                "language",
                "share_contact_details",
            ]
        )
    return user


@transaction.atomic
def account_delete(*, user: User) -> None:
    """A user deletes their account. Their memberships end (deleted; history keeps them).
    What they wrote stays, attributed to its organisation: initiatives, problems, updates,
    endorsements, responsibilities and invitations lose the link to the person (the foreign
    keys are SET NULL), so their name is gone from it. The last administrator of an
    organisation must first make someone else an administrator."""
    with pghistory.context(user=user.pk):
        blocking = []
        admin_of = Membership.objects.filter(user=user, role=Membership.Role.ADMIN)
        for membership in admin_of.select_related("organization"):
            try:
                _last_admin_check(membership, "")
            except ValidationError:
                blocking.append(membership.organization.name)
        if blocking:
            raise ValidationError(
                _(
                    "You are the last administrator of %(organizations)s. Make someone else an "
                    "administrator first, or ask the partnership's coordinator for help."
                )
                % {"organizations": ", ".join(sorted(blocking))},
                code="last_admin",
            )
        Membership.objects.filter(user=user).delete()
        user.delete()
