"""Every write of residents' reports: one ``@transaction.atomic`` function per change.

A report is anonymous: nothing here takes or stores who sent it (no user, no address, no
cookie; the rate limit counts a hash of the address in the cache, for minutes, apart from
the report). Its date is the day it came in, never the hour.
"""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from partnership.models import Area
from partnership.ratelimit import limit_reached
from partnership.residents.models import (
    REASON_VALUES,
    TIME_OF_DAY_VALUES,
    Open311Key,
    ResidentReport,
)


def report_limit_reached(client: str) -> bool:
    """Count one more report from the client (its address) and say whether it goes over
    ``RESIDENT_REPORT_LIMIT`` in ``RESIDENT_REPORT_LIMIT_PERIOD`` seconds."""
    return limit_reached(
        "resident_report",
        client,
        limit=settings.RESIDENT_REPORT_LIMIT,
        period=settings.RESIDENT_REPORT_LIMIT_PERIOD,
    )


@transaction.atomic
def report_create(
    *,
    kind: str,
    area: Area,
    reasons: list[str],
    times_of_day: list[str] | None = None,
    weekdays: list[int] | None = None,
    text: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    channel: str = ResidentReport.Channel.FORM,
) -> ResidentReport:
    """Save a report the form (or Open311) has checked: place, reasons, when, text. The
    reasons keep the fixed list's order, each once."""
    return ResidentReport.objects.create(
        kind=kind,
        area=area,
        reasons=[value for value in REASON_VALUES if value in set(reasons)],
        times_of_day=[value for value in TIME_OF_DAY_VALUES if value in set(times_of_day or [])],
        weekdays=sorted(set(weekdays or [])),
        text=text.strip(),
        latitude=latitude,
        longitude=longitude,
        channel=channel,
        created_on=timezone.localdate(),
    )


@transaction.atomic
def report_hide_text(*, report: ResidentReport, hidden: bool) -> bool:
    """Hide an abusive text (or show it again); False when it already was. The report and
    its counts stay."""
    locked = ResidentReport.objects.select_for_update().get(pk=report.pk)
    if (locked.text_hidden_at is not None) == hidden:
        return False
    locked.text_hidden_at = timezone.now() if hidden else None
    locked.save(update_fields=["text_hidden_at"])
    report.text_hidden_at = locked.text_hidden_at
    return True


def reports_delete_old(*, today: dt.date | None = None) -> int:
    """Delete the reports older than ``RESIDENT_REPORT_RETENTION_DAYS``; how many went. A
    problem made from them stays (it is the partnership's); only the link goes."""
    today = today or timezone.localdate()
    cutoff = today - dt.timedelta(days=settings.RESIDENT_REPORT_RETENTION_DAYS)
    deleted, per_model = ResidentReport.objects.older_than(cutoff).delete()
    return per_model.get(ResidentReport._meta.label, 0)


# --- Open311 keys --------------------------------------------------------------------------------


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def open311_key_issue(*, name: str, actor) -> tuple[Open311Key, str]:
    """A new key for an app: the key itself is returned once and only its hash stored."""
    key = secrets.token_urlsafe(32)
    issued = Open311Key.objects.create(
        name=name, key_hash=key_hash(key), prefix=key[:8], created_by=actor
    )
    return issued, key


@transaction.atomic
def open311_key_revoke(*, key: Open311Key) -> bool:
    locked = Open311Key.objects.select_for_update().get(pk=key.pk)
    if locked.revoked_at is not None:
        return False
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    key.revoked_at = locked.revoked_at
    return True


def open311_key_find(key: str) -> Open311Key | None:
    """The active key with this value, noting the day it was used; None if none."""
    if not key:
        return None
    found = Open311Key.objects.active().filter(key_hash=key_hash(key)).first()
    if found is not None and found.last_used_on != timezone.localdate():
        Open311Key.objects.filter(pk=found.pk).update(last_used_on=timezone.localdate())
    return found
