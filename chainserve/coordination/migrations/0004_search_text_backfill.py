"""search_text of the existing Committee, Meeting, Decision, Activity, Agreement, Alliance, AnnualList, ListItem rows, from their search fields as they are now."""

from django.db import migrations

from chainserve.core.search import backfill_search_text


class Migration(migrations.Migration):

    dependencies = [
        ('coordination', '0003_search_text'),
    ]

    operations = [
        backfill_search_text("coordination", "Committee", ("name",)),
        backfill_search_text("coordination", "Meeting", ("title",)),
        backfill_search_text("coordination", "Decision", ("text",)),
        backfill_search_text("coordination", "Activity", ("title",)),
        backfill_search_text("coordination", "Agreement", ("title",)),
        backfill_search_text("coordination", "Alliance", ("name",)),
        backfill_search_text("coordination", "AnnualList", ("title",)),
        backfill_search_text("coordination", "ListItem", ("title",)),
    ]
