"""Observations (händelser) logged by trusted reporters, the partnership's list of
categories for them, their CSV imports, and the opt-in to the weekly lägesbild email.

No persons: an observation says what happened at a place and a time, never who did it
(GDPR art. 10: most partners may not process data about offences by individuals). The
note is checked for personal data before saving (``partnership.personal_data``).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partnership.models import LocatedModel, VocabularyTerm


class ObservationCategory(VocabularyTerm):
    """What was observed: nedskräpning, skadegörelse, klotter … A partnership-wide list the
    coordinator maintains. A category in use is retired, not deleted, so old observations
    keep their category; ``themes`` prefill a problem made from its observations."""

    themes = models.ManyToManyField(
        "partnership.Theme",
        verbose_name=_("themes"),
        blank=True,
        related_name="observation_categories",
    )
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    class Meta(VocabularyTerm.Meta):
        verbose_name = _("observation category")
        verbose_name_plural = _("observation categories")


class ObservationImport(models.Model):
    """A CSV file of observations, previewed before anything is saved: its parsed rows wait
    here until the uploader confirms a clean preview (``confirmed_at``)."""

    organization = models.ForeignKey(
        "stakeholders.Organization",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="observation_imports",
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    rows = models.JSONField(default=list, blank=True, editable=False)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("imported"), null=True, blank=True)

    class Meta:
        verbose_name = _("observation import")
        verbose_name_plural = _("observation imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name or str(self.pk)


class Observation(LocatedModel):
    """One thing a reporter saw (or a row of an imported statistic): a category, a place (an
    area, optionally a point), a date with a time or a time window, and a count.

    A window may cross midnight (``time_from`` 22:00, ``time_to`` 02:00). With only
    ``time_from`` it happened at that time; with neither, some time that day (an imported
    weekly statistic carries the Monday of its week and no time)."""

    class Source(models.TextChoices):
        LOGGED = "logged", _("Logged")
        IMPORTED = "imported", _("Imported")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "stakeholders.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="observations",
        db_index=False,  # observation_org_date_idx leads with it
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    area = models.ForeignKey(
        "partnership.Area",
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        related_name="observations",
        db_index=False,  # observation_heatmap_idx leads with it
    )
    category = models.ForeignKey(
        ObservationCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="observations",
    )
    observed_on = models.DateField(_("date"))
    time_from = models.TimeField(_("time (from)"), null=True, blank=True)
    time_to = models.TimeField(_("until"), null=True, blank=True)
    count = models.PositiveIntegerField(_("count"), default=1)
    note = models.CharField(_("note"), max_length=500, blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.LOGGED
    )
    import_batch = models.ForeignKey(
        ObservationImport,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="observations",
    )
    # The problem made from it ("make this a problem"); the problem's page lists them.
    problem = models.ForeignKey(
        "problems.Problem",
        verbose_name=_("problem"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="observations",
    )
    created_at = models.DateTimeField(_("logged"), auto_now_add=True)

    class Meta(LocatedModel.Meta):
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["-observed_on", "-time_from", "-pk"]
        constraints = [
            *LocatedModel.Meta.constraints,
            models.CheckConstraint(condition=Q(count__gte=1), name="observation_count_positive"),
            models.CheckConstraint(
                condition=Q(time_to__isnull=True) | Q(time_from__isnull=False),
                name="observation_window_has_start",
            ),
        ]
        # With ``observation_heatmap_idx`` (area, date; migration 0003), which also serves
        # the area's foreign key; the organisation's is served by its date index. No more:
        # every index costs each of an import's rows (migration 0005 dropped three).
        indexes = [
            # Rebuilt with INCLUDE (area, category, hours, count) by migration 0007: what the
            # gaps page's observed hours read of a period's rows, from the index alone.
            models.Index(fields=["observed_on"], name="observation_date_idx"),
            models.Index(fields=["organization", "-observed_on"], name="observation_org_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.category} – {self.area} {self.observed_on}"


class ObservationHourTotal(models.Model):
    """The observations' counts summed per category, day and hour over every area: what the
    heatmap and the trend read when the area is the whole partnership (or most of it,
    ``patterns.py``), instead of scanning a million observations.

    Written only by the database: statement triggers on ``observations_observation``
    (migration 0004) add each inserted row's count and subtract each deleted one's, an update
    both, in the same transaction — so a form, an import's ``bulk_create``, ``seed_scale``'s
    ``INSERT … SELECT`` and a ``DELETE`` all keep it exactly equal to the raw sums
    (``tests/observations/test_scale_hour_totals.py``). A row whose total falls to 0 is
    deleted.

    ``slot``: 0–23 the hours of ``observed_on`` an observation covers (its ``hours_mask``);
    24–47 hour ``slot − 24`` of the next day (a window past midnight, ``next_day_mask``);
    :data:`SLOT_UNKNOWN` no time given; :data:`SLOT_DAY` every observation of the day, once
    (the trend's weekly sums)."""

    SLOT_DAY = -1
    SLOT_NEXT_DAY = 24
    SLOT_UNKNOWN = 48

    pk = models.CompositePrimaryKey("category_id", "observed_on", "slot")
    category_id = models.IntegerField()
    observed_on = models.DateField()
    slot = models.SmallIntegerField()
    total = models.BigIntegerField()

    class Meta:
        db_table = "observations_hour_total"
        verbose_name = "observation hour total"
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.category_id} {self.observed_on} {self.slot}: {self.total}"


class ObservationYearTotal(models.Model):
    """The observations' counts summed per area, category, calendar year of ``observed_on``,
    ISO weekday and part of the day: what the report's observation sections
    (``coordination/queries/report.py`` ``observation_groups``) read for the whole calendar
    years of their period, instead of scanning a million observations. A year of the scale
    data is about 85,000 rows (400 areas × 11 categories × 7 weekdays × 5 parts at most) for
    920,000 observations; a month or a day per key would not be smaller than the rows.

    Written only by the database: statement triggers on ``observations_observation``
    (migration 0006) add each inserted row's count and subtract each deleted one's, an update
    both, in the same transaction — so a form, an import's ``bulk_create``, ``seed_scale``'s
    ``INSERT … SELECT`` and a ``DELETE`` all keep it exactly equal to the raw sums
    (``tests/observations/test_year_totals.py``). A row whose total falls to 0 is deleted.

    ``weekday``: 1 (Monday) – 7, the row's ``iso_weekday``. ``part``: 0 no time given, 1–4
    the position in ``patterns._PARTS`` (morning, daytime, evening, night) of the hour the
    observation starts in (``patterns._part_sql`` of its ``hours_mask``)."""

    pk = models.CompositePrimaryKey("area_id", "category_id", "year", "weekday", "part")
    area_id = models.IntegerField()
    category_id = models.IntegerField()
    year = models.SmallIntegerField()
    weekday = models.SmallIntegerField()
    part = models.SmallIntegerField()
    total = models.BigIntegerField()

    class Meta:
        db_table = "observations_year_total"
        verbose_name = "observation year total"
        default_permissions = ()

    def __str__(self) -> str:
        key = f"{self.area_id} {self.category_id} {self.year} {self.weekday} {self.part}"
        return f"{key}: {self.total}"


class WeeklySummarySubscription(models.Model):
    """A partner member's opt-in to the weekly lägesbild email (every Monday, last week)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="weekly_summary"
    )
    created_at = models.DateTimeField(_("subscribed"), auto_now_add=True)

    class Meta:
        verbose_name = _("weekly lägesbild subscription")
        verbose_name_plural = _("weekly lägesbild subscriptions")

    def __str__(self) -> str:
        return str(self.user)


class WeeklySummaryWeek(models.Model):
    """The week a lägesbild email went to a user for: at most one per user and ISO week, so a
    second run in the same week sends nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    iso_year = models.PositiveSmallIntegerField()
    iso_week = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("weekly lägesbild sent")
        verbose_name_plural = _("weekly lägesbilds sent")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "iso_year", "iso_week"], name="weekly_summary_once_per_week"
            ),
        ]
        # A week's rows (the Monday run reads them; a year holds 52 weeks of every partner).
        indexes = [models.Index(fields=["iso_year", "iso_week"], name="weekly_summary_week_idx")]

    def __str__(self) -> str:
        return f"{self.user} {self.iso_year}-W{self.iso_week:02d}"
