# Overlaps need a shared theme, strength is low/medium/high, pairs know when they became new,
# "not an overlap" is a decision, and snapshot pairs have no per-row foreign-key check. The
# snapshots were computed by the old definition: they are a cache, so they are emptied (pages
# compute the pairs until the next refresh).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0002_overlap_snapshot"),
    ]

    operations = [
        migrations.RunSQL(
            "DELETE FROM dashboard_overlapsnapshotpair; DELETE FROM dashboard_overlapsnapshot;",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.RemoveIndex(
            model_name="overlapsnapshotpair",
            name="overlap_snapshot_rank_idx",
        ),
        migrations.AddField(
            model_name="overlapsnapshot",
            name="new_by_day",
            field=models.JSONField(default=dict),
        ),
        migrations.AddField(
            model_name="overlapsnapshotpair",
            name="registered_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.AlterField(
            model_name="overlapdecision",
            name="decision",
            field=models.CharField(
                choices=[
                    ("complementary", "Complementary: both are needed"),
                    ("contacted", "Organisations contacted"),
                    ("merged", "Merged into one"),
                    ("not_overlap", "Not an overlap"),
                ],
                max_length=20,
                verbose_name="decision",
            ),
        ),
        migrations.AlterField(
            model_name="overlapdecisionevent",
            name="decision",
            field=models.CharField(
                choices=[
                    ("complementary", "Complementary: both are needed"),
                    ("contacted", "Organisations contacted"),
                    ("merged", "Merged into one"),
                    ("not_overlap", "Not an overlap"),
                ],
                max_length=20,
                verbose_name="decision",
            ),
        ),
        migrations.AlterField(
            model_name="overlapsnapshotpair",
            name="snapshot",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="dashboard.overlapsnapshot",
            ),
        ),
        migrations.AddIndex(
            model_name="overlapsnapshotpair",
            index=models.Index(
                models.F("snapshot"),
                models.OrderBy(models.F("strength"), descending=True),
                models.OrderBy(models.F("registered_at"), descending=True),
                models.F("a"),
                models.F("b"),
                name="overlap_snapshot_rank_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="overlapsnapshotpair",
            index=models.Index(
                models.F("snapshot"),
                models.OrderBy(models.F("registered_at"), descending=True),
                models.F("a"),
                models.F("b"),
                name="overlap_snapshot_new_idx",
            ),
        ),
    ]
