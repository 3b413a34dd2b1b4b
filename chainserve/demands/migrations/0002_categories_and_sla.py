from django.db import migrations

CATEGORIES = [
    ("policy", "政策支持"), ("public-service", "公共服务"), ("financing", "融资需求"), ("talent", "人才招引"),
    ("site", "选址与空间"), ("regulatory", "审评审批沟通"), ("clinical", "临床试验合作"),
    ("market", "市场与应用推广"), ("other", "其他"),
]
# (priority, accept, first answer, resolve, co-handlers) in working days: 接诉即办 practice.
DEFAULT_SLA = [("normal", 1, 2, 10, 5), ("urgent", 1, 1, 5, 3), ("complex", 1, 3, 25, 10)]


def seed(apps, schema_editor):
    Category = apps.get_model("demands", "Category")
    SlaPolicy = apps.get_model("demands", "SlaPolicy")
    for i, (slug, name) in enumerate(CATEGORIES):
        Category.objects.get_or_create(slug=slug, defaults={"name": name, "position": i})
    for priority, accept, answer, resolve, co in DEFAULT_SLA:
        SlaPolicy.objects.get_or_create(category=None, priority=priority, defaults={
            "accept_days": accept, "answer_days": answer, "resolve_days": resolve, "cohandler_days": co})


class Migration(migrations.Migration):
    dependencies = [("demands", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
