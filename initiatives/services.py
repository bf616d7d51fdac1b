"""Every change to initiatives goes through here: one ``@transaction.atomic`` service per
change, keyword-only arguments, the business rule in the docstring."""

from datetime import date

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from initiatives.models import Initiative, InitiativeUpdate, JoinRequest, ScheduleSlot
from initiatives.permissions import (
    can_choose_lead_organization,
    organizations_posting_for,
    organizations_requesting_to_join,
)
from partnership.emails import email_send
from partnership.history import TRACKED_LINKS, people_names
from partnership.models import Visibility
from stakeholders.models import Membership, Organization, User

# --- Maintaining initiatives: updates, archive and restore -------------------------------------

_FUTURE_DATE = _lazy("The date cannot be in the future. Post the update once it has happened.")


def _lock(initiative: Initiative) -> Initiative:
    return Initiative.objects.select_for_update().get(pk=initiative.pk)


@transaction.atomic
def initiative_update_post(
    *,
    initiative: Initiative,
    organization: Organization,
    author: User,
    happened_on: date,
    text: str,
    new_status: str = "",
    visibility: str = Visibility.PUBLIC,
) -> InitiativeUpdate:
    """Post a dated progress update for one of the author's organisations among the lead and
    partner organisations (a coordinator may post for the lead organisation). The date may
    be today or in the past, never in the future. A new status also changes the
    initiative's status (and its version) in the same transaction. On a partners-only
    initiative every update is partners-only. Archived initiatives take no updates. (Who
    may post at all, the view checks: ``permissions.initiative_for_user(…, "post_update")``;
    the organisation chosen is checked here, by ``organizations_posting_for``.)"""
    if initiative.archived_at is not None:
        raise ValidationError(_("This initiative is archived; restore it before posting updates."))
    if organization.pk not in {org.pk for org in organizations_posting_for(author, initiative)}:
        raise ValidationError(
            {"organization": _("You cannot post updates for this organisation here.")}
        )
    if happened_on > timezone.localdate():
        raise ValidationError({"happened_on": _FUTURE_DATE})
    if new_status and new_status not in Initiative.Status.values:
        raise ValidationError({"new_status": _("Choose one of the listed statuses.")})
    if initiative.visibility == Visibility.PARTNERS:
        visibility = Visibility.PARTNERS
    with pghistory.context(user=author.pk):
        update = InitiativeUpdate.objects.create(
            initiative=initiative,
            organization=organization,
            author=author,
            happened_on=happened_on,
            text=text,
            new_status=new_status,
            visibility=visibility,
        )
        if new_status:
            locked = _lock(initiative)
            if locked.status != new_status:
                locked.status = new_status
                locked.save_new_version("status")
                initiative.status, initiative.version = locked.status, locked.version
    return update


@transaction.atomic
def initiative_archive(*, initiative: Initiative, actor: User) -> bool:
    """Archive an initiative: it leaves every list, map and page except for its editors, who
    can restore it. Nothing is deleted. Archiving an archived initiative changes nothing
    (returns False)."""
    return initiative.set_archived(True, actor=actor)


@transaction.atomic
def initiative_restore(*, initiative: Initiative, actor: User) -> bool:
    """Bring an archived initiative back, as it was. Restoring one that is not archived
    changes nothing (returns False)."""
    return initiative.set_archived(False, actor=actor)


# --- Asking to join as a partner organisation ----------------------------------------------------


def _lead_admin_recipients(initiative: Initiative) -> list[tuple[str, str]]:
    """(email, language) of the lead organisation's active admins; its public email if it
    has no admin (someone must get the request)."""

    admins = [
        (m.user.email, m.user.language)
        for m in Membership.objects.filter(
            organization_id=initiative.lead_organization_id, role=Membership.Role.ADMIN
        ).select_related("user")
        if m.user.is_active
    ]
    if admins:
        return admins
    email = initiative.lead_organization.public_email
    return [(email, get_language())] if email else []


@transaction.atomic
def join_request_create(
    *, initiative: Initiative, organization: Organization, requested_by: User, message: str = ""
) -> JoinRequest:
    """Ask, for one of the requester's approved organisations that is neither the lead nor
    already a partner, to join a planned or active initiative as a partner organisation.
    One open request per organisation and initiative. The lead organisation's admins are
    emailed (each in their language) and answer on the initiative's page. (The organisation
    chosen is checked here, by ``organizations_requesting_to_join``.)
    Requests for one initiative wait for each other on its row: of simultaneous requests for
    one organisation the first is saved, the others see it and are refused
    (tests/test_concurrency.py)."""
    _lock(initiative)
    allowed = organizations_requesting_to_join(requested_by, initiative)
    if organization.pk not in {o.pk for o in allowed}:
        raise ValidationError(
            {"organization": _("Your organisation cannot ask to join this initiative.")}
        )
    pending = JoinRequest.objects.filter(
        initiative=initiative, organization=organization, status=JoinRequest.Status.PENDING
    )
    if pending.exists():
        raise ValidationError(
            _(
                "%(organization)s has already asked to join; the lead organisation has not "
                "answered yet."
            )
            % {"organization": organization.name}
        )
    with pghistory.context(user=requested_by.pk):
        join_request = JoinRequest.objects.create(
            initiative=initiative,
            organization=organization,
            requested_by=requested_by,
            message=message,
        )
    context = {
        "initiative": initiative,
        "organization": organization,
        "requested_by": requested_by,
        "message": message,
    }
    for to, language in _lead_admin_recipients(initiative):
        email_send(to=to, template="initiative_join_requested", context=context, language=language)
    return join_request


@transaction.atomic
def join_request_withdraw(*, join_request: JoinRequest, actor: User) -> JoinRequest:
    """Take back a request that is still waiting (the asking organisation's members and
    coordinators: ``permissions.join_request_for_user(…, "withdraw")``). It leaves the lead
    organisation's list; the organisation may ask again later."""
    locked = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if locked.status != JoinRequest.Status.PENDING:
        raise ValidationError(_("This request has already been answered."))
    with pghistory.context(user=actor.pk):
        locked.status = JoinRequest.Status.WITHDRAWN
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save()
    return locked


@transaction.atomic
def join_request_decide(
    *, join_request: JoinRequest, accept: bool, actor: User, answer: str = ""
) -> JoinRequest:
    """Accept or decline a waiting request (the lead organisation's admins and coordinators:
    ``permissions.join_request_for_user(…, "decide")``). Accepting adds the organisation as
    a partner organisation; that is a change to the initiative, so its version goes up (an
    editor's form opened before is refused rather than silently dropping the new partner).
    Only an organisation approved at the moment is accepted. The requester is emailed the
    answer."""
    locked = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if locked.status != JoinRequest.Status.PENDING:
        raise ValidationError(_("This request has already been answered."))
    if accept and not locked.organization.is_approved:
        raise ValidationError(
            _("%(organization)s is not an approved partner organisation at the moment.")
            % {"organization": locked.organization.name}
        )
    initiative = _lock(locked.initiative)
    with pghistory.context(user=actor.pk):
        locked.status = JoinRequest.Status.ACCEPTED if accept else JoinRequest.Status.DECLINED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.answer = answer
        locked.save()
        already = (
            locked.organization_id == initiative.lead_organization_id
            or initiative.partner_organizations.filter(pk=locked.organization_id).exists()
        )
        if accept and not already:
            initiative.partner_organizations.add(locked.organization_id)
            initiative.save_new_version()  # an edit form opened before must not drop it
    requester = locked.requested_by
    if requester is not None and requester.is_active:
        email_send(
            to=requester.email,
            template="initiative_join_answered",
            context={
                "join_request": locked,
                "initiative": initiative,
                "organization": locked.organization,
                "accepted": accept,
                "answer": answer,
            },
            language=requester.language,
        )
    return locked


# --- Registering and editing ---------------------------------------------------------------------

_RESERVED_SLUGS = {"new", "ny", "ny-insats"}
_M2M_FIELDS = ("partner_organizations", "themes", "target_groups", "areas", "problems")


def _unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = (slugify(title) or "insats")[:200]
    if base in _RESERVED_SLUGS:  # the paths next to the initiatives' own
        base = f"{base}-insats"
    taken = set(
        Initiative.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _notify_new_partners(initiative: Initiative, organizations) -> None:
    """Tell each newly added partner organisation: its public email if it has one, else its
    admins, each in their own language."""

    url = reverse("initiatives:detail", kwargs={"slug": initiative.slug})
    for organization in organizations:
        context = {"initiative": initiative, "organization": organization, "initiative_path": url}
        if organization.public_email:
            recipients = [(organization.public_email, get_language())]
        else:
            recipients = [
                (m.user.email, m.user.language)
                for m in Membership.objects.filter(
                    organization=organization, role=Membership.Role.ADMIN
                ).select_related("user")
                if m.user.is_active
            ]
        for to, language in recipients:
            email_send(
                to=to, template="initiative_partner_added", context=context, language=language
            )


def _set_slots(initiative: Initiative, slots: list[dict]) -> None:
    """Make the initiative's weekly slots exactly ``slots``; unchanged ones stay untouched
    (so history shows only real changes)."""
    wanted = {(s["weekday"], s["starts_at"], s["ends_at"]) for s in slots}
    existing = {(s.weekday, s.starts_at, s.ends_at): s for s in initiative.slots.all()}
    for key, slot in existing.items():
        if key not in wanted:
            slot.delete()
    ScheduleSlot.objects.bulk_create(
        [
            ScheduleSlot(initiative=initiative, weekday=w, starts_at=s, ends_at=e)
            for (w, s, e) in sorted(wanted - set(existing))
        ]
    )


def _check_slots(slots: list[dict]) -> None:
    seen = set()
    for slot in slots:
        if slot["ends_at"] == slot["starts_at"]:  # an earlier end is on the next day
            raise ValidationError(_("A schedule slot must end at another time than it starts."))
        key = (slot["weekday"], slot["starts_at"])
        if key in seen:
            raise ValidationError(_("Two schedule slots start on the same day and time."))
        seen.add(key)


def _check_organizations(*, data: dict, actor: User, initiative: Initiative | None = None) -> None:
    """The submitted lead organisation is one the actor may choose
    (``can_choose_lead_organization``), and not also a partner."""
    lead = data["lead_organization"]
    if not can_choose_lead_organization(actor, lead, initiative=initiative):
        raise ValidationError(
            {"lead_organization": _("Choose one of your own approved organisations.")}
        )
    partners = list(data.get("partner_organizations") or [])
    if any(p.pk == lead.pk for p in partners):
        raise ValidationError(
            {"partner_organizations": _("The lead organisation cannot also be a partner.")}
        )


@transaction.atomic
def initiative_create(*, data: dict, slots: list[dict], actor: User) -> Initiative:
    """Register an initiative for one of the actor's approved organisations (coordinators:
    any approved one). ``data`` holds the model fields and the many-to-many lists (as
    ``InitiativeForm.cleaned_data``); ``slots`` the weekly slots (weekday, starts_at,
    ends_at). The slug comes from the title, made unique. Partner organisations are told by
    email once the registration is saved. (Who may register at all, the view checks; the
    lead organisation chosen is checked here, by ``can_choose_lead_organization``.)"""
    _check_organizations(data=data, actor=actor)
    _check_slots(slots)
    fields = {k: v for k, v in data.items() if k not in _M2M_FIELDS and k != "version"}
    with pghistory.context(user=actor.pk):
        initiative = Initiative(**fields, created_by=actor)
        initiative.slug = _unique_slug(initiative.title)
        initiative.save()
        for name in _M2M_FIELDS:
            getattr(initiative, name).set(data.get(name) or [])
        _set_slots(initiative, slots)
    _notify_new_partners(initiative, list(data.get("partner_organizations") or []))
    return initiative


def _changed_since(initiative: Initiative, current: Initiative, version: int) -> tuple:
    """Who saved the initiative last, and the (translated) names of the fields that changed
    since ``version``: the row's history snapshot at that version against the row now, plus
    links and slots added or removed by the saves (history contexts) after it."""
    events = Initiative.pgh_event_model.objects.filter(pgh_obj_id=initiative.pk)
    latest = events.order_by("-pgh_id").select_related("pgh_context").first()
    who = None
    if latest is not None and latest.pgh_context is not None:
        user_pk = (latest.pgh_context.metadata or {}).get("user")
        who = User.objects.filter(pk=user_pk).first() if user_pk else None
    snapshot = events.filter(version=version).order_by("-pgh_id").first()
    changed = []
    if snapshot is not None:
        for field in Initiative._meta.concrete_fields:
            if field.name in {"version", "updated_at", "period", "search_vector", "id"}:
                continue
            if not hasattr(snapshot, field.attname):
                continue
            if getattr(snapshot, field.attname) != getattr(current, field.attname):
                changed.append(str(field.verbose_name))
    # Links and slots changed by the saves after ``version`` (each save is one context).
    later = events.filter(version__gt=version, pgh_context__isnull=False).values("pgh_context_id")
    for field, proxy in TRACKED_LINKS:
        if Initiative not in (field.model, field.related_model):  # problems: Problem.initiatives
            continue
        if proxy.pgh_event_model.objects.filter(
            initiative_id=initiative.pk, pgh_context_id__in=later
        ).exists():
            changed.append(str(field.verbose_name))
    if ScheduleSlot.pgh_event_model.objects.filter(
        initiative_id=initiative.pk, pgh_context_id__in=later
    ).exists():
        changed.append(str(ScheduleSlot._meta.verbose_name_plural))
    return who, changed


@transaction.atomic
def initiative_edit(
    *, initiative: Initiative, data: dict, slots: list[dict], actor: User, version: int | None
) -> Initiative:
    """Save an edit made by a member of the lead organisation or a coordinator. Optimistic
    locking: ``version`` is the version the form was loaded with; if someone saved in
    between, the edit is refused with a message naming who saved last and what changed, and
    nothing is written. Every save increments the version. Newly added partner
    organisations (only those) are told by email. (Who may edit, the view checks:
    ``permissions.initiative_for_user(…, "edit")``; the lead organisation chosen is checked
    here, by ``can_choose_lead_organization``: the current lead may stay.)"""
    locked = Initiative.objects.select_for_update().get(pk=initiative.pk)
    if version is None or locked.version != version:
        who, changed = _changed_since(initiative, locked, version or 0)
        params = {
            # Colleagues and coordinators see each other's names; never an email.
            "who": (who.get_full_name() or people_names([who.pk], reader=actor)[who.pk])
            if who
            else _("someone else"),
            "fields": ", ".join(changed) if changed else _("unknown"),
        }
        raise ValidationError(
            _(
                "%(who)s saved this initiative while you were editing it, so your changes "
                "were not saved. Changed meanwhile: %(fields)s. Your input is kept below: "
                "check it against the current version and save again."
            )
            % params,
            code="stale",
        )
    _check_organizations(data=data, actor=actor, initiative=locked)
    _check_slots(slots)
    before_partners = set(locked.partner_organizations.values_list("pk", flat=True))
    fields = {k: v for k, v in data.items() if k not in _M2M_FIELDS and k != "version"}
    with pghistory.context(user=actor.pk):
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save_new_version()
        for name in _M2M_FIELDS:
            getattr(locked, name).set(data.get(name) or [])
        _set_slots(locked, slots)
    added = [p for p in data.get("partner_organizations") or [] if p.pk not in before_partners]
    _notify_new_partners(locked, added)
    return locked
