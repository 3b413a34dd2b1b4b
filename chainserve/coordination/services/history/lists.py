"""The history workbook's sheet of annual lists (年度清单): one row an item, the rows of one chain, year and kind
making one list, with the item's progress, status, completion day and its milestones with the days they were
done.

A list's history starts on the first day of its year, its items' too (as the list set them); a milestone's is
marked done on the day it was done, and an item's progress is a step on its timeline on the day it was reached
(its completion day, else the last milestone done, else the year's last day), all marked imported. A parent
item's progress and status come from its children, as the platform keeps them.
"""

import datetime
import re
from collections import defaultdict

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chainserve.chains.models import Chain
from chainserve.core.importing import RowError, cell_text, choice_lookup, column_message
from chainserve.registry.choices import OrgKind
from chainserve.registry.models import Organization

from ...choices import ItemStatus, ListKind
from ...models import AnnualList, ItemUpdate, ListItem, Milestone
from ..annual_lists import _parent_cycles, derived_status, parse_milestones, weighted_progress
from .base import PastDateField, PastRowForm, PastSheet, by_name, change_past, create_past, imported_reason, moment

LIST_HEADERS = {
    "chain": ["产业链", "chain"],
    "year": ["年度", "year"],
    "kind": ["清单类型", "kind"],
    "list_title": ["清单名称", "list_title"],
    "code": ["序号", "编号", "code"],
    "parent": ["上级序号", "parent"],
    "name": ["项目名称", "name", "title"],
    "owner": ["责任单位", "牵头单位", "owner"],
    "weight": ["权重", "weight"],
    "target": ["目标", "目标任务", "target"],
    "progress": ["进度（%）", "进度", "progress"],
    "status": ["状态", "status"],
    "done_on": ["完成日期", "done_on"],
    "milestones": ["节点", "时间节点", "milestones"],
}
# A milestone's day done after its title: 2024-03-31 完成选址（2024-03-28完成）, or (done 2024-03-28).
DONE = re.compile(r"^(.*?)\s*[（(]\s*(?:完成|done)?\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\s*(?:完成)?\s*[）)]$")


def history_milestones(text):
    """Milestones as a list writes them (annual_lists.parse_milestones), each perhaps with the day it was done
    in brackets: [(due_on, title, done_on or None)]."""
    found = []
    for due_on, title in parse_milestones(text):
        match = DONE.match(title)
        try:
            done_on = datetime.date(*map(int, match.groups()[1:])) if match else None
        except ValueError:
            raise ValidationError(_("'%(v)s' is not a date.") % {"v": title}) from None
        if done_on is not None and done_on > timezone.localdate():
            raise ValidationError(_("A date in the future (%(d)s).") % {"d": done_on.isoformat()})
        found.append((due_on, match.group(1) if match else title, done_on))
    return found


class PastListRowForm(PastRowForm):
    chain = forms.CharField()
    year = forms.IntegerField(min_value=2000)
    kind = forms.CharField()
    list_title = forms.CharField(max_length=200, required=False)
    code = forms.CharField(max_length=20)
    parent = forms.CharField(max_length=20, required=False)
    name = forms.CharField(max_length=200)
    owner = forms.CharField()
    weight = forms.IntegerField(min_value=1, max_value=1000, required=False)
    target = forms.CharField(required=False)
    progress = forms.IntegerField(min_value=0, max_value=100, required=False)
    status = forms.CharField(required=False)
    done_on = PastDateField(required=False)
    milestones = forms.CharField(required=False)

    def clean_chain(self):
        return self._found("chain", _("There is no chain called %(v)s."))

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year > timezone.localdate().year:
            raise ValidationError(_("A year in the future (%(y)s).") % {"y": year})
        return year

    def clean_kind(self):
        return self._choice("kind")

    def clean_owner(self):
        return self._found("owner", _("There is no department called %(v)s."))

    def clean_status(self):
        return self._choice("status")

    def clean_parent(self):
        code = self.cleaned_data.get("parent", "").strip()
        if code and _raw_key(self.data, self.refs["kind"], code) not in self.refs["items"]:
            raise ValidationError(_("No item of the list or of the file has the number %(v)s.") % {"v": code})
        return code

    def clean_milestones(self):
        return history_milestones(self.cleaned_data.get("milestones"))

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if (data["progress"] is not None or data["status"] or data["done_on"]) and _raw_key(
                self.data, self.refs["kind"], data["code"]) in self.refs["parents"]:
            self.add_error(None, _("A parent item's progress and status come from its children."))
            return data
        progress = data["progress"] if data["progress"] is not None else 100 if data["status"] == ItemStatus.DONE else 0
        status = data["status"] or (ItemStatus.DONE if progress == 100 else
                                    ItemStatus.IN_PROGRESS if progress else ItemStatus.NOT_STARTED)
        if (status == ItemStatus.DONE) != (progress == 100):
            self.add_error("status", _("A done item is at 100 %, and an item at 100 % is done."))
        elif status == ItemStatus.DONE and not data["done_on"]:
            self.add_error("done_on", _("Give the day a done item was done."))
        elif status != ItemStatus.DONE and data["done_on"]:
            self.add_error("done_on", _("Only a done item has a completion date."))
        data["progress"], data["status"] = progress, status
        return data


def _raw_key(values, kinds, code):
    """A row's list and item as its cells write them (a row may be bad): its list's chain, year and kind, and
    the item's number."""
    kind = cell_text(values.get("kind"))
    return (cell_text(values.get("chain")), cell_text(values.get("year")), kinds.get(kind.lower(), kind),
            cell_text(code))


def _list_key(d):
    return d["chain"], d["year"], d["kind"]


class PastListImporter(PastSheet):
    """The sheet of annual lists (年度清单) of the history workbook: a list the platform has (the same chain,
    year and kind) is refused row by row."""

    label = gettext_lazy("past annual list items")
    sheet_names = ("年度清单", "项目清单", "annual_lists")
    columns = LIST_HEADERS
    required = "code"
    row_form = PastListRowForm
    model = AnnualList
    refused = gettext_lazy("The platform has this list of the year already.")

    def refs(self, rows):
        kinds = choice_lookup(ListKind.choices)
        return {"chain": by_name(Chain.objects.values_list("pk", "name")),
                "kind": kinds,
                "items": {_raw_key(values, kinds, values.get("code")) for _row, values in rows},
                "parents": {_raw_key(values, kinds, values["parent"]) for _row, values in rows
                            if cell_text(values.get("parent"))},  # the items of the sheet that have children
                "status": choice_lookup(ItemStatus.choices) | {"进行中": ItemStatus.IN_PROGRESS},
                "owner": by_name(Organization.objects.filter(kind=OrgKind.DEPARTMENT).values_list("pk", "name"))}

    def key(self, d):
        return *_list_key(d), d["code"]

    def identity(self, d):
        return _list_key(d)

    def on_file(self, rows):
        return set(AnnualList.objects.filter(chain__in={d["chain"] for d in rows}).values_list(
            "chain_id", "year", "kind"))

    def check(self, rows, result):
        super().check(rows, result)
        message = column_message(self.headers()["parent"], _("An item cannot be under itself."))
        for items in _lists(rows).values():
            cycles = _parent_cycles(items, {})
            result.errors.extend(RowError(d["row"], [message]) for d in items if d["code"] in cycles)

    def write(self, rows, result):
        lists = _lists(rows)
        with translation.override(settings.LANGUAGE_CODE):  # stored: the platform's language
            annual_lists = [AnnualList(chain_id=chain, year=year, kind=kind, title=next(
                (d["list_title"].strip() for d in items if d["list_title"].strip()),
                _("%(year)s %(list)s") % {"year": year, "list": ListKind(kind).label}))
                for (chain, year, kind), items in lists.items()]
        create_past(AnnualList, annual_lists, self.user, _year_start)
        items = {}
        for annual_list, rows_of_list in zip(annual_lists, lists.values(), strict=True):
            items |= _items(annual_list, rows_of_list)
        for level in _levels(rows):  # parents first, so that each is created with its parent
            created = [items[_list_key(d), d["code"]] for d in level]
            for item in created:
                item.parent_id = item.parent.pk if item.parent else None  # the parent has an id now
            create_past(ListItem, created, self.user, lambda i: _year_start(i.annual_list))
        _write_steps(items, rows, self.user)
        result.created += len(items)


def _lists(rows):
    """{(chain, year, kind): its rows}, in the order of the sheet."""
    lists = defaultdict(list)
    for d in rows:
        lists[_list_key(d)].append(d)
    return lists


def _year_start(annual_list):
    return moment(datetime.date(annual_list.year, 1, 1))


def _items(annual_list, rows):
    """{(list key, code): item} of one list's rows, unsaved, a parent's progress and status from its children."""
    items = {d["code"]: ListItem(annual_list=annual_list, code=d["code"], title=d["name"].strip(), owner_id=d["owner"],
                                 weight=d["weight"] or 1, target=d["target"].strip(), progress=d["progress"],
                                 status=d["status"]) for d in rows}
    children = defaultdict(list)
    for d in rows:
        if d["parent"]:
            items[d["code"]].parent = items[d["parent"]]
            children[d["parent"]].append(items[d["code"]])

    def roll_up(code):
        item, kids = items[code], children.get(code)
        if kids:
            for kid in kids:
                roll_up(kid.code)
            item.progress = weighted_progress([(k.progress, k.weight) for k in kids])
            item.status = derived_status([k.status for k in kids])

    for d in rows:
        if not d["parent"]:
            roll_up(d["code"])
    return {(_list_key(d), d["code"]): items[d["code"]] for d in rows}


def _levels(rows):
    """The rows by their depth in their list, roots first."""
    parent_of = {(_list_key(d), d["code"]): d["parent"] for d in rows}

    def depth(key):
        return 0 if not parent_of[key] else 1 + depth((key[0], parent_of[key]))

    levels = defaultdict(list)
    for d in rows:
        levels[depth((_list_key(d), d["code"]))].append(d)
    return [levels[n] for n in sorted(levels)]


def _write_steps(items, rows, user):
    """Each item's milestones (done on their days) and the progress it reached, on its timeline."""
    milestones, updates = [], []
    parents = {(_list_key(d), d["parent"]) for d in rows if d["parent"]}
    for d in rows:
        item = items[_list_key(d), d["code"]]
        for due_on, title, done_on in d["milestones"]:
            milestones.append(Milestone(item=item, due_on=due_on, title=title[:200], done_on=done_on))
        if (_list_key(d), d["code"]) in parents:
            continue  # a parent's progress is its children's: no step of its own
        if item.progress or item.status != ItemStatus.NOT_STARTED:
            done = [m for _due, _title, m in d["milestones"] if m]
            day = d["done_on"] or max(done, default=min(datetime.date(d["year"], 12, 31), timezone.localdate()))
            updates.append((ItemUpdate(item=item, text=imported_reason(), progress=item.progress,
                                       status=item.status, author=user), moment(day)))
    done_later = [m for m in milestones if m.done_on]
    for m in done_later:
        m.done_on, m.done_day = None, m.done_on  # created undone on the list's first day, then done
    create_past(Milestone, milestones, user, lambda m: _year_start(m.item.annual_list))
    for m in done_later:
        m.done_on = m.done_day
    change_past(Milestone, done_later, ["done_on"], user, lambda m: moment(m.done_on))
    ItemUpdate.objects.bulk_create([u for u, _at in updates], batch_size=500)
    for update, at in updates:
        update.at = at  # auto_now_add set it to now
    ItemUpdate.objects.bulk_update([u for u, _at in updates], ["at"], batch_size=500)
