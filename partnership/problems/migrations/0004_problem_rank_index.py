"""Open problems most severe first, oldest first, from an index: the action plan's and the
follow-up page's first page without sorting every problem (at 100,000 initiatives 25,000
open problems: the action plan's query 50 ms -> a few)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('initiatives', '0015_report_indexes'),
        ('partnership', '0008_generation'),
        ('problems', '0003_problem_cause'),
        ('residents', '0001_resident_reports'),
        ('stakeholders', '0007_membership_is_reporter'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='problem',
            index=models.Index(models.OrderBy(models.F('severity'), descending=True), models.F('created_at'), models.F('id'), condition=models.Q(('archived_at__isnull', True)), name='problem_rank_idx'),
        ),
    ]
