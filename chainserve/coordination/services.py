"""Every change in coordination: meetings and their agenda, decisions and action items, sign-ups and
check-in, cancelling, visits, the annual lists (progress roll-up, timeline, Excel import). Each checks the
user's scope, keeps history with the author, and is atomic."""

import datetime
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chainserve.core.choices import Role
from chainserve.core.importing import Importer, RowError, cell_text
from chainserve.core.models import User
from chainserve.core.money import FEN_PER_WAN
from chainserve.core.services import notify, required_text, save_record
from chainserve.core.uploads import SHOWN_NAME_CHARS, STORED_NAME_CHARS, short_name
from chainserve.demands import services as demand_services
from chainserve.registry.choices import OrgKind
from chainserve.registry.models import Organization

from .choices import ActionStatus, ActivityStatus, ItemStatus, MeetingStatus
from .models import (
    ActionItem,
    Activity,
    AgendaItem,
    AnnualList,
    Attendance,
    Attendee,
    CalendarFeed,
    Decision,
    ItemUpdate,
    ListItem,
    Meeting,
    Milestone,
    Registration,
    Visit,
)

VISIT_WARNING_DAYS = 14


class CoordinationError(Exception):
    """A step the record's state does not allow; the message says why."""


def _may_change(user, model, pk):
    if not model.objects.restrict(user, "change").filter(pk=pk).exists():
        raise PermissionDenied(_("You may not change this record."))


def _with_author(obj, user):
    obj._history_user = user
    return obj


def wan_to_fen(value):
    """An amount typed in 万元 (a Decimal) as integer fen; refuses more precision than one fen."""
    if value is None:
        return None
    fen = value * FEN_PER_WAN
    if fen != fen.to_integral_value():
        raise ValidationError({"amount": _("Give the amount to the fen at most.")})
    return int(fen)


# ---------------------------------------------------------------- joint meetings

def build_agenda(meeting, user):
    """Put on the agenda every demand escalated to the joint meeting of the meeting's chain that is not on it
    yet; returns the agenda items added."""
    _may_change(user, Meeting, meeting.pk)
    added = []
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        present = set(meeting.agenda.exclude(demand=None).values_list("demand_id", flat=True))
        position = meeting.agenda.count()
        for demand in demand_services.agenda_candidates(meeting.chain).order_by("created", "pk"):
            if demand.pk in present:
                continue
            position += 1
            item = _with_author(AgendaItem(meeting=meeting, demand=demand, topic=demand.title[:200],
                                           position=position), user)
            item.save()
            added.append(item)
    return added


def add_topic(meeting, user, topic):
    _may_change(user, Meeting, meeting.pk)
    topic = required_text(topic, "topic", _("Write the topic."))
    with transaction.atomic():
        item = _with_author(AgendaItem(meeting=meeting, topic=topic[:200], position=meeting.agenda.count() + 1), user)
        item.save()
    return item


def record_attendance(meeting, user, organization, name="", present=True):
    _may_change(user, Meeting, meeting.pk)
    with transaction.atomic():
        row, _created = Attendance.objects.get_or_create(meeting=meeting, organization=organization,
                                                         name=name.strip()[:60], defaults={"present": present})
        if row.present != present:
            row.present = present
            _with_author(row, user).save()
    return row


def record_minutes(meeting, user, minutes, held=True):
    """Write the minutes; a scheduled meeting whose minutes are written has been held."""
    _may_change(user, Meeting, meeting.pk)
    with transaction.atomic():
        m = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if m.status == MeetingStatus.CANCELLED:
            raise CoordinationError(_("The meeting was cancelled."))
        m.minutes = minutes.strip()
        if held:
            m.status = MeetingStatus.HELD
        _with_author(m, user).save()
    return m


@dataclass
class DecisionInput:
    text: str
    owner: object
    due_on: datetime.date
    agenda_item: object = None
    resolves_demand: bool = False


def decide(meeting, user, data: DecisionInput):
    """Record a decision and the action item it creates; if it resolves the agenda item's demand, the demand
    is closed as resolved at this meeting (its event names the meeting)."""
    _may_change(user, Meeting, meeting.pk)
    text = required_text(data.text, "text", _("Write the decision."))
    if data.owner is None or data.owner.kind != OrgKind.DEPARTMENT:
        raise ValidationError({"owner": _("The owner of an action item is a government department.")})
    if data.due_on is None:
        raise ValidationError({"due_on": _("Give the due date.")})
    item = data.agenda_item
    if item is not None and item.meeting_id != meeting.pk:
        raise ValidationError({"agenda_item": _("The agenda item belongs to another meeting.")})
    if data.resolves_demand and (item is None or item.demand_id is None):
        raise ValidationError({"resolves_demand": _("Only a decision on a demand of the agenda can resolve it.")})
    with transaction.atomic():
        if meeting.status == MeetingStatus.CANCELLED:
            raise CoordinationError(_("The meeting was cancelled."))
        decision = _with_author(Decision(meeting=meeting, agenda_item=item, text=text, created_by=user), user)
        decision.save()
        action = _with_author(ActionItem(decision=decision, owner=data.owner, due_on=data.due_on), user)
        action.save()
        if data.resolves_demand:
            try:
                demand_services.resolve_at_meeting(item.demand, user, meeting, text)
            except demand_services.TransitionError as e:
                raise CoordinationError(str(e)) from None
            item.resolved = True
            _with_author(item, user).save(update_fields=["resolved"])
        _notify_owner(action)
    return decision


def _notify_owner(action):
    handlers = User.objects.filter(role=Role.HANDLER, organization_id=action.owner_id)
    transaction.on_commit(lambda: notify(
        list(handlers), f"action-item:{action.pk}", _("Action item from %(m)s") % {"m": action.meeting},
        action.decision.text, action.get_absolute_url()))


def update_action(action, user, progress, done=False):
    """Report progress on an action item, or mark it done; the owner department or the chain office may."""
    progress = required_text(progress, "progress", _("Write what was done."))
    _may_change(user, ActionItem, action.pk)
    with transaction.atomic():
        a = ActionItem.objects.select_for_update().get(pk=action.pk)
        if a.status == ActionStatus.DONE:
            raise CoordinationError(_("The action item is already done."))
        a.progress = progress
        if done:
            a.status, a.done_at = ActionStatus.DONE, timezone.now()
        _with_author(a, user).save()
    return a


# ---------------------------------------------------------------- activities

def sign_up(activity, user, organization, attendees, note=""):
    """An enterprise signs up for an activity with several attendees ((name, title, phone) each)."""
    attendees = [(n.strip(), t.strip(), p.strip()) for n, t, p in attendees if n and n.strip()]
    if user.role == Role.ENTERPRISE:
        if organization.pk != user.organization_id:
            raise PermissionDenied(_("An enterprise signs up only for itself."))
        if not Activity.objects.restrict(user).filter(pk=activity.pk).exists():
            raise PermissionDenied(_("This activity is not open to you."))
    else:
        _may_change(user, Activity, activity.pk)
    if organization.kind != OrgKind.ENTERPRISE:
        raise ValidationError({"organization": _("Only enterprises sign up.")})
    if not attendees:
        raise ValidationError({"attendees": _("Name at least one attendee.")})
    with transaction.atomic():
        a = Activity.objects.select_for_update().get(pk=activity.pk)
        if a.status != ActivityStatus.PLANNED or a.starts_at < timezone.now():
            raise CoordinationError(_("Sign-up is closed for this activity."))
        if Registration.objects.filter(activity=a, organization=organization).exists():
            raise ValidationError({"organization": _("This enterprise has already signed up.")})
        if a.capacity is not None:
            taken = Attendee.objects.filter(registration__activity=a).count()
            if taken + len(attendees) > a.capacity:
                raise ValidationError({"attendees": _("Only %(n)d places are left.") % {"n": max(0, a.capacity - taken)}})
        reg = _with_author(Registration(activity=a, organization=organization, registered_by=user,
                                        note=note.strip()[:200]), user)
        reg.save()
        for name, title, phone in attendees:
            _with_author(Attendee(registration=reg, name=name[:60], title=title[:80], phone=phone[:20]), user).save()
    return reg


def find_registration(user, code):
    """The registration with this check-in code on an activity the user runs, or None."""
    code = (code or "").strip().upper()
    if not code:
        return None
    return Registration.objects.restrict(user, "change").filter(code=code).select_related(
        "activity", "organization").first()


def check_in(registration, user, attendee_ids=None):
    """Check in the given attendees of a registration (all by default); returns how many were checked in now."""
    if user.role == Role.ENTERPRISE:
        raise PermissionDenied(_("Attendees are checked in by the organisers."))
    _may_change(user, Registration, registration.pk)
    with transaction.atomic():
        rows = Attendee.objects.select_for_update().filter(registration=registration, checked_in_at__isnull=True)
        if attendee_ids is not None:
            rows = rows.filter(pk__in=attendee_ids)
        now, count = timezone.now(), 0
        for att in rows:
            att.checked_in_at, att.checked_in_by = now, user
            _with_author(att, user).save()
            count += 1
    return count


def record_outcome(activity, user, outcome, leads_found=0, demands_raised=0):
    _may_change(user, Activity, activity.pk)
    with transaction.atomic():
        a = Activity.objects.select_for_update().get(pk=activity.pk)
        if a.status == ActivityStatus.CANCELLED:
            raise CoordinationError(_("The activity was cancelled."))
        a.outcome, a.leads_found, a.demands_raised = outcome.strip(), leads_found, demands_raised
        a.status = ActivityStatus.HELD
        _with_author(a, user).save()
    return a


# ---------------------------------------------------------------- visits

def recent_visits_by_others(organization, user, on_date=None, exclude=None):
    """Visits to organization by someone other than user within VISIT_WARNING_DAYS before on_date
    (firms complain of being visited by several offices)."""
    on_date = on_date or timezone.localdate()
    since = on_date - datetime.timedelta(days=VISIT_WARNING_DAYS)
    qs = Visit.objects.filter(organization=organization, visited_on__gte=since, visited_on__lte=on_date)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.exclude(visitor=user).select_related("visitor")


def demand_from_visit(visit, user, category, title, description):
    """Record a demand raised during a visit (channel: visit) and link it to the visit."""
    _may_change(user, Visit, visit.pk)
    with transaction.atomic():
        demand = demand_services.submit(user, demand_services.Intake(
            organization=visit.organization, category=category, title=title, description=description,
            channel="visit"))
        visit.demands.add(demand)
    return demand


# ---------------------------------------------------------------- annual lists

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


def add_milestone(item, user, due_on, title):
    _may_change(user, ListItem, item.pk)
    title = required_text(title, "title", _("Write the milestone."))
    with transaction.atomic():
        milestone = _with_author(Milestone(item=item, due_on=due_on, title=title[:200]), user)
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
    return "; ".join(f"{m.due_on.isoformat()} {m.title}" for m in milestones)


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
        message = f"{self.headers()['parent']}: {_('An item cannot be under itself.')}"
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


# ---------------------------------------------------------------- cancelling, calendar

def _cancel(model, obj, user, reason, open_status, refusal):
    _may_change(user, model, obj.pk)
    reason = required_text(reason, "reason", _("Give the reason for cancelling."))
    with transaction.atomic():
        row = model.objects.select_for_update().get(pk=obj.pk)
        if row.status != open_status:
            raise CoordinationError(refusal)
        row.status, row.cancel_reason = "cancelled", reason
        _with_author(row, user).save()
    return row


def _notify_cancelled(row, users):
    title = _("Cancelled: %(t)s") % {"t": row}
    transaction.on_commit(lambda: notify(list(users), f"cancelled:{row._meta.model_name}:{row.pk}", title,
                                         row.cancel_reason, row.get_absolute_url()))


def cancel_meeting(meeting, user, reason):
    """Cancel a scheduled joint meeting with the reason; the users of its current member units are told."""
    with transaction.atomic():
        m = _cancel(Meeting, meeting, user, reason, MeetingStatus.SCHEDULED,
                    _("Only a scheduled meeting can be cancelled."))
        members = m.committee.members.filter(ended_on__isnull=True).values("organization_id")
        _notify_cancelled(m, User.objects.filter(organization__in=members).exclude(pk=user.pk))
    return m


def cancel_activity(activity, user, reason):
    """Cancel a planned activity with the reason; everyone of the enterprises signed up is told."""
    with transaction.atomic():
        a = _cancel(Activity, activity, user, reason, ActivityStatus.PLANNED,
                    _("Only a planned activity can be cancelled."))
        orgs = a.registrations.values("organization_id")
        _notify_cancelled(a, User.objects.filter(organization__in=orgs).exclude(pk=user.pk))
    return a


def calendar_events(user, start, end):
    """The meetings and activities user may see that start in [start, end), in time order, each as
    (kind, record) with kind "meeting" or "activity"."""
    fields = ("pk", "title", "starts_at", "location", "status", "updated")
    meetings = Meeting.objects.restrict(user).filter(starts_at__gte=start, starts_at__lt=end).only(*fields)
    activities = Activity.objects.restrict(user).filter(starts_at__gte=start, starts_at__lt=end).only(
        *fields, "kind")
    events = [("meeting", m) for m in meetings] + [("activity", a) for a in activities]
    return sorted(events, key=lambda e: (e[1].starts_at, e[0], e[1].pk))


def calendar_feed(user, renew=False):
    """The user's iCalendar address token, made on first use; renew gives a new one (the old stops working)."""
    with transaction.atomic():
        feed, created = CalendarFeed.objects.select_for_update().get_or_create(user=user)
        if renew and not created:
            feed.token = CalendarFeed._meta.get_field("token").default()
            feed.save(update_fields=["token"])
    return feed
