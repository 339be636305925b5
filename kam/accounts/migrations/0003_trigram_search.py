"""On PostgreSQL, trigram indexes make `name ILIKE '%…%'` searches fast at a million accounts."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS account_name_trgm ON accounts_account USING gin (upper(name) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS contact_name_trgm ON accounts_contact USING gin (upper(name) gin_trgm_ops)",
]
BACKWARD = ["DROP INDEX IF EXISTS account_name_trgm", "DROP INDEX IF EXISTS contact_name_trgm"]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial")]
    operations = [migrations.RunPython(forward, backward)]
