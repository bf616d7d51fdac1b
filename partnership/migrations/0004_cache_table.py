"""The database cache table (login rate limits need a real, shared cache).

Created by a migration so that `migrate` alone prepares a new database: without the table,
allauth's rate limiting fails on the first login attempt.
"""

from django.core.management import call_command
from django.db import migrations


def cache_table_create(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("partnership", "0003_history_of_links")]

    operations = [migrations.RunPython(cache_table_create, migrations.RunPython.noop)]
