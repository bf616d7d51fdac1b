"""Swedish full-text search on initiatives: a stored generated tsvector column (title A,
summary B, description C) with a GIN index, and a trigram GIN index on the title for
"similar initiatives" prompts. (Generated column rather than a trigger: to_tsvector with an
explicit regconfig is immutable, and every write path, bulk_create included, keeps it current.)
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0002_history_of_links"),
        ("partnership", "0004_cache_table"),
        ("stakeholders", "0005_user_role_history"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="initiative",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.CombinedSearchVector(
                        django.contrib.postgres.search.SearchVector(
                            "title", config="swedish", weight="A"
                        ),
                        "||",
                        django.contrib.postgres.search.SearchVector(
                            "summary", config="swedish", weight="B"
                        ),
                        django.contrib.postgres.search.SearchConfig("swedish"),
                    ),
                    "||",
                    django.contrib.postgres.search.SearchVector(
                        "description", config="swedish", weight="C"
                    ),
                    django.contrib.postgres.search.SearchConfig("swedish"),
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="initiative",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="initiative_search_gin"
            ),
        ),
        migrations.AddIndex(
            model_name="initiative",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["title"], name="initiative_title_trgm", opclasses=["gin_trgm_ops"]
            ),
        ),
        # The new column has no statistics until autovacuum gets round to it; without them
        # the planner scans every public row instead of using the GIN index.
        migrations.RunSQL("ANALYZE initiatives_initiative", reverse_sql=migrations.RunSQL.noop),
    ]
