# A reopened demand kept the result it was reopened from as if it were its present one (shown "in progress");
# that result is in its closing event, so an open demand holds none.

from django.db import migrations

OPEN = ("new", "accepted", "dispatched", "waiting")


def clear_reopened_results(apps, schema_editor):
    Demand = apps.get_model("demands", "Demand")
    Demand.objects.filter(status__in=OPEN).exclude(resolution="", proposal_grade="").update(
        resolution="", proposal_grade="")


class Migration(migrations.Migration):

    dependencies = [
        ("demands", "0013_demand_withdrawn_supplemented"),
    ]

    operations = [
        migrations.RunPython(clear_reopened_results, migrations.RunPython.noop),
    ]
