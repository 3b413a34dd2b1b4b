"""search_text of the existing Demand rows, from their search fields as they are now;
and a trigram index on demands_demand.search_text (a table that grows large)."""

from django.db import migrations

from chainserve.core.filters import trigram_index
from chainserve.core.search import backfill_search_text


class Migration(migrations.Migration):

    dependencies = [
        ('demands', '0009_search_text'),
    ]

    operations = [
        backfill_search_text("demands", "Demand", ("title", "number")),
        trigram_index("demands_demand", "demand_search_trgm_idx"),
    ]
