"""The partnership meeting cycle: a meeting, its agenda generated from the dashboard, the
minutes written per item and the decisions that become tracked work.

Swedish practice (Brå's Samverkanshandboken, EST) runs a weekly operative group, a quarterly
prioritisation and a yearly follow-up. A coordinator creates the meeting and invites
organisations; the agenda is drawn from the dashboard at that moment (``selectors``), the
coordinator adds, removes and reorders items, writes the minutes and records decisions, and
approves the minutes, which locks them. Decisions to do something (a task, a responsibility
on a problem) stay open, and on every later agenda, until they are done.
"""

import uuid

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnership.history import track_links
from partnership.permissions import is_coordinator, partner_organization_ids
from partnership.problems.models import Problem


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Every meeting for a coordinator; for a partner, the meetings one of their
        approved organisations is invited to; none for anyone else."""
        if is_coordinator(user):
            return self.all()
        invited = Meeting.invited_organizations.through.objects.filter(
            meeting_id=OuterRef("pk"), organization_id__in=partner_organization_ids(user)
        )
        return self.filter(Exists(invited))

    def held(self, *, before=None):
        """Meetings that have started (before ``before``, by default now)."""
        return self.filter(starts_at__lte=before or timezone.now())

    def upcoming(self):
        """Meetings that have not ended yet."""
        return self.filter(ends_at__gte=timezone.now())


class Meeting(models.Model):
    """A partnership meeting: when and where, which organisations are invited, its agenda,
    minutes and decisions."""

    class Kind(models.TextChoices):
        OPERATIVE = "operative", _("Weekly operative group")
        PRIORITISATION = "prioritisation", _("Quarterly prioritisation")
        FOLLOW_UP = "follow_up", _("Yearly follow-up")

    # The days a meeting of each kind looks back when it is the first one: a week, a quarter,
    # a year (after the first, it looks back to the previous meeting).
    PERIOD_DAYS = {Kind.OPERATIVE: 7, Kind.PRIORITISATION: 91, Kind.FOLLOW_UP: 365}

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind of meeting"), max_length=20, choices=Kind.choices)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    link = models.URLField(_("video link"), max_length=500, blank=True)
    invited_organizations = models.ManyToManyField(
        "stakeholders.Organization",
        verbose_name=_("invited organisations"),
        related_name="meetings",
    )
    # How many rows each agenda source had when the agenda was generated ({source: total}):
    # the agenda takes the first few of each, the page says how many the dashboard has.
    agenda_totals = models.JSONField(default=dict, blank=True, editable=False)
    attendance = models.TextField(_("present"), max_length=2000, blank=True)
    # The invitation's version: every change sends an updated invitation (iCalendar SEQUENCE).
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    approved_at = models.DateTimeField(_("minutes approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("minutes approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(link=""), name="meeting_has_place_or_link"
            ),
            models.CheckConstraint(
                condition=Q(approved_at__isnull=True) | Q(approved_at__gte=models.F("starts_at")),
                name="meeting_approved_after_start",
            ),
        ]
        indexes = [models.Index(fields=["-starts_at"], name="meeting_starts_idx")]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{self.get_kind_display()} {local:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.public_id])

    @property
    def url(self) -> str:
        """The meeting's page (what the coordinator's overview links)."""
        return self.get_absolute_url()

    @property
    def is_approved(self) -> bool:
        """Approved minutes are locked: no item, minute or decision changes any more."""
        return self.approved_at is not None

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()


MeetingInvitedOrganizations = track_links(Meeting.invited_organizations)


class AgendaItem(models.Model):
    """One point of a meeting's agenda, where it came from, and the minutes written on it.

    A generated item keeps what the dashboard said when the agenda was drawn up (``title``,
    ``detail``) and what it is about (a problem, a responsibility, a pair of initiatives, a
    decision carried over), so the minutes read the same however the data changes later."""

    class Source(models.TextChoices):
        CARRIED_OVER = "carried_over", _("Carried over: open decision")
        RESPONSIBILITY_DUE = "responsibility_due", _("Responsibility due")
        NEW_PROBLEM = "new_problem", _("Problem recorded since the last meeting")
        GAP = "gap", _("Gap: nobody addresses the problem")
        TIME_GAP = "time_gap", _("Time gap")
        NEW_OVERLAP = "new_overlap", _("New overlap")
        ADDED = "added", _("Added by the coordinator")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    source = models.CharField(_("source"), max_length=24, choices=Source.choices)
    title = models.CharField(_("item"), max_length=300)
    detail = models.TextField(_("details"), max_length=2000, blank=True)
    problem = models.ForeignKey(
        Problem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responsibility = models.ForeignKey(
        "problems.ProblemResponsibility",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    initiative_a = models.ForeignKey(
        "initiatives.Initiative", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    initiative_b = models.ForeignKey(
        "initiatives.Initiative", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    carried_decision = models.ForeignKey(
        "Decision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    minutes = models.TextField(_("minutes"), max_length=5000, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position"]
        constraints = [
            # Deferred, so that two items swap places in one transaction.
            models.UniqueConstraint(
                fields=["meeting", "position"],
                name="agenda_item_position_unique",
                deferrable=models.Deferrable.DEFERRED,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"

    @property
    def is_pair(self) -> bool:
        return self.initiative_a_id is not None and self.initiative_b_id is not None


class DecisionQuerySet(models.QuerySet):
    def open(self):
        """Decisions still to be carried out: a task or a responsibility not marked done
        (a responsibility is also done once its problem is resolved or dismissed)."""
        return self.filter(done_at__isnull=True).exclude(
            kind=Decision.Kind.RESPONSIBILITY, problem__status__in=list(Problem.CLOSED)
        )


class Decision(models.Model):
    """What the meeting decided on an item, as tracked work: a responsibility on a problem
    (a ``ProblemResponsibility``), a decision on an overlapping pair (an
    ``OverlapDecision``), a new problem, or a task for an organisation by a date.

    Tasks and responsibilities are followed up: they stay open (and on every later agenda)
    until marked done. A pair decision or a new problem is done when it is recorded: the
    work is then followed in the problems register and on the dashboard."""

    class Kind(models.TextChoices):
        RESPONSIBILITY = "responsibility", _("Responsibility on a problem")
        OVERLAP = "overlap", _("Decision on an overlap")
        PROBLEM = "problem", _("New problem")
        TASK = "task", _("Task")

    FOLLOWED_UP = frozenset({Kind.RESPONSIBILITY, Kind.TASK})

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(_("kind of decision"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("decision"), max_length=2000)
    organization = models.ForeignKey(
        "stakeholders.Organization",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_decisions",
    )
    due_on = models.DateField(_("by when"), null=True, blank=True)
    problem = models.ForeignKey(
        Problem, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responsibility = models.ForeignKey(
        "problems.ProblemResponsibility",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    overlap_decision = models.ForeignKey(
        "dashboard.OverlapDecision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["meeting", "item__position", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="task") | Q(organization__isnull=False, due_on__isnull=False),
                name="decision_task_has_owner_and_date",
            ),
            models.CheckConstraint(
                condition=~Q(kind="responsibility") | Q(problem__isnull=False),
                name="decision_responsibility_has_problem",
            ),
        ]
        indexes = [
            models.Index(
                fields=["meeting"], condition=Q(done_at__isnull=True), name="decision_open_idx"
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_followed_up(self) -> bool:
        return self.kind in self.FOLLOWED_UP

    @property
    def is_done(self) -> bool:
        if self.done_at is not None:
            return True
        return self.kind == self.Kind.RESPONSIBILITY and self.problem.status in Problem.CLOSED


for _model in (Meeting, AgendaItem, Decision):
    pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        model_name=f"{_model.__name__}Event",
    )(_model)
