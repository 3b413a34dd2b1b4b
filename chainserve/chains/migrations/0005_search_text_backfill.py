"""search_text of the existing Chain, Segment rows, from their search fields as they are now."""

from django.db import migrations

from chainserve.core.search import backfill_search_text


class Migration(migrations.Migration):

    dependencies = [
        ('chains', '0004_search_text'),
    ]

    operations = [
        backfill_search_text("chains", "Chain", ("name",)),
        backfill_search_text("chains", "Segment", ("name",)),
    ]
