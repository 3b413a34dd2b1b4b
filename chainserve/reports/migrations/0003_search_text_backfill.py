"""search_text of the existing IndustryScale, Bulletin rows, from their search fields as they are now."""

from django.db import migrations

from chainserve.core.search import backfill_search_text


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0002_search_text'),
    ]

    operations = [
        backfill_search_text("reports", "IndustryScale", ("source",)),
        backfill_search_text("reports", "Bulletin", ("title",)),
    ]
