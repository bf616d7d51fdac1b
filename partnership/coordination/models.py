"""A coordinator's decision on an overlapping pair of initiatives."""

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
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

    One row per computation (the newest is used). ``change_mark`` is the newest history
    event of initiatives, their links and slots at the time: a newer one means the snapshot
    may be out of date, and the pages say so."""

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


class OverlapSnapshotPair(models.Model):
    """One overlapping pair of the current snapshot: the ``overlapping`` row of the overlap
    query (ids in canonical order, tags = theme ids and negated target-group ids)."""

    # No database constraint and no index of its own: a refresh inserts a million rows at
    # national scale, each of which would queue a deferred foreign-key check (run at commit)
    # and update a fifth index. The refresh deletes the pairs of the snapshots it replaces
    # itself (``services.overlaps_refresh``); the indexes below all start with the snapshot.
    snapshot = models.ForeignKey(
        OverlapSnapshot,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    a = models.BigIntegerField()
    b = models.BigIntegerField()
    tags = ArrayField(models.BigIntegerField())
    theme_count = models.PositiveIntegerField()
    group_count = models.PositiveIntegerField()
    by_area = models.BooleanField()
    same_area = models.BooleanField()
    distance = models.FloatField(null=True)
    coincide = models.BooleanField()
    # When the newer of the two initiatives was registered ("new since the last meeting").
    registered_at = models.DateTimeField(null=True)
    # 1 low, 2 medium, 3 high (``queries.overlaps``).
    strength = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["snapshot", "a", "b"], name="overlap_snapshot_pair_idx"),
            # Strongest first, the way the page lists them (newest first within a strength).
            models.Index(
                "snapshot",
                F("strength").desc(),
                F("registered_at").desc(),
                "a",
                "b",
                name="overlap_snapshot_rank_idx",
            ),
            models.Index(
                "snapshot", F("registered_at").desc(), "a", "b", name="overlap_snapshot_new_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.a}–{self.b}"
