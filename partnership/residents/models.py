"""A resident's report of a place where they feel unsafe (or safe), and the keys through which
other apps send reports over Open311.

Privacy by design (docs/design.md, "Residents' reports"): a report holds a place, fixed
reasons, when, and at most a short text checked for personal data
(``partnership.personal_data``). No account, no IP address, no cookie, no time of day of the
sending: only the date, kept for ``RESIDENT_REPORT_RETENTION_DAYS`` and then deleted
(``delete_old_resident_reports``). The point is stored to four decimals (about 10 m) and shown
to partners snapped to a grid of about 50 m (:meth:`ResidentReport.rounded_point`); residents
see only counts.
"""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partnership.models import WEEKDAY_NUMBERS, Area, LocatedModel, Weekday

# Stored precision of a report's point (4 decimals: about 11 m north–south).
STORED_DECIMALS = 4
# The grid partners see points on: 0.0005° latitude is 56 m; 0.0009° longitude is 51 m at 59°N.
GRID_LATITUDE = 0.0005
GRID_LONGITUDE = 0.0009


class Reason(models.TextChoices):
    """Why a place feels unsafe (or, for a safe place, what makes it so): a fixed list, like
    StreetSafe's, so that reports add up. ``RESIDENT_REASON_THEMES`` maps each to themes."""

    BADLY_LIT = "badly_lit", _("Badly lit")
    HIDDEN = "hidden", _("Hidden or overgrown")
    LITTER = "litter", _("Littering or vandalism")
    DRUGS = "drugs", _("Drug dealing or use")
    HARASSMENT = "harassment", _("Groups, harassment or threats")
    TRAFFIC = "traffic", _("Traffic")
    EMPTY_PREMISES = "empty_premises", _("Empty premises")
    OTHER = "other", _("Other")


class TimeOfDay(models.TextChoices):
    """Four parts of the day, each with its hours (``HOURS``): a report's "when" adds up
    across reports and becomes a problem's time span."""

    MORNING = "morning", _("Morning (06–10)")
    DAYTIME = "daytime", _("Daytime (10–17)")
    EVENING = "evening", _("Evening (17–22)")
    NIGHT = "night", _("Night (22–06)")


# The hours of each part of the day, in the order they follow each other round the clock.
TIME_OF_DAY_HOURS = {
    TimeOfDay.MORNING: (6, 10),
    TimeOfDay.DAYTIME: (10, 17),
    TimeOfDay.EVENING: (17, 22),
    TimeOfDay.NIGHT: (22, 6),
}
REASON_VALUES = [value for value, _label in Reason.choices]
TIME_OF_DAY_VALUES = [value for value, _label in TimeOfDay.choices]


class ResidentReportQuerySet(models.QuerySet):
    def with_text_shown(self):
        """Reports whose text a coordinator has not hidden."""
        return self.filter(text_hidden_at__isnull=True)

    def older_than(self, day):
        """Reports made before ``day`` (the retention command deletes them)."""
        return self.filter(created_on__lt=day)

    def in_area(self, area):
        """In the area or any area within it."""
        return self.filter(area__in=Area.objects.with_descendants(area))


class ResidentReport(LocatedModel):
    """One resident's word about one place. Anonymous: nothing in it says who sent it."""

    class Kind(models.TextChoices):
        UNSAFE = "unsafe", _("Feels unsafe")
        SAFE = "safe", _("Feels safe")

    class Channel(models.TextChoices):
        FORM = "form", _("The portal's form")
        OPEN311 = "open311", _("Open311")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("unsafe or safe"), max_length=8, choices=Kind.choices)
    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="resident_reports"
    )
    reasons = ArrayField(
        models.CharField(max_length=20, choices=Reason.choices), verbose_name=_("reasons")
    )
    times_of_day = ArrayField(
        models.CharField(max_length=10, choices=TimeOfDay.choices),
        verbose_name=_("time of day"),
        default=list,
        blank=True,
        help_text=_("None means any time."),
    )
    weekdays = ArrayField(
        models.PositiveSmallIntegerField(choices=Weekday.choices),
        verbose_name=_("weekdays"),
        default=list,
        blank=True,
        help_text=_("None means any day."),
    )
    text = models.TextField(_("in your own words"), max_length=500, blank=True)
    text_hidden_at = models.DateTimeField(_("text hidden"), null=True, blank=True)
    channel = models.CharField(
        _("sent through"), max_length=10, choices=Channel.choices, default=Channel.FORM
    )
    # The date only: an hour would help tell who sent it (the retention period counts days).
    created_on = models.DateField(_("sent on"), db_index=True)

    objects = ResidentReportQuerySet.as_manager()

    class Meta(LocatedModel.Meta):
        verbose_name = _("resident report")
        verbose_name_plural = _("resident reports")
        ordering = ["-created_on", "-id"]
        constraints = [
            *LocatedModel.Meta.constraints,
            models.CheckConstraint(
                condition=Q(reasons__contained_by=REASON_VALUES) & ~Q(reasons=[]),
                name="resident_report_reasons_known",
            ),
            models.CheckConstraint(
                condition=Q(times_of_day__contained_by=TIME_OF_DAY_VALUES),
                name="resident_report_times_known",
            ),
            models.CheckConstraint(
                condition=Q(weekdays__contained_by=WEEKDAY_NUMBERS),
                name="resident_report_weekdays_valid",
            ),
        ]
        indexes = [models.Index(fields=["area", "-created_on"], name="resident_report_area_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.area} ({self.created_on})"

    def save(self, *args, **kwargs) -> None:
        if self.has_point:
            self.latitude = round(self.latitude, STORED_DECIMALS)
            self.longitude = round(self.longitude, STORED_DECIMALS)
        super().save(*args, **kwargs)

    @property
    def rounded_point(self) -> tuple[float, float] | None:
        """The point as partners see it: snapped to a grid of about 50 m."""
        if not self.has_point:
            return None
        return (
            round(round(self.latitude / GRID_LATITUDE) * GRID_LATITUDE, 6),
            round(round(self.longitude / GRID_LONGITUDE) * GRID_LONGITUDE, 6),
        )

    @property
    def reason_labels(self) -> list[str]:
        return [str(Reason(value).label) for value in self.reasons]

    @property
    def times_display(self) -> str:
        parts = [str(TimeOfDay(value).label) for value in self.times_of_day]
        return ", ".join(parts) if parts else str(_("Any time"))

    @property
    def weekdays_display(self) -> str:
        days = [str(Weekday(day).label) for day in sorted(self.weekdays)]
        return ", ".join(days) if days else str(_("Any day"))

    @property
    def shown_text(self) -> str:
        return "" if self.text_hidden_at else self.text


class Open311KeyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class Open311Key(models.Model):
    """A key a coordinator issues to an app that sends residents' reports over Open311 (a
    FixaMinGata-style client). Only a hash of the key is stored: the key is shown once."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(
        _("who uses it"),
        max_length=120,
        help_text=_("The app or organisation the key is for, e.g. “FixaMinGata”."),
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters of the key, so that a coordinator can tell keys apart.
    prefix = models.CharField(max_length=8, editable=False)
    created_at = models.DateTimeField(_("issued"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_on = models.DateField(_("last used"), null=True, blank=True)

    objects = Open311KeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("Open311 key")
        verbose_name_plural = _("Open311 keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
