# coord: every dashboard measure starts from the live initiatives (``common.LIVE_CONDITION``:
# not archived, planned or active, the period intersecting the window). At 100,000 initiatives
# that was a scan of the whole (wide) initiative table on each of them; this partial index of
# the live ones, carrying what the measures read, lets PostgreSQL answer from the index alone.
# The index is on the initiatives app's table, made here (IF NOT EXISTS) because only the
# dashboard reads it; its predicate is the SQL form of ``Initiative.LIVE_STATUSES``.

from django.db import migrations

CREATE = """
CREATE INDEX IF NOT EXISTS dashboard_live_initiative_idx ON initiatives_initiative (id)
    INCLUDE (period, lead_organization_id, created_at)
    WHERE archived_at IS NULL AND status::text = ANY (ARRAY['planned', 'active']::text[]);
"""

DROP = "DROP INDEX IF EXISTS dashboard_live_initiative_idx;"


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0005_overlap_snapshot_tables"),
        ("initiatives", "0011_operational_goal"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP)]
