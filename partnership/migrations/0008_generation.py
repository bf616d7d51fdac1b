"""Issue 16: the generation of the public pages (``partnership/page_cache.py``).

The table, and the trigger function every table of the portal's apps calls after each
statement that writes to it (``post_migrate`` installs the triggers, on tables made later
too). The function never waits for a lock: a transaction's first write takes a generation
row nobody holds (``FOR UPDATE SKIP LOCKED``) or inserts a new one, and stores its id for
the rest of the transaction (``SET LOCAL``); each later write statement gives that row a new
token. So the generation changes in the same transaction as the write — visible with it, at
commit, to every worker — and cannot take part in a deadlock. A REPEATABLE READ or
SERIALIZABLE transaction always inserts (locking a row another transaction changed since
its snapshot would fail there)."""

from django.db import migrations, models

BUMP_FUNCTION = r"""
CREATE OR REPLACE FUNCTION portal_generation_bump() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    mine bigint := nullif(current_setting('portal.generation_row', true), '')::bigint;
BEGIN
    IF mine IS NOT NULL THEN
        UPDATE partnership_generation
           SET token = gen_random_uuid(), changed_at = clock_timestamp()
         WHERE id = mine;
        IF FOUND THEN
            RETURN NULL;
        END IF;
    END IF;
    mine := NULL;
    IF current_setting('transaction_isolation') = 'read committed' THEN
        SELECT id INTO mine FROM partnership_generation
         ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED;
    END IF;
    IF mine IS NOT NULL THEN
        UPDATE partnership_generation
           SET token = gen_random_uuid(), changed_at = clock_timestamp()
         WHERE id = mine;
    ELSE
        INSERT INTO partnership_generation (token, changed_at)
        VALUES (gen_random_uuid(), clock_timestamp())
        RETURNING id INTO mine;
    END IF;
    PERFORM set_config('portal.generation_row', mine::text, true);
    RETURN NULL;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("partnership", "0007_area_boundaries_in_rfc7946_order")]

    operations = [
        migrations.CreateModel(
            name="Generation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.UUIDField()),
                ("changed_at", models.DateTimeField()),
            ],
            options={
                "verbose_name": "generation of the public pages",
                "verbose_name_plural": "generations of the public pages",
            },
        ),
        migrations.RunSQL(
            BUMP_FUNCTION, "DROP FUNCTION IF EXISTS portal_generation_bump() CASCADE"
        ),
        migrations.RunSQL(
            "INSERT INTO partnership_generation (token, changed_at) "
            "VALUES (gen_random_uuid(), clock_timestamp())",
            migrations.RunSQL.noop,
        ),
    ]
