"""The hours held sessions covered, counted per area and day (``HeldDay``: 24 counts a row),
kept by the database itself — the model of ``observations`` migration 0004.

Statement-level triggers with transition tables on the session marks and on the
initiatives' areas: whatever writes them (the delivery page, the weekly email's links, a
``bulk_create``, ``seed_scale``'s ``INSERT … SELECT``, ``QuerySet.update``/``delete``, an
initiative deleted with its marks and areas, in either order) adds the new rows' hours to
their (day, area) and subtracts the old rows', grouped, in the same transaction. The counts
are added to what the row holds (``sessions = sessions + delta``, element by element), never
recomputed from the statement's snapshot, so two transactions writing the same area and day
at once both count. Only held and moved sessions count; a moved one on its new date and
times. The hours of a session are those of ``coordination/queries/gaps.py``'s
``_day_mask``/``_next_mask``: every hour its span touches, the hours past midnight on the
next day's row.

A mark counts once for each of its initiative's areas, so a mark written while another
transaction changes that initiative's areas could be missed by both (neither sees the
other's uncommitted row) or counted by both. Each trigger therefore first locks the
initiatives it touches — ``FOR SHARE`` for marks (marks of one initiative are still written
side by side), ``FOR NO KEY UPDATE`` for areas — and only then reads the other table: in
READ COMMITTED the next statement sees what the transaction it waited for committed.

After a load that bypassed the triggers (``session_replication_role = replica``), run
``REFILL`` again.
"""

from django.contrib.postgres.fields import ArrayField
from django.db import migrations, models
from django.db.models.expressions import RawSQL

HOURS = """
CREATE FUNCTION initiatives_held_hours(starts time, ends time)
RETURNS TABLE (next_day integer, hour integer) LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT 0, h FROM generate_series(
        date_part('hour', starts)::int,
        CASE WHEN ends > starts THEN ceil(date_part('epoch', ends) / 3600)::int ELSE 24 END - 1
    ) AS h
    UNION ALL
    SELECT 1, h FROM generate_series(0, ceil(date_part('epoch', ends) / 3600)::int - 1) AS h
    WHERE ends <= starts
$$;
"""

ZEROS = "array_fill(0, ARRAY[24])"

# ``HeldDay.mask``: bit h set when hour h's count is above 0.
MASK = " | ".join(
    f"(CASE WHEN sessions[{hour + 1}] > 0 THEN {1 << hour} ELSE 0 END)" for hour in range(24)
)

# A set of session marks ``m`` joined to their initiatives' areas ``ia`` (``{join}``), with
# ``{sign}`` 1 or -1: a row per area, day and hour a session touched.
_DELTA = """
    SELECT ia.area_id, coalesce(m.moved_on, m.on_date) + s.next_day AS held_on, s.hour,
           {sign} AS n
    FROM {join}
    CROSS JOIN LATERAL initiatives_held_hours(
        coalesce(m.moved_starts_at, m.starts_at), coalesce(m.moved_ends_at, m.ends_at)) AS s
    WHERE m.outcome IN ('held', 'moved')
"""

_MARKS = "{rows} AS m JOIN initiatives_initiative_areas ia ON ia.initiative_id = m.initiative_id"
_AREAS = "{rows} AS ia JOIN initiatives_sessionmark m ON m.initiative_id = ia.initiative_id"

_COUNTS = ", ".join(f"coalesce(sum(n) FILTER (WHERE hour = {h}), 0)" for h in range(24))

_UPSERT = f"""
    INSERT INTO initiatives_held_day AS t (held_on, area_id, sessions)
    SELECT held_on, area_id, sessions FROM (
        SELECT held_on, area_id, ARRAY[{_COUNTS}]::int[] AS sessions
        FROM ({{deltas}}) AS d
        GROUP BY held_on, area_id
    ) AS g
    WHERE sessions <> {ZEROS}
    ORDER BY held_on, area_id
    ON CONFLICT (held_on, area_id) DO UPDATE SET sessions = ARRAY(
        SELECT a + b FROM unnest(t.sessions, EXCLUDED.sessions) WITH ORDINALITY AS u(a, b, i)
        ORDER BY i);
"""

# After a delete or an update: the rows of the old rows' keys whose counts all fell to 0.
_EMPTY = f"""
    DELETE FROM initiatives_held_day AS t
    USING (SELECT DISTINCT held_on, area_id FROM ({{deltas}}) AS d) AS o
    WHERE t.held_on = o.held_on AND t.area_id = o.area_id AND t.sessions = {ZEROS};
"""

_LOCK = """
    PERFORM 1 FROM initiatives_initiative i
    WHERE i.id IN ({ids}) ORDER BY i.id FOR {mode} OF i;
"""


def _function(name: str, join: str, mode: str) -> str:
    added = _DELTA.format(sign=1, join=join.format(rows="new_rows"))
    removed = _DELTA.format(sign=-1, join=join.format(rows="old_rows"))
    new_ids = "SELECT initiative_id FROM new_rows"
    old_ids = "SELECT initiative_id FROM old_rows"
    return f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_LOCK.format(ids=new_ids, mode=mode)}
        {_UPSERT.format(deltas=added)}
    ELSIF TG_OP = 'DELETE' THEN
        {_LOCK.format(ids=old_ids, mode=mode)}
        {_UPSERT.format(deltas=removed)}
        {_EMPTY.format(deltas=removed)}
    ELSIF TG_OP = 'UPDATE' THEN
        {_LOCK.format(ids=f"{new_ids} UNION {old_ids}", mode=mode)}
        {_UPSERT.format(deltas=added + " UNION ALL " + removed)}
        {_EMPTY.format(deltas=removed)}
    ELSIF TG_OP = 'TRUNCATE' THEN
        -- Not TRUNCATE: a flush truncates the tables in one statement.
        DELETE FROM initiatives_held_day;
    END IF;
    RETURN NULL;
END
$$;
"""


def _triggers(table: str, function: str) -> str:
    return f"""
CREATE TRIGGER {table}_held_insert AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}();
CREATE TRIGGER {table}_held_update AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {function}();
CREATE TRIGGER {table}_held_delete AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}();
CREATE TRIGGER {table}_held_truncate AFTER TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION {function}();
"""


TRIGGERS = (
    _function("initiatives_held_day_marks", _MARKS, "SHARE")
    + _function("initiatives_held_day_areas", _AREAS, "NO KEY UPDATE")
    + _triggers("initiatives_sessionmark", "initiatives_held_day_marks")
    + _triggers("initiatives_initiative_areas", "initiatives_held_day_areas")
)

# The counts from scratch (the backfill; again after a load that bypassed the triggers).
REFILL = f"""
LOCK TABLE initiatives_sessionmark, initiatives_initiative_areas IN SHARE MODE;
DELETE FROM initiatives_held_day;
{_UPSERT.format(deltas=_DELTA.format(sign=1, join=_MARKS.format(rows="initiatives_sessionmark")))}
"""

REVERSE = (
    "".join(
        f"DROP TRIGGER IF EXISTS {table}_held_{op} ON {table};\n"
        for table in ("initiatives_sessionmark", "initiatives_initiative_areas")
        for op in ("insert", "update", "delete", "truncate")
    )
    + """
DROP FUNCTION IF EXISTS initiatives_held_day_marks();
DROP FUNCTION IF EXISTS initiatives_held_day_areas();
DROP FUNCTION IF EXISTS initiatives_held_hours(time, time);
"""
)


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0013_slot_week_index")]

    operations = [
        migrations.CreateModel(
            name="HeldDay",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "held_on",
                        "area_id",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("held_on", models.DateField()),
                ("area_id", models.IntegerField()),
                ("sessions", ArrayField(base_field=models.IntegerField(), size=24)),
                (
                    "mask",
                    models.GeneratedField(
                        db_persist=True,
                        expression=RawSQL(MASK, ()),
                        output_field=models.IntegerField(),
                    ),
                ),
            ],
            options={
                "verbose_name": "held day",
                "db_table": "initiatives_held_day",
                "default_permissions": (),
            },
        ),
        migrations.RunSQL(HOURS + TRIGGERS + REFILL, REVERSE),
    ]
