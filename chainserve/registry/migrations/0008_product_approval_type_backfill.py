"""An approval date kept before the approval type was, on an approved product (or one whose phase is not filled
in), is its marketing approval — as Product.implied_approval_type says for a date given without a type."""

from django.db import migrations


def backfill(apps, schema_editor):
    Product = apps.get_model("registry", "Product")
    Product.objects.filter(approved_on__isnull=False, approval_type="", phase__in=["approved", ""]).update(
        approval_type="marketing")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0007_product_approval_type"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
