"""A coordinator's decision on an overlapping pair of initiatives."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class OverlapDecision(models.Model):
    """What a coordinator decided about two initiatives that overlap (see ``queries``).

    The pair is stored in a canonical order (``initiative_a`` has the lower id), once. The
    ``fingerprint`` is what the pair looked like when decided (both initiatives' areas, themes
    and period, hashed by :func:`partnership.dashboard.queries.pair_fingerprint`): when either
    initiative changes area, theme or period the fingerprints differ and the pair is open again.
    """

    class Decision(models.TextChoices):
        COMPLEMENTARY = "complementary", _("Complementary: both are needed")
        CONTACTED = "contacted", _("Organisations contacted")
        MERGED = "merged", _("Merged into one")

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
