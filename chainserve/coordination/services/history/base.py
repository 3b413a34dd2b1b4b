"""What every further sheet of the history workbook shares: who imports it, its rows' days in the past, names
looked up, a record the platform has already refused, and records written with their history on their own day.

A sheet (`PastSheet`) declares its `model`, how a row's record is told apart from another (`identity`, and
`on_file` for those the platform keeps), how a row becomes a record (`build`) and the instant its history
starts (`moment`); `write` does the rest. A sheet that writes more than one kind of record (the annual lists)
overrides `write` and calls `create_past` for each.
"""

import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from chainserve.core.importing import Importer, RowError
from chainserve.core.search import Searchable, fill_search_text
from chainserve.demands.services.history import DATE_FORMATS, PastDemandImporter
from chainserve.registry.models import Organization

DEFAULT_TIME = datetime.time(9, 0)  # a ledger keeps days: a record of a day is put at 9:00


def imported_reason():
    """The change reason of an imported record's history, stored in the platform's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("imported from the history workbook")


def moment(day, time=None):
    """The instant a ledger's day stands for (9:00 unless the row gives a time)."""
    return timezone.make_aware(datetime.datetime.combine(day, time or DEFAULT_TIME))


class PastDateField(forms.DateField):
    """A day of a past year: in a ledger's formats, not in the future."""

    def __init__(self, **kwargs):
        super().__init__(input_formats=DATE_FORMATS, **kwargs)

    def validate(self, value):
        super().validate(value)
        if value and value > timezone.localdate():
            raise ValidationError(_("A date in the future (%(d)s).") % {"d": value.isoformat()})


class PastRowForm(forms.Form):
    """A row of a further sheet: its cells, with the names it gives looked up in refs (read once a sheet)."""

    def __init__(self, data, refs):
        super().__init__(data)
        self.refs = refs

    def _found(self, name, message):
        """The record refs[name] has under the cell's text (None for an empty cell); a name nothing has, or two
        records share, is a bad cell."""
        value = self.cleaned_data.get(name, "").strip()
        found = self.refs[name].get(value)
        if value and found is None:
            raise ValidationError(message % {"v": value})
        if found == "ambiguous":
            raise ValidationError(_("Several are called %(v)s.") % {"v": value})
        return found

    def _choice(self, name, table=None):
        """A choice by its code or its label; an empty cell is ""."""
        value = self.cleaned_data.get(name, "").strip().lower()
        table = self.refs[name] if table is None else table
        if value and value not in table:
            raise ValidationError(_("'%(v)s' is not a known value.") % {"v": self.cleaned_data[name]})
        return table.get(value, "")

    def _ordered(self, data, start, end):
        if data.get(start) and data.get(end) and data[end] < data[start]:
            self.add_error(end, _("The end date cannot be before the start date."))


def by_name(rows):
    """{name: pk}, "ambiguous" for a name two records share."""
    table = {}
    for pk, name in rows:
        table[name] = "ambiguous" if name in table else pk
    return table


def organizations(names, **kinds):
    """{name: pk} of the organisations (of those kinds) the sheet names; only those: the registry may be large."""
    return by_name(Organization.objects.filter(name__in=names, **kinds).values_list("pk", "name"))


def cells(rows, name):
    """The texts of a column, empty cells left out."""
    return {str(values.get(name) or "").strip() for _row, values in rows} - {""}


def create_past(model, objects, user, at):
    """Create past records with their change history: each one's first entry at(obj), its own day, marked
    imported; `created` is that instant too (bulk_create sets it to now first)."""
    if issubclass(model, Searchable):
        fill_search_text(objects)
    for obj in objects:
        obj._history_date = at(obj)
    bulk_create_with_history(objects, model, batch_size=500, default_user=user,
                             default_change_reason=imported_reason())
    if hasattr(model, "created"):
        for obj in objects:
            obj.created = obj._history_date
        model.objects.bulk_update(objects, ["created"], batch_size=500)


def change_past(model, objects, fields, user, at):
    """A later step of past records (a pairing that ended): saved, with a history entry at(obj), marked
    imported."""
    for obj in objects:
        obj._history_date = at(obj)
    bulk_update_with_history(objects, model, fields, batch_size=500, default_user=user,
                             default_change_reason=imported_reason())


class PastSheet(Importer):
    """A further sheet of the history workbook (`HistoryImporter.sheets`): imported by whoever imports the
    demands sheet (the operator, a platform admin), by the same command; a row whose record the platform has
    already (the workbook imported twice) is a bad row."""

    command = PastDemandImporter.command
    allowed = PastDemandImporter.allowed
    required = "title"  # the column a sheet cannot be without
    model = None
    refused = gettext_lazy("The platform has this one already, on the same day.")  # a row on_file has

    def identity(self, data):
        """What tells a row's record apart (a tuple), as `on_file` gives it for the stored ones."""
        raise NotImplementedError

    def on_file(self, rows):
        """The identities of the stored records that rows may repeat."""
        raise NotImplementedError

    def build(self, data):
        """The row's record, unsaved."""
        raise NotImplementedError

    def moment(self, obj):
        """The instant obj's history starts: the day it happened."""
        raise NotImplementedError

    def check(self, rows, result):
        on_file = self.on_file(rows) if rows else set()
        result.errors.extend(RowError(d["row"], [str(self.refused)]) for d in rows if self.identity(d) in on_file)

    def write(self, rows, result):
        objects = [self.build(d) for d in rows]
        create_past(self.model, objects, self.user, self.moment)
        self.written(objects, rows)
        result.created += len(objects)

    def written(self, objects, rows):
        """What follows the records' creation (their attendance, their end …): objects and rows in step."""
