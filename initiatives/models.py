"""Initiatives (insatser): who does what, where, when, for whom and against which problem."""

import datetime as dt
import uuid

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField, DateRangeField
from django.contrib.postgres.indexes import GinIndex, GistIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.backends.postgresql.psycopg_any import DateRange
from django.db.models import Case, Exists, F, Func, OuterRef, Q, Subquery, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from partnership.history import track_links
from partnership.models import ArchivableModel, LocatedModel, Visibility, Weekday
from partnership.permissions import is_coordinator, is_partner, partner_organization_ids
from stakeholders.models import Organization

# An initiative with no progress update for this many days has gone silent.
SILENT_DAYS = 90


class InitiativeQuerySet(models.QuerySet):
    def active(self):
        """Not archived."""
        return self.filter(archived_at__isnull=True)

    def public(self):
        """The one definition of 'public': public visibility, approved lead organisation,
        not archived. Map, list, detail, feeds, API, CSV and sitemap all use this."""
        return self.active().filter(
            Organization.approved_q("lead_organization__"), visibility=Visibility.PUBLIC
        )

    def visible_to(self, user):
        """Everything a user may see: partners see partners-only initiatives too, but
        never those of pending or suspended organisations unless they are coordinators."""
        if is_coordinator(user):
            return self.active()
        if is_partner(user):
            return self.active().filter(Organization.approved_q("lead_organization__"))
        return self.public()

    def known_to(self, user):
        """Those the user may know exist (``permissions.can_know_initiative``): the ones
        ``visible_to`` them, and the archived ones they may edit (their organisation's;
        a coordinator's: all). History names no other."""
        if is_coordinator(user):
            return self.all()
        mine = partner_organization_ids(user)
        return self.visible_to(user) | self.filter(lead_organization_id__in=mine)

    def live(self, on=None):
        """Planned or active (``Initiative.LIVE_STATUSES``), and running on the given date
        (today by default)."""
        on = on or timezone.localdate()
        return self.filter(status__in=Initiative.LIVE_STATUSES, period__contains=on)

    def live_during(self, starts, ends=None):
        """Planned or active, and running on some day from ``starts`` to ``ends`` (both
        included; no end: from ``starts`` on). The dashboard's window, the similar lookup."""
        return self.filter(
            status__in=Initiative.LIVE_STATUSES, period__overlap=DateRange(starts, ends, "[]")
        )

    def silent(self, on=None):
        """Without a progress update for :data:`SILENT_DAYS` days before ``on`` (today by
        default), counting from registration when there is none; ``last_news`` annotated,
        the longest silent first. One rule for the coordinator's attention list and the
        partner's Mina sidor. Filtered without grouping (no update since the cutoff, and
        either an older update or a registration before it), so that counting them takes no
        aggregate over every update: the overview counts them on each request."""
        cutoff = (on or timezone.localdate()) - dt.timedelta(days=SILENT_DAYS)
        updates = InitiativeUpdate.objects.filter(initiative_id=OuterRef("pk"))
        latest = updates.order_by("-happened_on").values("happened_on")[:1]
        registered_before = timezone.make_aware(dt.datetime.combine(cutoff, dt.time()))
        return (
            self.filter(~Exists(updates.filter(happened_on__gte=cutoff)))
            .filter(Q(Exists(updates)) | Q(created_at__lt=registered_before))
            .annotate(last_news=Coalesce(Subquery(latest), TruncDate("created_at")))
            .order_by("last_news", "title", "pk")
        )

    def current(self, on=None):
        """Planned or active and not ended (no end date, or one from ``on`` — today by
        default — on): what the public list shows by default and the home page counts as
        "under way or planned". Paused, completed and cancelled ones are not current."""
        return self.filter(self.current_q(on))

    @staticmethod
    def current_q(on=None) -> Q:
        """:meth:`current` as a condition, for counting in the same pass as other rows
        (``figures.public_counts``)."""
        on = on or timezone.localdate()
        return (Q(ends_on__isnull=True) | Q(ends_on__gte=on)) & Q(
            status__in=Initiative.LIVE_STATUSES
        )


class Initiative(LocatedModel, ArchivableModel):
    """A safety initiative run by a lead organisation, possibly with partner organisations."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    # Live: planned or active, work someone may join or overlap with (``objects.live()``).
    LIVE_STATUSES = (Status.PLANNED, Status.ACTIVE)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300)
    description = models.TextField(_("description"), blank=True, max_length=10000)
    lead_organization = models.ForeignKey(
        "stakeholders.Organization",
        verbose_name=_("lead organisation"),
        on_delete=models.PROTECT,
        related_name="led_initiatives",
    )
    partner_organizations = models.ManyToManyField(
        "stakeholders.Organization",
        verbose_name=_("partner organisations"),
        blank=True,
        related_name="partnered_initiatives",
    )
    themes = models.ManyToManyField(
        "partnership.Theme", verbose_name=_("themes"), related_name="initiatives"
    )
    target_groups = models.ManyToManyField(
        "partnership.TargetGroup",
        verbose_name=_("target groups"),
        blank=True,
        related_name="initiatives",
    )
    areas = models.ManyToManyField(
        "partnership.Area", verbose_name=_("areas"), related_name="initiatives"
    )
    # The problems it addresses: ``initiative.problems``, the reverse of ``Problem.initiatives``
    # (the relation lives in the problems app, which sits above this one).
    address = models.CharField(_("address or place"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True, help_text=_("Empty: ongoing."))
    # daterange(starts_on, ends_on, '[]'): an open end is an unbounded upper bound, so
    # overlap (&&) and "running on a date" (@>) are single indexed operators. (The CASE
    # lets the named check constraint, not daterange(), refuse an end before the start.)
    period = models.GeneratedField(
        expression=Case(
            When(ends_on__lt=F("starts_on"), then=None),
            default=Func(
                F("starts_on"),
                F("ends_on"),
                Value("[]"),
                function="daterange",
                output_field=DateRangeField(),
            ),
            output_field=DateRangeField(),
        ),
        output_field=DateRangeField(),
        db_persist=True,
    )
    # Swedish full-text search ("nattvandringar" finds "nattvandring"): a stored generated
    # column, so every write path (forms, bulk_create in seed_scale, admin) keeps it current
    # without triggers. to_tsvector with an explicit regconfig is immutable, as a generated
    # column requires. Weights: title A, summary B, description C (for SearchRank).
    search_vector = models.GeneratedField(
        expression=(
            SearchVector("title", weight="A", config="swedish")
            + SearchVector("summary", weight="B", config="swedish")
            + SearchVector("description", weight="C", config="swedish")
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    # Operativt mål (the åtgärdsplan's goal column): a measurable commitment in words
    # ("minst 100 kvällar"), with the number of sessions it promises where it has one; the
    # åtgärdsplan measures delivered sessions against it.
    operational_goal = models.CharField(_("operational goal"), max_length=300, blank=True)
    goal_target = models.PositiveIntegerField(
        _("target number"),
        null=True,
        blank=True,
        help_text=_("Where the goal is a number of sessions: how many, by the end date."),
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    # The delivery log (initiatives/delivery.py): the lead organisation's members mark the
    # sessions; with this on, the partner organisations' members may too.
    partners_mark_sessions = models.BooleanField(
        _("partner organisations may mark sessions"), default=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = InitiativeQuerySet.as_manager()

    class Meta(LocatedModel.Meta):
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["title"]
        constraints = [
            *LocatedModel.Meta.constraints,
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="initiative_ends_after_start",
            ),
        ]
        indexes = [
            GistIndex(fields=["period"], name="initiative_period_gist"),
            models.Index(
                fields=["visibility", "status"],
                condition=Q(archived_at__isnull=True),
                name="initiative_live_idx",
            ),
            models.Index(fields=["lead_organization", "status"], name="initiative_lead_status_idx"),
            # The list's order (newest period first): its first page without sorting every row.
            models.Index(
                F("starts_on").desc(),
                "title",
                condition=Q(archived_at__isnull=True),
                name="initiative_newest_idx",
            ),
            # The report's initiatives that ended in its period, in the order it lists them.
            models.Index(
                fields=["ends_on", "title"],
                condition=Q(archived_at__isnull=True),
                name="initiative_ended_idx",
            ),
            GinIndex(fields=["search_vector"], name="initiative_search_gin"),
            # Counting public initiatives (home, list, API, HSDS; issue 16) from the index
            # alone: the lead organisation is joined for "approved", status and end date
            # tell "current".
            models.Index(
                fields=["lead_organization"],
                include=["status", "ends_on"],
                condition=Q(archived_at__isnull=True, visibility=Visibility.PUBLIC),
                name="initiative_public_lead_idx",
            ),
            # The sitemap's pages of 1,000 ids (initiatives/sitemaps.py, ID_SPAN): a page is
            # one range of this index, the index's list of pages one ordered pass over it.
            models.Index(
                F("id") / 1000,
                F("id"),
                include=["lead_organization", "slug", "updated_at"],
                condition=Q(archived_at__isnull=True, visibility=Visibility.PUBLIC),
                name="initiative_public_sitemap_idx",
            ),
            # Nearest titles and summaries first (trigram distance, ``<->`` and ``<<->``): the
            # similar-initiative lookup's candidates when the area is broad (see similar.py).
            GistIndex(
                fields=["title"], opclasses=["gist_trgm_ops"], name="initiative_title_trgm_gist"
            ),
            GistIndex(
                fields=["summary"],
                opclasses=["gist_trgm_ops"],
                name="initiative_summary_trgm_gist",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        """``Initiative.objects.public()`` for one row, its lead organisation loaded (for
        templates)."""
        return (
            self.archived_at is None
            and self.visibility == Visibility.PUBLIC
            and self.lead_organization.is_approved
        )


MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY


class ScheduleSlot(models.Model):
    """A weekly recurring time: 'Fridays 20:00–23:00'. An initiative may have several.

    A slot may pass midnight: an end at or before the start is on the next day (Fridays
    21:00–01:00 ends on Saturday at 01:00; Sundays' on Monday). So a slot lasts more than
    nothing and less than 24 hours; start and end may not be the same time. An end at 23:59
    (the latest a time input offered before midnight was allowed) counts as midnight."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="slots")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("to"))

    class Meta:
        verbose_name = _("schedule slot")
        verbose_name_plural = _("schedule slots")
        ordering = ["weekday", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__gte=1, weekday__lte=7), name="slot_weekday_1_to_7"
            ),
            models.CheckConstraint(
                condition=~Q(ends_at=F("starts_at")), name="slot_starts_and_ends_apart"
            ),
            models.UniqueConstraint(
                fields=["initiative", "weekday", "starts_at"], name="slot_unique_start"
            ),
        ]
        indexes = [
            # The home page's "this week" (initiatives/week.py): a day's sessions in time
            # order from the index alone, read until enough are public (a few ms at 100,000).
            models.Index(
                fields=["weekday", "starts_at", "initiative"],
                include=["ends_at"],
                name="slot_week_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"

    @property
    def passes_midnight(self) -> bool:
        """Ends on the next day (an end at midnight, 00:00, counts as the same day's)."""
        return self.ends_at < self.starts_at and self.ends_at != dt.time(0)

    @property
    def day_minutes(self) -> tuple[int, int]:
        """(from, to) in minutes after the start day's midnight; ``to`` is past 1440 when
        the slot ends the next day. The same rule as ``SLOT_WEEK`` in the dashboard's SQL."""
        start = self.starts_at.hour * 60 + self.starts_at.minute
        end = self.ends_at.hour * 60 + self.ends_at.minute
        if end <= start or (self.ends_at.hour, self.ends_at.minute) >= (23, 59):
            end = end + MINUTES_PER_DAY if end <= start else MINUTES_PER_DAY
        return start, end

    @property
    def week_minutes(self) -> list[tuple[int, int]]:
        """The slot as [from, to) minutes of the week (Monday 00:00 = 0): two spans for a
        Sunday slot that ends on Monday."""
        start, end = self.day_minutes
        offset = (self.weekday - 1) * MINUTES_PER_DAY
        if offset + end <= MINUTES_PER_WEEK:
            return [(offset + start, offset + end)]
        return [(offset + start, MINUTES_PER_WEEK), (0, offset + end - MINUTES_PER_WEEK)]


class SessionMark(models.Model):
    """What happened at one scheduled session (the delivery log, ``initiatives/delivery.py``).

    A session is a weekly slot on a date within the initiative's period; sessions are
    computed from the slots, and only the marked ones are stored: one row per initiative,
    date and start time (the date's weekday and the start name the slot, as in the calendar
    feeds' UIDs, so a mark survives an edit that saves the slots again). The unique
    constraint makes a second marking of the same session update, never duplicate. The
    slot's end is copied, so a held session keeps its hours if the slot later changes."""

    class Outcome(models.TextChoices):
        HELD = "held", _("Held")
        CANCELLED = "cancelled", pgettext_lazy("session", "Cancelled")
        MOVED = "moved", _("Moved")

    class Via(models.TextChoices):
        PAGE = "page", _("the delivery page")
        EMAIL = "email", _("a link in the weekly email")

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="session_marks"
    )
    on_date = models.DateField(_("date"))
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("to"))
    outcome = models.CharField(_("what happened"), max_length=10, choices=Outcome.choices)
    moved_on = models.DateField(_("new date"), null=True, blank=True)
    moved_starts_at = models.TimeField(_("new start"), null=True, blank=True)
    moved_ends_at = models.TimeField(_("new end"), null=True, blank=True)
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    observation = models.CharField(_("short observation"), max_length=300, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    via = models.CharField(_("marked through"), max_length=5, choices=Via.choices)
    marked_at = models.DateTimeField(_("marked"), auto_now=True)

    class Meta:
        verbose_name = _("session mark")
        verbose_name_plural = _("session marks")
        ordering = ["-on_date", "-starts_at"]
        constraints = [
            # With what a session's hours need (``include``): the coordinator's delivered
            # gaps read the marks of the initiatives linked to open problems through it,
            # from the index alone (``coordination/queries/gaps.py``).
            models.UniqueConstraint(
                fields=["initiative", "on_date", "starts_at"],
                name="session_mark_once",
                include=["outcome", "ends_at", "moved_on", "moved_starts_at", "moved_ends_at"],
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=["held", "cancelled", "moved"]),
                name="session_mark_outcome_known",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="moved")
                | Q(
                    moved_on__isnull=False,
                    moved_starts_at__isnull=False,
                    moved_ends_at__isnull=False,
                ),
                name="session_mark_moved_has_time",
            ),
        ]
        indexes = [
            # The coordinator's lists read a few weeks of marks of every initiative: by date,
            # with what they look at, so that PostgreSQL answers from the index alone.
            models.Index(
                fields=["on_date"],
                include=[
                    "initiative",
                    "starts_at",
                    "ends_at",
                    "outcome",
                    "moved_on",
                    "moved_starts_at",
                    "moved_ends_at",
                ],
                name="session_mark_date_idx",
            ),
            # The weekly lägesbild's sessions cancelled in a week, in time order: a tenth of
            # the week's marks, without reading the held ones.
            models.Index(
                fields=["on_date", "starts_at"],
                condition=Q(outcome="cancelled"),
                name="session_mark_cancelled_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.initiative_id} {self.on_date} {self.starts_at:%H:%M} {self.outcome}"


# ``HeldDay.mask``: bit h set when hour h's count is above 0 (``sessions[h + 1]``).
HELD_MASK_SQL = " | ".join(
    f"(CASE WHEN sessions[{hour + 1}] > 0 THEN {1 << hour} ELSE 0 END)" for hour in range(24)
)


class HeldDay(models.Model):
    """Per area and day, how many held (or moved and held) sessions of the initiatives in the
    area touched each hour of the day: what the coordinator's delivered observation hours read
    (``coordination/queries/gaps.py``) instead of every session mark of the period — about
    15,000 rows for four weeks at 100,000 initiatives instead of 240,000 marks.

    ``sessions`` holds 24 counts, hour 0 first. A session's hours are every hour its span
    touches (21:30–22:15 → 21, 22) on the day it was held (a moved one's new date and times);
    the hours of a session past midnight count on the next day's row.

    Written only by the database: statement triggers on ``initiatives_sessionmark`` and on
    the initiatives' areas (migration 0014) add the counts of the rows a statement inserts
    and subtract those of the rows it deletes (an update both), in the same transaction and
    additively (``sessions = sessions + delta``), so concurrent writers never lose each
    other's hours. Each trigger first locks the initiatives it touches (share for marks,
    no-key-update for areas), so a session marked while the initiative's areas change is
    counted exactly once. A row whose counts all fall to 0 is deleted.
    ``tests/coordination/test_held_days.py`` checks it against the marks after every
    kind of write."""

    pk = models.CompositePrimaryKey("held_on", "area_id")
    held_on = models.DateField()
    area_id = models.IntegerField()
    sessions = ArrayField(models.IntegerField(), size=24)
    # The hours as a mask (bit h: hour h), computed by PostgreSQL from the counts on every
    # write: what the gaps page reads.
    mask = models.GeneratedField(
        expression=RawSQL(HELD_MASK_SQL, ()),  # noqa: S611 (constant)
        output_field=models.IntegerField(),
        db_persist=True,
    )

    class Meta:
        db_table = "initiatives_held_day"
        verbose_name = "held day"
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.area_id} {self.held_on}: {self.sessions}"


class DeliveryEmailWeek(models.Model):
    """One weekly delivery email per initiative and ISO week (``initiatives/tasks.py``): the
    row is written before the task is enqueued, so a second run in the same week enqueues
    nothing, and ``sent_at`` says the worker sent it."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="+")
    iso_year = models.PositiveSmallIntegerField()
    iso_week = models.PositiveSmallIntegerField()
    session_count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "iso_year", "iso_week"], name="delivery_email_once_a_week"
            )
        ]

    def __str__(self) -> str:
        return f"{self.initiative_id} {self.iso_year}-W{self.iso_week}"


class InitiativeUpdate(models.Model):
    """A dated entry in an initiative's progress log, optionally changing its status."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="updates")
    organization = models.ForeignKey(
        "stakeholders.Organization",
        verbose_name=_("posted by organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    happened_on = models.DateField(_("date"), default=timezone.localdate)
    text = models.TextField(_("update"), max_length=5000)
    new_status = models.CharField(
        _("new status"), max_length=12, choices=Initiative.Status.choices, blank=True
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-happened_on", "-created_at"]
        indexes = [
            models.Index(fields=["initiative", "-happened_on"], name="update_initiative_idx")
        ]

    def __str__(self) -> str:
        return f"{self.initiative} – {self.happened_on}"


class JoinRequest(models.Model):
    """An organisation asks to join an initiative as a partner organisation ("we already do
    something like this — let us do it together"). The lead organisation's admins (or a
    coordinator) accept it, which adds the organisation as a partner, or decline it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="join_requests"
    )
    organization = models.ForeignKey(
        "stakeholders.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="join_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.TextField(
        _("message to the lead organisation"),
        max_length=2000,
        blank=True,
        help_text=_("What your organisation does and how you would like to take part."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    answer = models.TextField(_("answer"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)

    class Meta:
        verbose_name = _("request to join")
        verbose_name_plural = _("requests to join")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "organization"],
                condition=Q(status="pending"),
                name="join_request_one_pending_per_org",
            ),
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_at__isnull=False)),
                name="join_request_decided_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} → {self.initiative}"


pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    model_name="InitiativeEvent",
    exclude=["period", "search_vector"],
)(Initiative)
pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    model_name="ScheduleSlotEvent",
)(ScheduleSlot)
pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    model_name="InitiativeUpdateEvent",
)(InitiativeUpdate)
pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    model_name="JoinRequestEvent",
)(JoinRequest)

InitiativeThemes = track_links(Initiative.themes)
InitiativeTargetGroups = track_links(Initiative.target_groups)
InitiativeAreas = track_links(Initiative.areas)
InitiativePartnerOrganizations = track_links(Initiative.partner_organizations)


def problem_model():
    """The problem model, read through the reverse relation ``Initiative.problems`` rather
    than imported: the problems app sits above this one (docs/architecture.md)."""
    return Initiative._meta.get_field("problems").related_model
