"""The hours held sessions covered, counted per area, day and hour (``HeldHour``), and as two
masks per area and day (``HeldDay``, what the gaps page reads), kept by the database itself —
the model of ``observations`` migration 0004.

Statement-level triggers with transition tables on the session marks and on the
initiatives' areas: whatever writes them (the delivery page, the weekly email's links, a
``bulk_create``, ``seed_scale``'s ``INSERT … SELECT``, ``QuerySet.update``/``delete``, an
initiative deleted with its marks and areas, in either order) adds the new rows' hours to
their (area, day, hour) and subtracts the old rows', grouped, in the same transaction, then
computes the masks of the (area, day) keys it touched again from their counts (a mask is not
something one can subtract from: the counts are what keeps it exact). Only
held and moved sessions count; a moved one on its new date and times. The hours of a session
are the bits of ``coordination/queries/gaps.py``'s ``_day_mask``/``_next_mask``: every hour
its span touches, past midnight on the next day. After a load that bypassed the triggers
(``session_replication_role = replica``), run ``REFILL`` again.
"""

from django.db import migrations, models

SLOTS = """
CREATE FUNCTION initiatives_held_slots(starts time, ends time)
RETURNS SETOF smallint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT h::smallint FROM generate_series(
        date_part('hour', starts)::int,
        CASE WHEN ends > starts THEN ceil(date_part('epoch', ends) / 3600)::int ELSE 24 END - 1
    ) AS h
    UNION ALL
    SELECT (24 + h)::smallint
    FROM generate_series(0, ceil(date_part('epoch', ends) / 3600)::int - 1) AS h
    WHERE ends <= starts
$$;
"""

# A set of session marks ``m`` joined to their initiatives' areas ``ia`` (``{join}``), with
# ``{sign}`` 1 or -1: the counts per key.
_DELTA = """
    SELECT ia.area_id, coalesce(m.moved_on, m.on_date) AS held_on, s.slot,
           {sign} AS sessions
    FROM {join}
    CROSS JOIN LATERAL initiatives_held_slots(
        coalesce(m.moved_starts_at, m.starts_at), coalesce(m.moved_ends_at, m.ends_at)) AS s(slot)
    WHERE m.outcome IN ('held', 'moved')
"""

_MARKS = "{rows} AS m JOIN initiatives_initiative_areas ia ON ia.initiative_id = m.initiative_id"
_AREAS = "{rows} AS ia JOIN initiatives_sessionmark m ON m.initiative_id = ia.initiative_id"

_UPSERT = """
    INSERT INTO initiatives_held_hour AS t (area_id, held_on, slot, sessions)
    SELECT area_id, held_on, slot, sum(sessions) FROM ({deltas}) AS d
    GROUP BY held_on, area_id, slot
    HAVING sum(sessions) <> 0
    ORDER BY held_on, area_id, slot
    ON CONFLICT (held_on, area_id, slot) DO UPDATE SET sessions = t.sessions + EXCLUDED.sessions;
"""

# The (day, area) keys a set of marks touches (``{join}``).
_KEYS = """SELECT DISTINCT ia.area_id, coalesce(m.moved_on, m.on_date) AS held_on
           FROM {join} WHERE m.outcome IN ('held', 'moved')"""

# Then each touched key's masks again from its hour counts (``HeldDay``), a key without any
# hour left deleted.
_DAYS = """
    INSERT INTO initiatives_held_day AS t (held_on, area_id, mask, next_mask)
    SELECT k.held_on, k.area_id,
           coalesce(bit_or(1 << h.slot) FILTER (WHERE h.slot < 24), 0),
           coalesce(bit_or(1 << (h.slot - 24)) FILTER (WHERE h.slot >= 24), 0)
    FROM ({keys}) AS k
    JOIN initiatives_held_hour h ON h.held_on = k.held_on AND h.area_id = k.area_id
    GROUP BY k.held_on, k.area_id
    ORDER BY k.held_on, k.area_id
    ON CONFLICT (held_on, area_id) DO UPDATE
        SET mask = EXCLUDED.mask, next_mask = EXCLUDED.next_mask;
"""
_NO_DAYS = """
    DELETE FROM initiatives_held_day AS t USING ({keys}) AS k
    WHERE t.held_on = k.held_on AND t.area_id = k.area_id AND NOT EXISTS (
        SELECT 1 FROM initiatives_held_hour h
        WHERE h.held_on = t.held_on AND h.area_id = t.area_id);
"""

# After a delete or an update: the keys of the old rows that fell to 0.
_ZEROS = """
    DELETE FROM initiatives_held_hour AS t
    USING (SELECT DISTINCT ia.area_id, coalesce(m.moved_on, m.on_date) AS held_on
           FROM {join} WHERE m.outcome IN ('held', 'moved')) AS o
    WHERE t.held_on = o.held_on AND t.area_id = o.area_id AND t.sessions = 0;
"""


def _function(name: str, join: str) -> str:
    added = _DELTA.format(sign=1, join=join.format(rows="new_rows"))
    removed = _DELTA.format(sign=-1, join=join.format(rows="old_rows"))
    zeros = _ZEROS.format(join=join.format(rows="old_rows"))
    new_keys = _KEYS.format(join=join.format(rows="new_rows"))
    old_keys = _KEYS.format(join=join.format(rows="old_rows"))
    both_keys = f"{new_keys} UNION {old_keys}"
    return f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_UPSERT.format(deltas=added)}
        {_DAYS.format(keys=new_keys)}
    ELSIF TG_OP = 'DELETE' THEN
        {_UPSERT.format(deltas=removed)}
        {zeros}
        {_DAYS.format(keys=old_keys)}
        {_NO_DAYS.format(keys=old_keys)}
    ELSIF TG_OP = 'UPDATE' THEN
        {_UPSERT.format(deltas=added + " UNION ALL " + removed)}
        {zeros}
        {_DAYS.format(keys=both_keys)}
        {_NO_DAYS.format(keys=old_keys)}
    ELSIF TG_OP = 'TRUNCATE' THEN
        -- Not TRUNCATE: a flush truncates the tables in one statement.
        DELETE FROM initiatives_held_hour;
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
    _function("initiatives_held_hour_marks", _MARKS)
    + _function("initiatives_held_hour_areas", _AREAS)
    + _triggers("initiatives_sessionmark", "initiatives_held_hour_marks")
    + _triggers("initiatives_initiative_areas", "initiatives_held_hour_areas")
)

# The counts from scratch (the backfill; again after a load that bypassed the triggers).
REFILL = f"""
LOCK TABLE initiatives_sessionmark, initiatives_initiative_areas IN SHARE MODE;
DELETE FROM initiatives_held_hour;
DELETE FROM initiatives_held_day;
{_UPSERT.format(deltas=_DELTA.format(sign=1, join=_MARKS.format(rows="initiatives_sessionmark")))}
INSERT INTO initiatives_held_day (held_on, area_id, mask, next_mask)
SELECT held_on, area_id, coalesce(bit_or(1 << slot) FILTER (WHERE slot < 24), 0),
       coalesce(bit_or(1 << (slot - 24)) FILTER (WHERE slot >= 24), 0)
FROM initiatives_held_hour GROUP BY held_on, area_id ORDER BY held_on, area_id;
"""

REVERSE = (
    "".join(
        f"DROP TRIGGER IF EXISTS {table}_held_{op} ON {table};\n"
        for table in ("initiatives_sessionmark", "initiatives_initiative_areas")
        for op in ("insert", "update", "delete", "truncate")
    )
    + """
DROP FUNCTION IF EXISTS initiatives_held_hour_marks();
DROP FUNCTION IF EXISTS initiatives_held_hour_areas();
DROP FUNCTION IF EXISTS initiatives_held_slots(time, time);
"""
)


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0013_slot_week_index")]

    operations = [
        migrations.CreateModel(
            name="HeldHour",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "held_on",
                        "area_id",
                        "slot",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("area_id", models.IntegerField()),
                ("held_on", models.DateField()),
                ("slot", models.SmallIntegerField()),
                ("sessions", models.IntegerField()),
            ],
            options={
                "verbose_name": "held hour",
                "db_table": "initiatives_held_hour",
                "default_permissions": (),
            },
        ),
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
                ("mask", models.IntegerField()),
                ("next_mask", models.IntegerField()),
            ],
            options={
                "verbose_name": "held day",
                "db_table": "initiatives_held_day",
                "default_permissions": (),
            },
        ),
        migrations.RunSQL(SLOTS + TRIGGERS + REFILL, REVERSE),
    ]
