"""search_text of the existing Product rows, from their search fields as they are now;
and a trigram index on registry_person.search_text (a table that grows large)."""

from django.db import migrations

from chainserve.core.filters import trigram_index
from chainserve.core.search import backfill_search_text


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0004_search_text'),
    ]

    operations = [
        backfill_search_text("registry", "Product", ("name",)),
        trigram_index("registry_person", "person_search_trgm_idx"),
    ]
