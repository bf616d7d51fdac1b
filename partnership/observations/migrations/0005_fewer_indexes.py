"""Three indexes fewer on observations, one more on the weekly emails' weeks.

``observation_heatmap_idx`` (migration 0003) has the same leading columns as
``observation_area_date_idx`` (area, date) and serves the area's foreign key too;
``observation_org_date_idx`` leads with the organisation. Each index costs every inserted
row (an import confirms 10,000 rows at once), so the duplicates go. ``WeeklySummaryWeek`` gets
an index on the week: the Monday run reads one week's rows out of a year of every partner's.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("observations", "0004_hour_totals"),
        ("partnership", "0008_generation"),
        ("stakeholders", "0007_membership_is_reporter"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="observation",
            name="observation_area_date_idx",
        ),
        migrations.AlterField(
            model_name="observation",
            name="area",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="observations",
                to="partnership.area",
                verbose_name="area",
            ),
        ),
        migrations.AlterField(
            model_name="observation",
            name="organization",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="observations",
                to="stakeholders.organization",
                verbose_name="organisation",
            ),
        ),
        migrations.AddIndex(
            model_name="weeklysummaryweek",
            index=models.Index(fields=["iso_year", "iso_week"], name="weekly_summary_week_idx"),
        ),
    ]
