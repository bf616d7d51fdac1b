"""What the weekday × hour heatmap reads, kept by PostgreSQL on every row (``patterns.py``).

Three stored generated columns, computed by the database on every insert and update however
the row is written (a form, an import's ``bulk_create``, ``COPY``), so they can never
disagree with the times:

- ``iso_weekday``: 1 (Monday) … 7 (Sunday) of ``observed_on``;
- ``hours_mask``: bit *h* set for every hour *h* of ``observed_on`` the observation covers —
  a moment its hour, a window every hour it touches (21:00–24:00 → 21, 22, 23; 21:30–22:15 →
  21, 22), a window that crosses midnight the hours up to 23; 0 when no time is known;
- ``next_day_mask``: the hours after midnight a window crossing it covers (22:00–02:00 → 0
  and 1), counted on the next weekday.

And one covering index: the heatmap and the trend filter on the area (with its sub-areas) and
a date range and read only these columns, the category and the count, so PostgreSQL answers
with an index-only scan and never visits the table. A pre-aggregated daily table would save
little: a year of 1,000,000 observations spread over hundreds of areas and eleven categories
has about as many (area, category, day) cells as observations, and it would need triggers
to stay right; the index stays right by construction. The columns are the database's
business only: the model does not declare them (no form or serializer can write them) and
only ``patterns.py`` reads them, in SQL.
"""

from django.db import migrations

START_HOUR = "extract(hour FROM time_from)::int"
# The hour a window ends in, rounded up: 22:00 → 22 (exclusive), 22:15 → 23, 00:00 → 0.
END_HOUR = "ceil(extract(epoch FROM time_to) / 3600)::int"

COLUMNS = f"""
ALTER TABLE observations_observation
    ADD COLUMN iso_weekday smallint
        GENERATED ALWAYS AS (extract(isodow FROM observed_on)::smallint) STORED,
    ADD COLUMN hours_mask integer GENERATED ALWAYS AS (
        CASE
            WHEN time_from IS NULL THEN 0
            WHEN time_to IS NULL THEN 1 << {START_HOUR}
            WHEN time_to > time_from THEN ((1 << {END_HOUR}) - 1) & ~((1 << {START_HOUR}) - 1)
            ELSE ((1 << 24) - 1) & ~((1 << {START_HOUR}) - 1)
        END
    ) STORED,
    ADD COLUMN next_day_mask integer GENERATED ALWAYS AS (
        CASE
            WHEN time_to IS NOT NULL AND time_to <= time_from THEN (1 << {END_HOUR}) - 1
            ELSE 0
        END
    ) STORED;
CREATE INDEX observation_heatmap_idx ON observations_observation (area_id, observed_on)
    INCLUDE (category_id, iso_weekday, hours_mask, next_day_mask, count);
"""

REVERSE = """
DROP INDEX IF EXISTS observation_heatmap_idx;
ALTER TABLE observations_observation
    DROP COLUMN IF EXISTS iso_weekday,
    DROP COLUMN IF EXISTS hours_mask,
    DROP COLUMN IF EXISTS next_day_mask;
"""


class Migration(migrations.Migration):
    dependencies = [("observations", "0002_est_categories")]

    operations = [migrations.RunSQL(COLUMNS, REVERSE)]
