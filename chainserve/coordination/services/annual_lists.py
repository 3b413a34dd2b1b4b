"""The annual lists: progress roll-up, items, updates, milestones and the Excel import."""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chainserve.core.importing import Importer, RowError, cell_text, column_message
from chainserve.core.services import required_text, save_record
from chainserve.core.uploads import SHOWN_NAME_CHARS, STORED_NAME_CHARS, short_name
from chainserve.demands import services as demand_services
from chainserve.registry.choices import OrgKind
from chainserve.registry.models import Organization

from ..choices import ItemStatus
from ..models import AnnualList, ItemUpdate, ListItem, Milestone
from .base import CoordinationError, _may_change, _with_author


def weighted_progress(children):
    """The weighted progress of (progress, weight) pairs, rounded half up to a whole percent."""
    total = sum(w for _p, w in children)
    if not total:
        return 0
    value = Decimal(sum(p * w for p, w in children)) / total
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def derived_status(statuses):
    """A parent item's status from its children's: done when all are, behind when one is."""
    statuses = set(statuses)
    if statuses == {ItemStatus.DONE}:
        return ItemStatus.DONE
    if ItemStatus.DELAYED in statuses:
        return ItemStatus.DELAYED
    if statuses <= {ItemStatus.NOT_STARTED}:
        return ItemStatus.NOT_STARTED
    return ItemStatus.IN_PROGRESS


def _roll_up(annual_list, user):
    """Recompute every parent item of the list from its children, leaves first; saves only what changed.
    The caller holds the list's row lock, so two updates of one list roll up one after the other."""
    items = {i.pk: i for i in ListItem.objects.filter(annual_list=annual_list)}
    children = {}
    for item in items.values():
        children.setdefault(item.parent_id, []).append(item)

    def visit(item):
        kids = children.get(item.pk)
        if kids:
            for kid in kids:
                visit(kid)
            progress = weighted_progress([(k.progress, k.weight) for k in kids])
            status = derived_status([k.status for k in kids])
            if (item.progress, item.status) != (progress, status):
                item.progress, item.status = progress, status
                _with_author(item, user).save(update_fields=["progress", "status", "updated"])

    for root in children.get(None, []):
        visit(root)


def _lock_list(annual_list_id):
    return AnnualList.objects.select_for_update().get(pk=annual_list_id)


def _check_parent(item):
    """The parent is an item of the same list and not the item itself or one of its descendants."""
    parent = item.parent
    if parent is None:
        return
    if parent.annual_list_id != item.annual_list_id:
        raise ValidationError({"parent": _("The parent item belongs to another list.")})
    while parent is not None:
        if parent.pk == item.pk:
            raise ValidationError({"parent": _("An item cannot be under itself.")})
        parent = parent.parent


def save_item(user, item):
    """Create or change a list item (its weight or place may change a parent's progress); a parent's progress
    and status come from its children and are recomputed here."""
    _check_parent(item)
    with transaction.atomic():
        annual_list = _lock_list(item.annual_list_id)
        save_record(user, item)
        _roll_up(annual_list, user)
    return item


def check_evidence(f):
    """Evidence files obey the demands' attachment rules (size and type by name and by content)."""
    try:
        demand_services.check_attachment(f)
    except ValidationError as e:
        raise ValidationError({"evidence": e.message_dict["files"]}) from None


def post_update(item, user, text, progress=None, status="", evidence=None):
    """Add a step to an item's timeline: what was done, optionally the progress reached (a leaf item only),
    its status and an evidence file. 100 % means done; a done item is at 100 %."""
    _may_change(user, ListItem, item.pk)
    text = required_text(text, "text", _("Write what was done."))
    if evidence is not None:
        check_evidence(evidence)
    with transaction.atomic():
        annual_list = _lock_list(item.annual_list_id)
        item = ListItem.objects.get(pk=item.pk)
        is_parent = item.children.exists()
        if is_parent and (progress is not None or status):
            raise ValidationError({"progress" if progress is not None else "status": _(
                "A parent item's progress and status come from its children.")})
        if progress is not None and not 0 <= progress <= 100:
            raise ValidationError({"progress": _("Progress is between 0 and 100 %.")})
        new_progress = item.progress if progress is None else progress
        new_status = status or (ItemStatus.DONE if new_progress == 100 else
                                ItemStatus.IN_PROGRESS if new_progress > 0 and item.status in (
                                    ItemStatus.NOT_STARTED, ItemStatus.DONE) else item.status)
        if (new_status == ItemStatus.DONE) != (new_progress == 100) and not is_parent:
            raise ValidationError({"status": _("A done item is at 100 %, and an item at 100 % is done.")})
        update = ItemUpdate(item=item, text=text, progress=progress, status=status, author=user)
        if evidence is not None:
            # the name shown and the name on disk are cut keeping the extension, as a demand's attachments are
            update.evidence_name = short_name(evidence.name, SHOWN_NAME_CHARS)
            evidence.name = short_name(evidence.name, STORED_NAME_CHARS)
            update.evidence = evidence
        update.save()
        if not is_parent and (new_progress, new_status) != (item.progress, item.status):
            item.progress, item.status = new_progress, new_status
            _with_author(item, user).save(update_fields=["progress", "status", "updated"])
            _roll_up(annual_list, user)
    return update


def add_milestone(item, user, due_on, title, target_progress=None):
    """A dated milestone of an item, optionally with the progress the item is to reach by then: once the date
    has passed below it (or, without one, with the milestone not done) the item is behind (with_lateness)."""
    _may_change(user, ListItem, item.pk)
    title = required_text(title, "title", _("Write the milestone."))
    if target_progress is not None and not 0 <= target_progress <= 100:
        raise ValidationError({"target_progress": _("Progress is between 0 and 100 %.")})
    with transaction.atomic():
        milestone = _with_author(Milestone(item=item, due_on=due_on, title=title[:200],
                                           target_progress=target_progress), user)
        milestone.save()
    return milestone


def milestone_done(milestone, user, on=None):
    _may_change(user, ListItem, milestone.item_id)
    with transaction.atomic():
        m = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if m.done_on is not None:
            raise CoordinationError(_("The milestone is already done."))
        m.done_on = on or timezone.localdate()
        _with_author(m, user).save()
    return m


# Header aliases of a list workbook's first row: Chinese as offices write them, the export's English labels,
# and the API's field names.
LIST_HEADERS = {
    "code": ["序号", "编号", "Number", "code"],
    "parent": ["上级序号", "Parent number", "parent"],
    "name": ["项目名称", "名称", "标题", "Title", "title", "name"],
    "owner": ["责任单位", "牵头单位", "责任部门", "Owner department", "owner"],
    "weight": ["权重", "Weight", "weight"],
    "target": ["目标", "目标任务", "Target", "target"],
    "milestones": ["节点", "时间节点", "Milestones", "milestones"],
}
MILESTONE_SPLIT = re.compile(r"[;；\n]+")
MILESTONE_LINE = re.compile(r"^\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\s+(.+?)\s*$")


def parse_milestones(text):
    """Milestones written as "2026-03-31 完成选址; 2026-06-30 开工", as [(date, title)]; a ValidationError names the bad part."""
    found = []
    for part in MILESTONE_SPLIT.split(text or ""):
        if not part.strip():
            continue
        match = MILESTONE_LINE.match(part)
        try:
            day = datetime.date(*map(int, match.groups()[:3])) if match else None
        except ValueError:
            day = None
        if day is None:
            raise ValidationError(_("'%(v)s' is not a date followed by a milestone (2026-03-31 完成选址).")
                                  % {"v": part.strip()})
        found.append((day, match.group(4)[:200]))
    return found


def format_milestones(milestones):
    """Milestones on one line as parse_milestones reads them back; in Chinese joined with the full-width
    semicolon, as official documents write a list."""
    separator = "\uff1b" if (translation.get_language() or "").startswith("zh") else "; "
    return separator.join(f"{m.due_on.isoformat()} {m.title}" for m in milestones)


class ListRowForm(forms.Form):
    code = forms.CharField(max_length=20)
    parent = forms.CharField(max_length=20, required=False)
    name = forms.CharField(max_length=200)
    owner = forms.CharField()
    weight = forms.IntegerField(required=False, min_value=1, max_value=1000)
    target = forms.CharField(required=False)
    milestones = forms.CharField(required=False)

    def __init__(self, data, refs):
        super().__init__(data)
        self.refs = refs

    def clean_owner(self):
        name = self.cleaned_data["owner"].strip()
        if name not in self.refs["departments"]:
            raise ValidationError(_("There is no department called %(v)s.") % {"v": name})
        return self.refs["departments"][name]

    def clean_parent(self):
        code = (self.cleaned_data.get("parent") or "").strip()
        if code and code not in self.refs["codes"]:
            raise ValidationError(_("No item of the list or of the file has the number %(v)s.") % {"v": code})
        if code and code == (self.data.get("code") or "").strip():
            raise ValidationError(_("An item cannot be under itself."))
        return code

    def clean_milestones(self):
        return parse_milestones(self.cleaned_data.get("milestones"))


def _parent_cycles(rows, existing):
    """Codes of rows whose chain of parents comes back to them."""
    parent_of = {code: item.parent.code if item.parent else "" for code, item in existing.items()}
    parent_of.update({d["code"]: d["parent"] for d in rows})
    bad = set()
    for code in parent_of:
        seen, cur = set(), code
        while cur and cur not in seen:
            seen.add(cur)
            cur = parent_of.get(cur, "")
        if cur == code:
            bad.add(code)
    return bad


class ListImporter(Importer):
    """The items of an annual list (options: annual_list, its id): an item whose number is in the list is
    updated (its milestones replaced when the row gives some), the others are added."""

    kind = "list"
    label = gettext_lazy("list items")
    columns = LIST_HEADERS
    row_form = ListRowForm

    def authorize(self):
        _may_change(self.user, AnnualList, self.options["annual_list"])

    def get_success_url(self):
        return reverse("coordination:annual-list", args=[self.options["annual_list"]])

    def refs(self, rows):
        self.existing = {i.code: i for i in ListItem.objects.filter(
            annual_list=self.options["annual_list"]).select_related("parent")}
        return {
            "departments": {o.name: o for o in Organization.objects.filter(kind=OrgKind.DEPARTMENT)},
            "codes": set(self.existing) | {cell_text(v.get("code")) for _n, v in rows},
        }

    def key(self, data):
        return data["code"]

    def check(self, rows, result):
        message = column_message(self.headers()["parent"], _("An item cannot be under itself."))
        cycles = _parent_cycles(rows, self.existing)
        result.errors.extend(RowError(d["row"], [message]) for d in rows if d["code"] in cycles)

    def write(self, rows, result):
        user = self.user
        annual_list = _lock_list(self.options["annual_list"])
        items = dict(self.existing)
        for d in rows:
            item = items.get(d["code"]) or ListItem(annual_list=annual_list, code=d["code"])
            result.created += item.pk is None
            result.updated += item.pk is not None
            item.title, item.owner, item.target = d["name"], d["owner"], d["target"] or item.target
            item.weight = d["weight"] or item.weight
            _with_author(item, user).save()
            items[d["code"]] = item
        for d in rows:
            item = items[d["code"]]
            parent = items.get(d["parent"]) if d["parent"] else None
            if item.parent_id != (parent.pk if parent else None):
                item.parent = parent
                _with_author(item, user).save(update_fields=["parent", "updated"])
            if d["milestones"]:
                item.milestones.all().delete()
                for due_on, title in d["milestones"]:
                    _with_author(Milestone(item=item, due_on=due_on, title=title), user).save()
        _roll_up(annual_list, user)


def import_list(file, user, annual_list, *, commit=True):
    """Import the items of an annual list from a workbook: every row is checked, and if any is bad nothing is
    written and each bad row is listed with its row and column."""
    # No command imports a list: one request reads it, within a request's limits.
    return ListImporter(user, annual_list=annual_list.pk).run(file, commit=commit)
