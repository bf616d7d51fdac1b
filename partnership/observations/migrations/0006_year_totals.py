"""The observations' counts per area, category, calendar year, weekday and part of the day
(``ObservationYearTotal``), kept by the database itself.

Statement-level triggers with transition tables: whatever writes observations — the form
(one row), an import's ``bulk_create`` (2,000 rows a statement), ``seed_scale``'s
``INSERT … SELECT`` (a million rows in one statement), ``QuerySet.update``/``delete``, a
``TRUNCATE`` (a test's flush) — the same transaction adds the new rows' counts to their
keys and subtracts the old rows', grouped, so a statement of a million rows costs one
grouped upsert, not a million. The weekday of a row is its generated ``iso_weekday`` and its
part of the day comes from its generated ``hours_mask`` (migration 0003), the columns the
report's raw path reads, so both ways count alike. Keys are upserted in order (fewer
deadlocks between concurrent imports); rows that fall to 0 are deleted. Only
``session_replication_role = replica`` (a data-only restore) or disabled triggers would
bypass them: after such a load, run ``REFILL`` again.
"""

from django.db import migrations, models

# The part of the day a row starts in: ``patterns._part_sql("r.hours_mask")`` when this
# migration was written, frozen here (a migration must not change with later code). 0: no
# time; 1–4: morning 06–10, daytime 10–17, evening 17–22, night 22–06, by the lowest hour of
# the mask (``mask & -mask``). ``tests/observations/test_year_totals.py`` checks that both
# count alike.
PART = """CASE WHEN r.hours_mask = 0 THEN 0
        WHEN (r.hours_mask & -r.hours_mask) >= 64
            AND (r.hours_mask & -r.hours_mask) < 1024 THEN 1
        WHEN (r.hours_mask & -r.hours_mask) >= 1024
            AND (r.hours_mask & -r.hours_mask) < 131072 THEN 2
        WHEN (r.hours_mask & -r.hours_mask) >= 131072
            AND (r.hours_mask & -r.hours_mask) < 4194304 THEN 3
        WHEN (r.hours_mask & -r.hours_mask) >= 4194304
            OR (r.hours_mask & -r.hours_mask) < 64 THEN 4 END"""

# The sums of a set of rows (``{rows}``, with ``{sign}`` 1 or -1) per key.
_DELTA = f"""
    SELECT r.area_id, r.category_id, extract(year FROM r.observed_on)::smallint AS year,
           r.iso_weekday AS weekday, ({PART})::smallint AS part,
           {{sign}} * r.count::bigint AS total
    FROM {{rows}} AS r
"""

_UPSERT = """
    INSERT INTO observations_year_total AS t (area_id, category_id, year, weekday, part, total)
    SELECT area_id, category_id, year, weekday, part, sum(total) FROM ({deltas}) AS d
    GROUP BY area_id, category_id, year, weekday, part
    HAVING sum(total) <> 0
    ORDER BY area_id, category_id, year, weekday, part
    ON CONFLICT (area_id, category_id, year, weekday, part)
        DO UPDATE SET total = t.total + EXCLUDED.total;
"""

_ZEROS = """
    DELETE FROM observations_year_total AS t
    USING (
        SELECT DISTINCT area_id, category_id, extract(year FROM observed_on)::smallint AS year
        FROM old_rows
    ) AS o
    WHERE t.area_id = o.area_id AND t.category_id = o.category_id AND t.year = o.year
        AND t.total = 0;
"""

ADDED = _DELTA.format(sign=1, rows="new_rows")
REMOVED = _DELTA.format(sign=-1, rows="old_rows")

TRIGGERS = f"""
CREATE FUNCTION observations_year_total_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_UPSERT.format(deltas=ADDED)}
    ELSIF TG_OP = 'DELETE' THEN
        {_UPSERT.format(deltas=REMOVED)}
        {_ZEROS}
    ELSIF TG_OP = 'UPDATE' THEN
        {_UPSERT.format(deltas=ADDED + " UNION ALL " + REMOVED)}
        {_ZEROS}
    ELSIF TG_OP = 'TRUNCATE' THEN
        -- Not TRUNCATE: a flush truncates both tables in one statement.
        DELETE FROM observations_year_total;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER observation_year_total_insert AFTER INSERT ON observations_observation
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION observations_year_total_keep();
CREATE TRIGGER observation_year_total_update AFTER UPDATE ON observations_observation
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION observations_year_total_keep();
CREATE TRIGGER observation_year_total_delete AFTER DELETE ON observations_observation
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION observations_year_total_keep();
CREATE TRIGGER observation_year_total_truncate AFTER TRUNCATE ON observations_observation
    FOR EACH STATEMENT EXECUTE FUNCTION observations_year_total_keep();
"""

# The totals from scratch (the backfill; again after a load that bypassed the triggers).
REFILL = f"""
LOCK TABLE observations_observation IN SHARE MODE;
DELETE FROM observations_year_total;
{_UPSERT.format(deltas=_DELTA.format(sign=1, rows="observations_observation"))}
"""

REVERSE = """
DROP TRIGGER IF EXISTS observation_year_total_insert ON observations_observation;
DROP TRIGGER IF EXISTS observation_year_total_update ON observations_observation;
DROP TRIGGER IF EXISTS observation_year_total_delete ON observations_observation;
DROP TRIGGER IF EXISTS observation_year_total_truncate ON observations_observation;
DROP FUNCTION IF EXISTS observations_year_total_keep();
"""


class Migration(migrations.Migration):
    dependencies = [("observations", "0005_fewer_indexes")]

    operations = [
        migrations.CreateModel(
            name="ObservationYearTotal",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "area_id",
                        "category_id",
                        "year",
                        "weekday",
                        "part",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("area_id", models.IntegerField()),
                ("category_id", models.IntegerField()),
                ("year", models.SmallIntegerField()),
                ("weekday", models.SmallIntegerField()),
                ("part", models.SmallIntegerField()),
                ("total", models.BigIntegerField()),
            ],
            options={
                "verbose_name": "observation year total",
                "db_table": "observations_year_total",
                "default_permissions": (),
            },
        ),
        migrations.RunSQL(TRIGGERS + REFILL, REVERSE),
        # Statistics at once: without them the planner takes the new table for a few
        # hundred rows and sorts a year's 140,000 on disk until autovacuum's first analyze.
        migrations.RunSQL("ANALYZE observations_year_total;", migrations.RunSQL.noop),
    ]
