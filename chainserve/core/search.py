"""The `search_text` a record is found by: a model mixin computing it on save, and the same for bulk writes.

A model lists its searched fields in `search_fields`; `search_text` holds them normalised (simplified,
half-width, lower case), each followed by its pinyin and initials (core.text.search_document), and is what
the `q` of every list matches (core.filters). A bulk write (bulk_create, an import, a generator) calls
`fill_search_text` on the objects before writing them; a migration adding the field backfills existing rows
with `backfill_search_text`.
"""

from django.db import migrations, models

from .text import search_document


class Searchable(models.Model):
    """A model found by `q`: its `search_text` is computed from `search_fields` on every save."""

    search_fields: tuple[str, ...] = ()
    search_text = models.TextField(editable=False, default="")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.refresh_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & set(self.search_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def refresh_search_text(self):
        self.search_text = search_document(*(str(getattr(self, name) or "") for name in self.search_fields))


def fill_search_text(objects):
    """The objects, their search_text filled: for writes that skip save() (bulk_create, bulk_update)."""
    for obj in objects:
        obj.refresh_search_text()
    return objects


def backfill_search_text(app_label, model_name, fields):
    """A migration step filling search_text of the existing rows from `fields` (as they are at that migration:
    a migration's model has no `search_fields`)."""

    def forwards(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        batch = []
        for row in model.objects.only("pk", *fields).iterator(chunk_size=2000):
            row.search_text = search_document(*(str(getattr(row, name) or "") for name in fields))
            batch.append(row)
            if len(batch) == 2000:
                model.objects.bulk_update(batch, ["search_text"])
                batch = []
        model.objects.bulk_update(batch, ["search_text"])

    return migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)
