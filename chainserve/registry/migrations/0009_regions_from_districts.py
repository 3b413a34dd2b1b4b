"""The flat list of districts becomes the region tree (core.Region): each district keeps its id as a district-level
region, under a city and a province made above them (codes from the districts' GB/T 2260 prefixes), so every key
that named a district names the same region. The city chains' region is set by chains 0006."""

from collections import Counter

from django.core.management.color import no_style
from django.db import migrations

# The names of the demo's province and city; any other install's are named by their code until an admin renames them.
NAMES = {"420000": "江南省", "420900": "明湖市"}


def regions_from_districts(apps, schema_editor):
    District, Region = apps.get_model("registry", "District"), apps.get_model("core", "Region")
    districts = list(District.objects.order_by("pk"))
    if not districts:
        return
    city_code = Counter(d.code[:4] for d in districts if len(d.code) >= 4).most_common(1)
    city_code = (city_code[0][0] if city_code else "0000") + "00"
    province_code = city_code[:2] + "0000"
    top = max(d.pk for d in districts)
    province = Region.objects.create(pk=top + 1, code=province_code, name=NAMES.get(province_code, province_code),
                                     level="province", path=f"{province_code}/")
    city = Region.objects.create(pk=top + 2, code=city_code, name=NAMES.get(city_code, city_code), level="city",
                                 parent=province, path=f"{province.path}{city_code}/")
    Region.objects.bulk_create([Region(pk=d.pk, code=d.code, name=d.name, level="district", parent=city,
                                       path=f"{city.path}{d.code}/") for d in districts])
    # Rows written with their ids: PostgreSQL's sequence must move past them.
    with schema_editor.connection.cursor() as cursor:
        for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), [Region]):
            cursor.execute(sql)


def districts_from_regions(apps, schema_editor):
    District, Region = apps.get_model("registry", "District"), apps.get_model("core", "Region")
    District.objects.bulk_create([District(pk=r.pk, code=r.code, name=r.name)
                                  for r in Region.objects.filter(level="district")], ignore_conflicts=True)
    Region.objects.update(parent=None)
    Region.objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0011_region_tree"),
        ("registry", "0008_product_approval_type_backfill"),
    ]

    operations = [migrations.RunPython(regions_from_districts, districts_from_regions)]
