"""A coordinator's decision on an overlapping pair of initiatives."""

import uuid

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OverlapDecision(models.Model):
    """What a coordinator decided about two initiatives that overlap (see ``queries``).

    The pair is stored in a canonical order (``initiative_a`` has the lower id), once. The
    ``fingerprint`` is what the pair looked like when decided (both initiatives' areas, themes
    and period, hashed by :func:`partnership.coordination.queries.pair_fingerprint`): when either
    initiative changes area, theme or period the fingerprints differ and the pair is open again.
    """

    class Decision(models.TextChoices):
        COMPLEMENTARY = "complementary", _("Complementary: both are needed")
        CONTACTED = "contacted", _("Organisations contacted")
        MERGED = "merged", _("Merged into one")
        NOT_AN_OVERLAP = "not_overlap", _("Not an overlap")

    initiative_a = models.ForeignKey(
        "initiatives.Initiative", on_delete=models.CASCADE, related_name="+"
    )
    initiative_b = models.ForeignKey(
        "initiatives.Initiative", on_delete=models.CASCADE, related_name="+"
    )
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    fingerprint = models.CharField(max_length=32, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), auto_now=True)

    class Meta:
        verbose_name = _("overlap decision")
        verbose_name_plural = _("overlap decisions")
        ordering = ["-decided_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative_a", "initiative_b"], name="overlap_decision_once_per_pair"
            ),
            models.CheckConstraint(
                condition=Q(initiative_a__lt=F("initiative_b")),
                name="overlap_decision_canonical_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.initiative_a_id}–{self.initiative_b_id}: {self.decision}"


pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    model_name="OverlapDecisionEvent",
)(OverlapDecision)


class OverlapSnapshot(models.Model):
    """The last computation of every overlapping pair for a default window (see
    ``window_starts``), kept so that the dashboard need not find millions of pairs
    on each request at national scale (see ``queries`` and ``services.overlaps_refresh``).

    One row per window and computation (the newest is used); its pairs are a table of their
    own, ``dashboard_overlapsnapshotpair_<id>``, made by the refresh (``queries.snapshot``:
    computed once, copied, then indexed; dropped as a whole when replaced). ``change_mark``
    is the newest history event of initiatives, their links and slots at the time: a newer
    one means the snapshot may be out of date, and the pages say so."""

    # The window the pairs are live in: from today on (the pages' default) or the current
    # year (the report's default). An open end is ``None``.
    window_starts = models.DateField()
    window_ends = models.DateField(null=True)
    computed_at = models.DateTimeField(_("computed"), auto_now_add=True)
    change_mark = models.BigIntegerField(default=0)
    pairs = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    # How many pairs became new on each day ({"2026-11-29": 12, …}: the day the newer of the
    # two initiatives was registered, in the portal's time zone), so that "new since the last
    # meeting" is counted without reading a million pairs.
    new_by_day = models.JSONField(default=dict)

    class Meta:
        get_latest_by = "computed_at"
        ordering = ["-computed_at"]

    def __str__(self) -> str:
        return f"{self.pairs} pairs, {self.computed_at:%Y-%m-%d %H:%M}"


# imports: the draft of an onboarding import (partnership/coordination/imports/).
class ImportDraft(models.Model):
    """An uploaded file between its preview and the coordinator's confirmation.

    Kept in the database, so the preview and the confirmation may reach different workers or
    machines; only its uploader reads it, and it expires (``IMPORT_DRAFT_VALIDITY``): older
    drafts are refused and deleted with the next upload. ``files`` holds each uploaded file
    (name, base64 content) — the confirmation reads and checks them again against the
    database as it is then — ``options`` what the coordinator chose on the upload form, and
    ``preview`` what the preview page shows."""

    class Kind(models.TextChoices):
        AREAS = "areas", _("Areas")
        DIRECTORY = "directory", _("Organisations and initiatives")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    files = models.JSONField(default=dict)
    options = models.JSONField(default=dict)
    preview = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["expires_at"], name="import_draft_expires_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"


# publish: the lägesbild's public aggregates (partnership/coordination/publication.py).
class PublishedSituationQuerySet(models.QuerySet):
    def public(self):
        """Published and not withdrawn: what residents see, newest first."""
        return self.filter(published_at__isnull=False, withdrawn_at__isnull=True).order_by(
            "-published_at", "-pk"
        )


class PublishedSituation(models.Model):
    """Aggregates of the report's kartläggning that a coordinator chose to show residents:
    which categories, per which areas and/or by weekday and part of the day, for a period and
    an area, with a short text. ``data`` is a **snapshot** (``publication.snapshot``): the
    numbers as they were when the coordinator previewed and published them; later
    observations never change it. A draft (no ``published_at``) is the coordinator's preview;
    a withdrawn one (``withdrawn_at``) is gone from the public pages and may be published
    again. Residents only ever see ``data`` and ``text``; ``choices`` keeps what the
    coordinator chose, to change a draft."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    area = models.ForeignKey(
        "partnership.Area",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("text"), max_length=1000, blank=True)
    choices = models.JSONField(default=dict, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    objects = PublishedSituationQuerySet.as_manager()

    class Meta:
        verbose_name = _("published situation picture")
        verbose_name_plural = _("published situation pictures")
        ordering = ["-published_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="published_situation_period"
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(published_at__isnull=False),
                name="published_situation_withdrawn_was_published",
            ),
        ]
        indexes = [
            models.Index(
                fields=["-published_at"],
                name="published_situation_live_idx",
                condition=Q(published_at__isnull=False, withdrawn_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_on} – {self.ends_on}"

    @property
    def is_public(self) -> bool:
        return self.published_at is not None and self.withdrawn_at is None


pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    model_name="PublishedSituationEvent",
)(PublishedSituation)
