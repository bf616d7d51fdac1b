"""Every change to meetings, agendas, minutes and decisions: one ``@transaction.atomic``
service per change, keyword-only. Views check access first (``permissions``); these refuse
what depends on the data: approved minutes are locked, a decision's due date is not before
its meeting. The tracked work a decision becomes is written by the app that owns it (the
problems app's responsibility and problem services, the coordination app's pair decision)."""

import datetime as dt

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from partnership.coordination import services as coordination_services
from partnership.coordination import weekly
from partnership.meetings import selectors, tasks
from partnership.meetings.models import AgendaItem, Decision, Meeting
from partnership.problems import services as problem_services
from stakeholders.models import User


def _lock(meeting: Meeting) -> Meeting:
    """The meeting locked for the change, refused once its minutes are approved."""
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.is_approved:
        raise ValidationError(_("The minutes are approved and can no longer be changed."))
    return locked


def _invite(meeting: Meeting, *, updated: bool) -> None:
    """Once the change is committed, the task worker emails the invitations."""
    transaction.on_commit(
        lambda: tasks.meeting_invitations_task.enqueue(meeting.pk, updated=updated)
    )


def _check_times(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if ends_at <= starts_at:
        raise ValidationError({"ends": _("The meeting must end after it starts.")})


@transaction.atomic
def meeting_create(*, data: dict, actor: User) -> Meeting:
    """Create a meeting (``MeetingForm.meeting_data``) with the agenda the dashboard gives at
    this moment (``selectors.agenda_draft``), and invite the members of the invited
    organisations by email with a calendar invitation. A meeting may be in the past: its
    minutes are often written afterwards."""
    _check_times(data["starts_at"], data["ends_at"])
    with pghistory.context(user=actor.pk):
        meeting = Meeting.objects.create(
            kind=data["kind"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            place=data["place"],
            link=data["link"],
            created_by=actor,
        )
        meeting.invited_organizations.set(data["invited_organizations"])
        draft = selectors.agenda_draft(meeting)
        weekly_situation_item(meeting, draft)
        for position, item in enumerate(draft.items, start=1):
            item.meeting, item.position = meeting, position
        AgendaItem.objects.bulk_create(draft.items)
        meeting.agenda_totals = draft.totals
        meeting.save(update_fields=["agenda_totals"])
    _invite(meeting, updated=False)
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, data: dict, actor: User) -> Meeting:
    """Change when, where, the kind or who is invited; everyone invited gets the updated
    invitation (the same calendar event, a higher SEQUENCE). The agenda stays as it is."""
    _check_times(data["starts_at"], data["ends_at"])
    locked = _lock(meeting)
    with pghistory.context(user=actor.pk):
        for name in ("kind", "starts_at", "ends_at", "place", "link"):
            setattr(locked, name, data[name])
        locked.sequence += 1
        locked.save()
        locked.invited_organizations.set(data["invited_organizations"])
    _invite(locked, updated=True)
    return locked


def _item_key(item: AgendaItem) -> tuple:
    """What an item is about, to tell whether the dashboard's item is already on the agenda."""
    return (
        item.source,
        item.problem_id,
        item.responsibility_id,
        item.initiative_a_id,
        item.initiative_b_id,
        item.carried_decision_id,
    )


@transaction.atomic
def agenda_refresh(*, meeting: Meeting, actor: User) -> int:
    """Draw the agenda from the dashboard again (a meeting created days ahead): the items it
    gives now that are not on the agenda yet are added at the end; nothing is removed or
    reordered. Returns how many were added."""
    locked = _lock(meeting)
    present = {_item_key(item) for item in locked.items.all()}
    draft = selectors.agenda_draft(locked)
    new = [item for item in draft.items if _item_key(item) not in present]
    last = locked.items.aggregate(last=Max("position"))["last"] or 0
    with pghistory.context(user=actor.pk):
        for position, item in enumerate(new, start=last + 1):
            item.meeting, item.position = locked, position
        AgendaItem.objects.bulk_create(new)
        locked.agenda_totals = draft.totals
        locked.save(update_fields=["agenda_totals"])
    return len(new)


@transaction.atomic
def agenda_item_add(*, meeting: Meeting, title: str, detail: str, actor: User) -> AgendaItem:
    """Add an item at the end of the agenda."""
    locked = _lock(meeting)
    last = locked.items.aggregate(last=Max("position"))["last"] or 0
    with pghistory.context(user=actor.pk):
        return AgendaItem.objects.create(
            meeting=locked,
            position=last + 1,
            source=AgendaItem.Source.ADDED,
            title=title.strip(),
            detail=detail.strip(),
        )


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, actor: User) -> None:
    """Take an item off the agenda (history keeps it); the items after it move up. An item
    with decisions stays: its decisions are tracked work."""
    locked = _lock(item.meeting)
    if item.decisions.exists():
        raise ValidationError(_("An item with decisions cannot be removed."))
    with pghistory.context(user=actor.pk):
        item.delete()
        following = list(locked.items.filter(position__gt=item.position).order_by("position"))
        for other in following:
            other.position -= 1
        AgendaItem.objects.bulk_update(following, ["position"])


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, up: bool, actor: User) -> bool:
    """Swap the item with the one before (``up``) or after it; False at either end."""
    locked = _lock(item.meeting)
    if up:
        other = locked.items.filter(position__lt=item.position).order_by("-position").first()
    else:
        other = locked.items.filter(position__gt=item.position).order_by("position").first()
    if other is None:
        return False
    with pghistory.context(user=actor.pk):
        item.position, other.position = other.position, item.position
        # The positions' uniqueness is checked at commit, so the two may swap.
        AgendaItem.objects.bulk_update([item, other], ["position"])
    return True


@transaction.atomic
def minutes_save(*, meeting: Meeting, attendance: str, minutes: dict[int, str], actor: User):
    """Save who was present and the minutes of each item (``{item id: text}``); only the
    items that changed are written."""
    locked = _lock(meeting)
    changed = [
        item
        for item in locked.items.filter(pk__in=list(minutes))
        if item.minutes != minutes[item.pk].strip()
    ]
    with pghistory.context(user=actor.pk):
        for item in changed:
            item.minutes = minutes[item.pk].strip()
        AgendaItem.objects.bulk_update(changed, ["minutes"])
        if locked.attendance != attendance.strip():
            locked.attendance = attendance.strip()
            locked.save(update_fields=["attendance"])
    return locked


def _check_due(meeting: Meeting, due_on: dt.date | None) -> None:
    held_on = timezone.localdate(meeting.starts_at)
    if due_on is not None and due_on < held_on:
        raise ValidationError(
            {
                "due_on": _("The date cannot be before the meeting (%(date)s).")
                % {"date": held_on.isoformat()}
            }
        )


@transaction.atomic
def decision_record(*, item: AgendaItem, kind: str, data: dict, actor: User) -> Decision:
    """Record what the meeting decided on an item, as tracked work:

    - ``task``: ``text``, ``organization``, ``due_on`` — followed up here until done;
    - ``responsibility``: the item's problem is taken on by ``organization`` as ``role``
      with ``commitment`` by ``due_on`` (the problems app's rule: an open problem, an
      approved organisation not yet responsible, one lead) — followed up until done or the
      problem is closed;
    - ``overlap``: the ``decision`` and ``note`` on the item's pair (the coordination
      app's rule: the pair must overlap now);
    - ``problem``: a new problem recorded for ``organization``.

    A due date is not before the meeting. Refusals raise ``ValidationError`` keyed by field.
    """
    meeting = _lock(item.meeting)
    _check_due(meeting, data.get("due_on"))
    decision = Decision(meeting=meeting, item=item, kind=kind, created_by=actor)
    with pghistory.context(user=actor.pk):
        if kind == Decision.Kind.TASK:
            decision.text = data["text"].strip()
            decision.organization = data["organization"]
            decision.due_on = data["due_on"]
        elif kind == Decision.Kind.RESPONSIBILITY:
            if item.problem is None:
                raise ValidationError(_("This item is not about a problem."))
            responsibility = problem_services.problem_take_responsibility(
                problem=item.problem,
                organization=data["organization"],
                actor=actor,
                role=data["role"],
                commitment=data["commitment"],
                due_on=data["due_on"],
            )
            decision.responsibility = responsibility
            decision.problem = item.problem
            decision.organization = data["organization"]
            decision.due_on = data["due_on"]
            decision.text = _("%(organization)s (%(role)s) on “%(problem)s”: %(commitment)s") % {
                "organization": data["organization"].name,
                "role": responsibility.get_role_display().lower(),
                "problem": item.problem.title,
                "commitment": responsibility.commitment,
            }
        elif kind == Decision.Kind.OVERLAP:
            if not item.is_pair:
                raise ValidationError(_("This item is not about a pair of initiatives."))
            pair = coordination_services.overlap_decide(
                initiative_a_id=item.initiative_a_id,
                initiative_b_id=item.initiative_b_id,
                decision=data["decision"],
                note=data.get("note", ""),
                actor=actor,
            )
            decision.overlap_decision = pair
            decision.done_at, decision.done_by = timezone.now(), actor
            decision.text = " – ".join(
                part for part in (pair.get_decision_display(), pair.note) if part
            )
        elif kind == Decision.Kind.PROBLEM:
            problem = problem_services.problem_record(
                data={
                    "title": data["title"],
                    "description": data["description"],
                    "area": data["area"],
                    "themes": list(data["themes"]),
                    "source": data["source"],
                    "severity": data["severity"],
                },
                organization=data["organization"],
                actor=actor,
            )
            decision.problem = problem
            decision.organization = data["organization"]
            decision.done_at, decision.done_by = timezone.now(), actor
            decision.text = _("New problem recorded: %(problem)s") % {"problem": problem.title}
        else:
            raise ValidationError(_("Unknown kind of decision."))
        decision.save()
    return decision


@transaction.atomic
def decision_done(*, decision: Decision, actor: User) -> bool:
    """Mark a task or responsibility done: it leaves the open decisions and later agendas.
    False when it already was."""
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    if locked.done_at is not None:
        return False
    if locked.kind not in Decision.FOLLOWED_UP:
        raise ValidationError(_("Only tasks and responsibilities are followed up."))
    with pghistory.context(user=actor.pk):
        locked.done_at, locked.done_by = timezone.now(), actor
        locked.save(update_fields=["done_at", "done_by"])
    decision.done_at = locked.done_at
    return True


@transaction.atomic
def minutes_approve(*, meeting: Meeting, actor: User) -> Meeting:
    """Approve the minutes: from now on nothing on the meeting, its agenda, minutes or
    decisions changes (following decisions up still does). Only a meeting that has
    started."""
    locked = _lock(meeting)
    if not locked.has_started:
        raise ValidationError(
            _("The minutes of a meeting that has not started cannot be approved.")
        )
    with pghistory.context(user=actor.pk):
        locked.approved_at, locked.approved_by = timezone.now(), actor
        locked.save(update_fields=["approved_at", "approved_by"])
    return locked


# --- The weekly lägesbild on a weekly operative meeting's agenda ---------------------------------


def weekly_situation_item(meeting: Meeting, draft) -> None:
    """A weekly operative meeting's agenda gains "Lägesbild vecka NN": the last complete
    week before the meeting, its headline numbers (``weekly.headline``, a fixed number of
    queries) and the address of its page; placed after the decisions carried over. Nothing
    for other kinds of meeting, or for a week with nothing to tell."""
    if meeting.kind != Meeting.Kind.OPERATIVE:
        return
    week = weekly.week_before(timezone.localdate(meeting.starts_at))
    headline = weekly.headline(week)
    if headline.is_empty:
        return
    url = f"{settings.SITE_URL}{reverse('lagesbild:week')}?week={week.key}"
    item = AgendaItem(
        source=AgendaItem.Source.ADDED,
        title=_("Lägesbild week %(number)d") % {"number": week.number},
        detail=f"{weekly.headline_text(headline)} · {url}"[:2000],
    )
    carried = sum(1 for i in draft.items if i.source == AgendaItem.Source.CARRIED_OVER)
    draft.items.insert(carried, item)
