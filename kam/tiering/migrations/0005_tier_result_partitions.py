"""TierResult partitioned by run on PostgreSQL (docs/adr/0005-tier-results-partitioned-by-run.md).

A run writes its 100,000 result rows into a table of its own without indexes and builds the two
indexes afterwards, one sort each, then attaches the table as the run's partition — instead of inserting
every row into the B-trees of a table that grows by 31 MB per run. The model and its queries do not change;
SQLite keeps the plain table. Existing rows move into one partition per run. There is no DEFAULT
partition: only the recompute inserts, always into its run's partition, and attaching a partition next to a
DEFAULT one would lock that one for the rest of the run's transaction.
"""

from django.db import migrations

TABLE = "tiering_tierresult"
OLD = "tiering_tierresult_unpartitioned"

PARTITION = [
    f"CREATE TABLE {OLD} (LIKE {TABLE} INCLUDING DEFAULTS)",
    f"INSERT INTO {OLD} SELECT * FROM {TABLE}",
    f"DROP TABLE {TABLE}",
    f"CREATE TABLE {TABLE} (LIKE {OLD} INCLUDING DEFAULTS) PARTITION BY LIST (run_id)",
    f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (run_id, account_id)",
    f"CREATE INDEX tier_result_score_idx ON {TABLE} (run_id, score DESC, account_id)",
    f"""DO $$
    DECLARE run bigint;
    BEGIN
        FOR run IN SELECT DISTINCT run_id FROM {OLD} LOOP
            EXECUTE 'CREATE TABLE {TABLE}_r' || run || ' PARTITION OF {TABLE} FOR VALUES IN (' || run || ')';
        END LOOP;
    END $$""",
    f"INSERT INTO {TABLE} SELECT * FROM {OLD}",
    f"DROP TABLE {OLD}",
]

UNPARTITION = [
    f"CREATE TABLE {OLD} (LIKE {TABLE} INCLUDING DEFAULTS)",
    f"INSERT INTO {OLD} SELECT * FROM {TABLE}",
    f"DROP TABLE {TABLE}",
    f"ALTER TABLE {OLD} RENAME TO {TABLE}",
    f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (run_id, account_id)",
    f"CREATE INDEX tier_result_score_idx ON {TABLE} (run_id, score DESC, account_id)",
]


def partition(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in PARTITION:
            schema_editor.execute(statement)


def unpartition(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in UNPARTITION:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("tiering", "0004_tier_result_run_unchecked")]

    operations = [migrations.RunPython(partition, unpartition, elidable=False)]
