"""The weekly lägesbild's sessions cancelled in a week, from a partial index of the cancelled
marks in time order: about 3,900 rows at 100,000 initiatives instead of the week's 41,000
marks read from the table and filtered."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0015_report_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="sessionmark",
            index=models.Index(
                condition=models.Q(("outcome", "cancelled")),
                fields=["on_date", "starts_at"],
                name="session_mark_cancelled_idx",
            ),
        ),
    ]
