"""Problems are identified *together*: one organisation records a problem, others endorse it
("vi ser också detta") and take responsibility for parts of it; initiatives address it.

The tables keep the ``partnership_`` names they were created with when these models lived in
the project package (``Meta.db_table``; migration ``problems.0001``).
"""

import uuid

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partnership.history import track_links
from partnership.models import (
    WEEKDAY_NUMBERS,
    ArchivableModel,
    Area,
    LocatedModel,
    Theme,
    Visibility,
    Weekday,
)
from partnership.permissions import is_coordinator, is_partner, partner_organization_ids


class CauseCategory(models.TextChoices):
    """Kinds of cause a problem may have (orsak), after the situational questions of Brå's
    guidance: what about the place, the people around and the opportunity makes it happen."""

    PHYSICAL_ENVIRONMENT = (
        "physical_environment",
        _("Physical environment (lighting, hidden spots, disrepair)"),
    )
    FEW_ADULTS = "few_adults", _("Few adults about, little informal control")
    OPPORTUNITY = "opportunity", _("Easy targets or opportunities")
    MEETING_PLACE = "meeting_place", _("A gathering place with nothing to do")
    DRUGS_ALCOHOL = "drugs_alcohol", _("Drugs or alcohol")
    CONFLICT = "conflict", _("Conflicts between groups")
    OTHER = "other", _("Other")


class ProblemQuerySet(models.QuerySet):
    def active(self):
        """Not archived."""
        return self.filter(archived_at__isnull=True)

    def open(self):
        """Not archived, and open or being addressed (``Problem.OPEN_STATUSES``)."""
        return self.active().filter(status__in=Problem.OPEN_STATUSES)

    def public(self):
        """The one definition of a problem anyone may see: public visibility, not archived.

        Unlike an initiative, a problem stays public when the organisation that recorded it
        is suspended: the problem is the partnership's, not that organisation's, and
        residents who were told about it keep seeing what became of it. Public pages name
        only approved organisations (responsibilities of others are left out)."""
        return self.active().filter(visibility=Visibility.PUBLIC)

    def visible_to(self, user):
        """Public problems for everyone; all of them for partners and coordinators. A member
        of a pending or suspended organisation only (no approved one) is not a partner
        (``permissions.is_partner``) and sees the public ones only."""
        if is_partner(user):
            return self.active()
        return self.public()

    def known_to(self, user):
        """Those the user may know exist (``permissions.can_know_problem``): the ones
        ``visible_to`` them, and the archived ones they may edit (recorded by their
        organisation; a coordinator's: all). History names no other."""
        if is_coordinator(user):
            return self.all()
        mine = partner_organization_ids(user)
        return self.visible_to(user) | self.filter(recorded_by_organization_id__in=mine)

    def in_area(self, area):
        """In the area or any area within it."""
        return self.filter(area__in=Area.objects.with_descendants(area))

    def responsibility_of(self, organization_ids):
        """Problems any of the organisations has taken responsibility for."""
        return self.filter(
            pk__in=ProblemResponsibility.objects.filter(
                organization_id__in=organization_ids
            ).values("problem_id")
        )


class Problem(LocatedModel, ArchivableModel):
    """A problem the partners identified together, and who does what about it."""

    class Source(models.TextChoices):
        SAFETY_WALK = "safety_walk", _("Safety walk")
        SAFETY_SURVEY = "safety_survey", _("Safety survey")
        POLICE_PICTURE = "police_picture", _("Police situation picture")
        RESIDENT_REPORT = "resident_report", _("Resident report")
        PARTNER_OBSERVATION = "partner_observation", _("Partner observation")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        BEING_ADDRESSED = "being_addressed", _("Being addressed")
        RESOLVED = "resolved", _("Resolved")
        DISMISSED = "dismissed", _("Dismissed")

    # Open problems wait for someone to act (the dashboard's gaps, the digest, endorsing).
    OPEN_STATUSES = (Status.OPEN, Status.BEING_ADDRESSED)
    # Resolving or dismissing closes a problem; a closed problem needs an outcome text.
    CLOSED = frozenset({Status.RESOLVED, Status.DISMISSED})
    # Which status may follow which. Reopening (back to open) is always possible.
    STATUS_TRANSITIONS = {
        Status.OPEN: {Status.BEING_ADDRESSED, Status.RESOLVED, Status.DISMISSED},
        Status.BEING_ADDRESSED: {Status.OPEN, Status.RESOLVED, Status.DISMISSED},
        Status.RESOLVED: {Status.OPEN},
        Status.DISMISSED: {Status.OPEN},
    }

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000)
    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="problems"
    )
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), related_name="problems")
    source = models.CharField(_("source"), max_length=32, choices=Source.choices)
    observed_on = models.DateField(_("observed on"), null=True, blank=True)
    weekdays = ArrayField(
        models.PositiveSmallIntegerField(choices=Weekday.choices),
        verbose_name=_("weekdays"),
        default=list,
        blank=True,
        help_text=_("The days it happens; none means any day."),
    )
    time_from = models.TimeField(_("from time of day"), null=True, blank=True)
    time_to = models.TimeField(
        _("to time of day"),
        null=True,
        blank=True,
        help_text=_("May be earlier than the start: 22:00–02:00 runs past midnight."),
    )
    # Orsak, the åtgärdsplan's second column (Brå's template): why it happens here.
    cause = models.TextField(_("cause"), blank=True, max_length=2000)
    cause_categories = ArrayField(
        models.CharField(max_length=24, choices=CauseCategory.choices),
        verbose_name=_("kinds of cause"),
        default=list,
        blank=True,
    )
    severity = models.PositiveSmallIntegerField(_("severity"), default=3)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    outcome = models.TextField(_("outcome"), blank=True, max_length=5000)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PARTNERS
    )
    recorded_by_organization = models.ForeignKey(
        "stakeholders.Organization",
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="recorded_problems",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    endorsing_organizations = models.ManyToManyField(
        "stakeholders.Organization",
        through="ProblemEndorsement",
        related_name="endorsed_problems",
        verbose_name=_("endorsed by"),
    )
    responsible_organizations = models.ManyToManyField(
        "stakeholders.Organization",
        through="ProblemResponsibility",
        related_name="responsible_for_problems",
        verbose_name=_("responsible organisations"),
    )
    # Declared here, read from an initiative as ``initiative.problems``. The verbose name names
    # the relation as partners know it (the register form's "problems addressed").
    initiatives = models.ManyToManyField(
        "initiatives.Initiative",
        verbose_name=_("problems addressed"),
        blank=True,
        related_name="problems",
        db_table="initiatives_initiative_problems",
    )
    # Residents' reports this problem was made from (a coordinator's "make a problem of
    # these"); declared here, read from a report as ``report.problems``.
    resident_reports = models.ManyToManyField(
        "residents.ResidentReport",
        verbose_name=_("resident reports"),
        blank=True,
        related_name="problems",
    )
    walk = models.ForeignKey(
        "SafetyWalk",
        verbose_name=_("safety walk or survey"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
        help_text=_("The safety walk or survey this problem was imported from."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ProblemQuerySet.as_manager()

    class Meta(LocatedModel.Meta):
        db_table = "partnership_problem"
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["-created_at"]
        constraints = [
            *LocatedModel.Meta.constraints,
            models.CheckConstraint(
                condition=Q(severity__gte=1, severity__lte=5), name="problem_severity_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(weekdays__contained_by=WEEKDAY_NUMBERS),
                name="problem_weekdays_valid",
            ),
            models.CheckConstraint(
                condition=Q(time_from__isnull=True, time_to__isnull=True)
                | (
                    Q(time_from__isnull=False, time_to__isnull=False)
                    & ~Q(time_from=models.F("time_to"))
                ),
                name="problem_time_span_complete",
            ),
            models.CheckConstraint(
                # OPEN_STATUSES (a Meta cannot see the class's names; a test ties the two).
                condition=Q(status__in=["open", "being_addressed"]) | ~Q(outcome=""),
                name="problem_closed_has_outcome",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "visibility"], name="problem_status_vis_idx"),
            models.Index(fields=["area", "status"], name="problem_area_status_idx"),
            models.Index(fields=["-created_at"], name="problem_created_idx"),
            # Open problems most severe first, oldest first (the action plan, the follow-up
            # page's list): the first page without sorting every problem.
            models.Index(
                F("severity").desc(),
                "created_at",
                "id",
                condition=Q(archived_at__isnull=True),
                name="problem_rank_idx",
            ),
            # "Similar problems" prompts and the list's free-text filter (trigram, ILIKE).
            GinIndex(fields=["title"], opclasses=["gin_trgm_ops"], name="problem_title_trgm"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED

    @property
    def is_open(self) -> bool:
        """Open or being addressed, and not archived: ``Problem.objects.open()`` for one row."""
        return self.archived_at is None and self.status in self.OPEN_STATUSES

    @property
    def is_public(self) -> bool:
        """``Problem.objects.public()`` for one row (for templates)."""
        return self.archived_at is None and self.visibility == Visibility.PUBLIC

    @property
    def cause_categories_display(self) -> list[str]:
        """The kinds of cause in words, in the order of ``CauseCategory`` (plan, issue 15)."""
        chosen = set(self.cause_categories or [])
        return [str(label) for value, label in CauseCategory.choices if value in chosen]

    @property
    def when_display(self) -> str:
        """When it happens, in words: "Friday, Saturday 22:00–02:00", "any day"."""
        days = [str(Weekday(day).label) for day in sorted(self.weekdays or [])]
        when = ", ".join(days) if days else gettext("Any day")
        if self.time_from and self.time_to:
            when += f" {self.time_from:%H:%M}–{self.time_to:%H:%M}"
        return when


class ProblemEndorsement(models.Model):
    """'We see this too': one organisation confirms a problem another recorded."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="endorsements")
    organization = models.ForeignKey(
        "stakeholders.Organization", on_delete=models.PROTECT, related_name="endorsements"
    )
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("note"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        db_table = "partnership_problemendorsement"
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        constraints = [
            models.UniqueConstraint(
                fields=["problem", "organization"], name="endorsement_once_per_organization"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} → {self.problem}"


class ProblemResponsibility(models.Model):
    """An organisation's commitment to do its part about a problem."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        SUPPORTING = "supporting", _("Supporting")

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="responsibilities")
    organization = models.ForeignKey(
        "stakeholders.Organization", on_delete=models.PROTECT, related_name="responsibilities"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.SUPPORTING)
    commitment = models.TextField(_("what we will do"), max_length=2000)
    due_on = models.DateField(_("by when"), null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        db_table = "partnership_problemresponsibility"
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")
        constraints = [
            models.UniqueConstraint(
                fields=["problem", "organization"], name="responsibility_once_per_organization"
            ),
            models.UniqueConstraint(
                fields=["problem"], condition=Q(role="lead"), name="responsibility_one_lead"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} ({self.get_role_display()}) → {self.problem}"


# --- Problems: safety walks and the weekly digest ----------------------------------------------


class SafetyWalk(models.Model):
    """A safety walk (trygghetsvandring) or safety survey whose findings were imported from a
    CSV file, each finding becoming a problem. An upload is a *draft* (``confirmed_at`` empty)
    holding its validated rows until the user confirms the preview; nothing else is saved
    before that, and drafts appear nowhere but on their own preview page."""

    class Source(models.TextChoices):
        SAFETY_WALK = "safety_walk", _("Safety walk")
        SAFETY_SURVEY = "safety_survey", _("Safety survey")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("name"), max_length=200)
    source = models.CharField(
        _("kind"), max_length=32, choices=Source.choices, default=Source.SAFETY_WALK
    )
    held_on = models.DateField(_("date"))
    area = models.ForeignKey(
        Area,
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="safety_walks",
    )
    visibility = models.CharField(
        _("visibility of the findings"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PARTNERS,
    )
    organization = models.ForeignKey(
        "stakeholders.Organization",
        verbose_name=_("imported for"),
        on_delete=models.PROTECT,
        related_name="safety_walks",
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    # The validated rows (ids, dates as ISO strings) between preview and confirmation.
    rows = models.JSONField(default=list, blank=True, editable=False)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("imported"), null=True, blank=True)

    class Meta:
        db_table = "partnership_safetywalk"
        verbose_name = _("safety walk or survey")
        verbose_name_plural = _("safety walks and surveys")
        ordering = ["-held_on", "-created_at"]
        indexes = [
            models.Index(
                fields=["-held_on"], condition=Q(confirmed_at__isnull=False), name="walk_held_idx"
            )
        ]

    def __str__(self) -> str:
        return self.title


class ProblemDigestSubscription(models.Model):
    """A partner member's opt-in to the weekly email about problems: new ones in their
    organisations' areas and themes, and changes to those their organisations answer for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="problem_digest"
    )
    created_at = models.DateTimeField(_("subscribed"), auto_now_add=True)

    class Meta:
        db_table = "partnership_problemdigestsubscription"
        verbose_name = _("weekly problem digest subscription")
        verbose_name_plural = _("weekly problem digest subscriptions")

    def __str__(self) -> str:
        return str(self.user)


class ProblemDigestWeek(models.Model):
    """The week a digest was sent to a user for: at most one per user and ISO week, so a
    second run of the weekly command in the same week sends nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    iso_year = models.PositiveSmallIntegerField()
    iso_week = models.PositiveSmallIntegerField()
    problem_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "partnership_problemdigestweek"
        verbose_name = _("weekly problem digest sent")
        verbose_name_plural = _("weekly problem digests sent")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "iso_year", "iso_week"], name="problem_digest_once_per_week"
            ),
            models.CheckConstraint(
                condition=Q(iso_week__gte=1, iso_week__lte=53), name="problem_digest_iso_week"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.iso_year}-W{self.iso_week:02d}"


# History: who changed what, when. Trigger-based, so bulk writes are kept too.
pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    model_name="ProblemEvent",
    meta={"db_table": "partnership_problemevent"},
)(Problem)
pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    model_name="ProblemEndorsementEvent",
    meta={"db_table": "partnership_problemendorsementevent"},
)(ProblemEndorsement)
pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    model_name="ProblemResponsibilityEvent",
    meta={"db_table": "partnership_problemresponsibilityevent"},
)(ProblemResponsibility)


pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    model_name="SafetyWalkEvent",
    meta={"db_table": "partnership_safetywalkevent"},
    exclude=["rows"],
)(SafetyWalk)

ProblemThemes = track_links(Problem.themes, event_table="partnership_problemthemesevent")
# An initiative addresses problems: the relation lives here, in the higher app; initiatives
# read it through the reverse relation (``initiative.problems``). Its table and its history
# are those it had when it was declared on Initiative.
ProblemInitiatives = track_links(
    Problem.initiatives, label="problems", event_table="initiatives_initiativeproblemsevent"
)
