"""Writes of the coordinator dashboard."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from partnership.dashboard import queries
from partnership.dashboard.models import OverlapDecision


@transaction.atomic
def overlap_decide(
    *, initiative_a_id: int, initiative_b_id: int, decision: str, note: str, actor
) -> OverlapDecision:
    """Record a coordinator's decision on an overlapping pair (complementary, organisations
    contacted, merged) with a note. The pair is stored once, in canonical order; a new
    decision replaces the previous one (history keeps it). The decision remembers what the
    pair looked like (areas, themes, periods): when either initiative changes any of them the
    pair is open again. Only a pair that overlaps now can be decided."""
    a_id, b_id = sorted((int(initiative_a_id), int(initiative_b_id)))
    if queries.overlap_pair(a_id, b_id) is None:
        raise ValidationError(_("These initiatives do not overlap (any more)."))
    decision_obj, _created = OverlapDecision.objects.update_or_create(
        initiative_a_id=a_id,
        initiative_b_id=b_id,
        defaults={
            "decision": decision,
            "note": note,
            "decided_by": actor,
            "fingerprint": queries.pair_fingerprint(a_id, b_id),
        },
    )
    return decision_obj
