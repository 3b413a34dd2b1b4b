"""Drops rest_framework.authtoken's table of plaintext API keys (the app is gone: core.ApiToken replaces it).

Those keys cannot be kept: hashing them would keep working keys that sat readable in every backup. Users
get new ones with `chainserve token USER` (docs/operations.md)."""

from django.db import migrations
from django.db.migrations.recorder import MigrationRecorder

TABLE = "authtoken_token"


def drop_plaintext_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if TABLE in connection.introspection.table_names():
        schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(TABLE)}")
    # Forget authtoken's migrations too, so this database and a newly migrated one record the same ones
    # (a backup is restored only into a database of the same migrations).
    recorder = MigrationRecorder(connection)
    if recorder.has_table():
        recorder.migration_qs.filter(app="authtoken").delete()


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0006_api_token"),
    ]

    operations = [
        migrations.RunPython(drop_plaintext_tokens, migrations.RunPython.noop, elidable=True),
    ]
