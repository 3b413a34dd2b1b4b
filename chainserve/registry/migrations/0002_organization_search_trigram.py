"""A trigram index on registry_organization.search_text, so that the `q` search does not scan every row.

PostgreSQL: pg_trgm GIN index (the planner uses it for search_text LIKE '%term%').
SQLite: an FTS5 trigram table kept in step by triggers (chainserve.core.filters.sqlite_trigram_sql).
Only the database changes; the models do not (nothing for makemigrations to see).
"""

from django.db import migrations

from chainserve.core.filters import trigram_index


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [trigram_index("registry_organization", "org_search_trgm_idx")]
