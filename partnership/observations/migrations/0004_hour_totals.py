"""The observations' counts per category, day and hour over every area
(``ObservationHourTotal``), kept by the database itself.

Statement-level triggers with transition tables: whatever writes observations — the form
(one row), an import's ``bulk_create`` (2,000 rows a statement), ``seed_scale``'s
``INSERT … SELECT`` (a million rows in one statement), ``QuerySet.update``/``delete``, a
``TRUNCATE`` (a test's flush) — the same transaction adds the new rows' counts to their
slots and subtracts the old rows', grouped, so a statement of a million rows costs one
grouped upsert, not a million. The slots of a row come from its generated
``hours_mask``/``next_day_mask`` (migration 0003), the same columns the raw heatmap reads,
so both ways count alike. Keys are upserted in order (fewer deadlocks between concurrent
imports); rows that fall to 0 are deleted. Only ``session_replication_role = replica`` (a
data-only restore) or disabled triggers would bypass them: after such a load, run
``REFILL`` again.
"""

from django.db import migrations, models

SLOTS = """
CREATE FUNCTION observations_hour_slots(hours_mask integer, next_day_mask integer)
RETURNS SETOF smallint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT -1::smallint
    UNION ALL SELECT 48::smallint WHERE hours_mask = 0
    UNION ALL SELECT h::smallint FROM generate_series(0, 23) AS h
        WHERE hours_mask <> 0 AND (hours_mask >> h) & 1 = 1
    UNION ALL SELECT (24 + h)::smallint FROM generate_series(0, 23) AS h
        WHERE next_day_mask <> 0 AND (next_day_mask >> h) & 1 = 1
$$;
"""

# The sums of a set of rows (``{rows}``, with ``{sign}`` 1 or -1) per key.
_DELTA = """
    SELECT r.category_id, r.observed_on, s.slot, {sign} * r.count::bigint AS total
    FROM {rows} AS r CROSS JOIN LATERAL observations_hour_slots(r.hours_mask, r.next_day_mask)
        AS s(slot)
"""

_UPSERT = """
    INSERT INTO observations_hour_total AS t (category_id, observed_on, slot, total)
    SELECT category_id, observed_on, slot, sum(total) FROM ({deltas}) AS d
    GROUP BY category_id, observed_on, slot
    HAVING sum(total) <> 0
    ORDER BY category_id, observed_on, slot
    ON CONFLICT (category_id, observed_on, slot) DO UPDATE SET total = t.total + EXCLUDED.total;
"""

_ZEROS = """
    DELETE FROM observations_hour_total AS t
    USING (SELECT DISTINCT category_id, observed_on FROM old_rows) AS o
    WHERE t.category_id = o.category_id AND t.observed_on = o.observed_on AND t.total = 0;
"""

ADDED = _DELTA.format(sign=1, rows="new_rows")
REMOVED = _DELTA.format(sign=-1, rows="old_rows")

TRIGGERS = f"""
CREATE FUNCTION observations_hour_total_keep() RETURNS trigger LANGUAGE plpgsql AS $$
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
        DELETE FROM observations_hour_total;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER observation_hour_total_insert AFTER INSERT ON observations_observation
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION observations_hour_total_keep();
CREATE TRIGGER observation_hour_total_update AFTER UPDATE ON observations_observation
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION observations_hour_total_keep();
CREATE TRIGGER observation_hour_total_delete AFTER DELETE ON observations_observation
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION observations_hour_total_keep();
CREATE TRIGGER observation_hour_total_truncate AFTER TRUNCATE ON observations_observation
    FOR EACH STATEMENT EXECUTE FUNCTION observations_hour_total_keep();
"""

# The totals from scratch (the backfill; again after a load that bypassed the triggers).
REFILL = f"""
LOCK TABLE observations_observation IN SHARE MODE;
DELETE FROM observations_hour_total;
{_UPSERT.format(deltas=_DELTA.format(sign=1, rows="observations_observation"))}
"""

REVERSE = """
DROP TRIGGER IF EXISTS observation_hour_total_insert ON observations_observation;
DROP TRIGGER IF EXISTS observation_hour_total_update ON observations_observation;
DROP TRIGGER IF EXISTS observation_hour_total_delete ON observations_observation;
DROP TRIGGER IF EXISTS observation_hour_total_truncate ON observations_observation;
DROP FUNCTION IF EXISTS observations_hour_total_keep();
DROP FUNCTION IF EXISTS observations_hour_slots(integer, integer);
"""


class Migration(migrations.Migration):
    dependencies = [("observations", "0003_heatmap_columns")]

    operations = [
        migrations.CreateModel(
            name="ObservationHourTotal",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "category_id",
                        "observed_on",
                        "slot",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("category_id", models.IntegerField()),
                ("observed_on", models.DateField()),
                ("slot", models.SmallIntegerField()),
                ("total", models.BigIntegerField()),
            ],
            options={
                "verbose_name": "observation hour total",
                "db_table": "observations_hour_total",
                "default_permissions": (),
            },
        ),
        migrations.RunSQL(SLOTS + TRIGGERS + REFILL, REVERSE),
    ]
