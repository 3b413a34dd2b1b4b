"""An approval date kept before the approval type was is a marketing approval (it was allowed on approved
products only)."""

from django.db import migrations


def backfill(apps, schema_editor):
    Product = apps.get_model("registry", "Product")
    Product.objects.filter(approved_on__isnull=False, approval_type="").update(approval_type="marketing")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0007_product_approval_type"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
