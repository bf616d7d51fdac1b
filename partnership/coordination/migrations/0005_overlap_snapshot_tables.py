# coordperf: each overlap snapshot's pairs are a table of their own
# (``dashboard_overlapsnapshotpair_<id>``, made by the refresh: computed once for both windows,
# copied, then indexed), so the shared pair table goes. Nested areas now also need a shared
# target group or coinciding weekly times: the snapshots are a cache of the old definition,
# so they are emptied (pages compute the pairs until the next refresh).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0004_import_draft"),
    ]

    operations = [
        migrations.RunSQL(
            "DELETE FROM dashboard_overlapsnapshot;", reverse_sql=migrations.RunSQL.noop
        ),
        migrations.DeleteModel(name="OverlapSnapshotPair"),
    ]
