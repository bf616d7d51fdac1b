"""Two indexes for the coordinator's pages at national scale.

The marks' unique index holds what a session's hours need (outcome, end, a move): the
delivered gaps read the marks of the initiatives linked to open problems from the index
alone, about 80,000 of the 411,000 marks of eight weeks at 100,000 initiatives, instead of
hashing all of them. ``initiative_ended_idx``: the report's initiatives that ended in its
period, in its order, without sorting every initiative.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('initiatives', '0014_held_days'),
        ('partnership', '0008_generation'),
        ('stakeholders', '0007_membership_is_reporter'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='sessionmark',
            name='session_mark_once',
        ),
        migrations.AddIndex(
            model_name='initiative',
            index=models.Index(condition=models.Q(('archived_at__isnull', True)), fields=['ends_on', 'title'], name='initiative_ended_idx'),
        ),
        migrations.AddConstraint(
            model_name='sessionmark',
            constraint=models.UniqueConstraint(fields=('initiative', 'on_date', 'starts_at'), include=('outcome', 'ends_at', 'moved_on', 'moved_starts_at', 'moved_ends_at'), name='session_mark_once'),
        ),
    ]
