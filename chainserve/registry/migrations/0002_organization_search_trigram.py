"""A trigram index on registry_organization.search_text, so that the `q` search does not scan every row.

PostgreSQL: pg_trgm GIN index (the planner uses it for search_text LIKE '%term%').
SQLite: an FTS5 trigram table kept in step by triggers (chainserve.core.filters.sqlite_trigram_sql).
Only the database changes; the models do not (nothing for makemigrations to see).
"""

from django.db import migrations

from chainserve.core.filters import sqlite_trigram_sql

TABLE = "registry_organization"
PG_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE INDEX IF NOT EXISTS org_search_trgm_idx ON {TABLE} USING gin (search_text gin_trgm_ops)",
]
PG_DROP = ["DROP INDEX IF EXISTS org_search_trgm_idx"]


def _run(schema_editor, statements):
    for sql in statements:
        schema_editor.execute(sql, params=None)


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, PG_CREATE)
    elif vendor == "sqlite":
        _run(schema_editor, sqlite_trigram_sql(TABLE)[0])


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, PG_DROP)
    elif vendor == "sqlite":
        _run(schema_editor, sqlite_trigram_sql(TABLE)[1])


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
