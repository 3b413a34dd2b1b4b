"""Past years brought in (历史数据导入): the demands sheet of the history workbook, written as the demands were.

Each row becomes a demand received on its own day: its `created` is the received date, its deadlines are
counted from that day with the working-day calendar of its year (a year whose official holiday schedule is
not entered counts as the services count it: with the statutory holidays, provisionally), its events carry the
original dates in order and say they were imported, and it counts in the figures of its own year. Nothing is
notified: the people concerned acted on these demands years ago.
"""

import datetime
from collections import Counter, defaultdict

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chainserve.chains.models import Placement
from chainserve.core.choices import Role
from chainserve.core.importing import Importer, RowError, choice_lookup, column_message
from chainserve.core.search import fill_search_text
from chainserve.core.workdays import current_calendar
from chainserve.registry.choices import OrgKind
from chainserve.registry.models import Organization

from .. import metrics, permissions, sla
from ..choices import PROPOSAL_CHANNELS, AssignmentRole, Channel, EventType, Priority, ProposalGrade, Rating, Status
from ..models import Assignment, Category, Demand, DemandEvent
from . import events, figures
from .intake import chain_for, checked, new_demand_ids

# Header aliases of the demands sheet (Chinese as the old ledgers write them, or the API's field names).
DEMAND_HEADERS = {
    "number": ["编号", "诉求编号", "number"],
    "enterprise": ["企业", "企业名称", "统一社会信用代码", "enterprise", "organization"],
    "category": ["类别", "诉求类别", "category"],
    "channel": ["渠道", "来源渠道", "channel"],
    "proposer": ["提出人", "代表委员", "proposer"],
    "title": ["标题", "诉求标题", "title"],
    "description": ["内容", "诉求内容", "description"],
    "received": ["提交日期", "受理前提交日期", "received", "received_at"],
    "accepted": ["受理日期", "accepted", "accepted_at"],
    "answered": ["答复日期", "首次答复日期", "answered", "answered_at"],
    "closed": ["办结日期", "closed", "closed_at"],
    "status": ["状态", "status"],
    "lead": ["牵头部门", "承办部门", "lead_department"],
    "co": ["协办部门", "co_departments"],
    "resolution": ["办理结果", "resolution"],
    "grade": ["答复等级", "proposal_grade"],
    "rating": ["评价", "满意度", "rating"],
    "rating_comment": ["评价意见", "rating_comment"],
}
DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d"]
# The statuses a past demand may be in. Waiting (the clock stopped on a question) and merged (into which demand?)
# are states of the live platform, not of a ledger.
IMPORTED_STATUSES = (Status.NEW, Status.ACCEPTED, Status.DISPATCHED, Status.RESOLVED, Status.UNRESOLVED,
                     Status.REJECTED, Status.WITHDRAWN)
CLOSED = (Status.RESOLVED, Status.UNRESOLVED, Status.REJECTED, Status.WITHDRAWN)
HANDLED = (Status.DISPATCHED, Status.RESOLVED, Status.UNRESOLVED)  # a lead department had it
ORDER = ("received", "accepted", "answered", "closed")  # the dates of a row, earliest first
START_OF_DAY = datetime.time(9, 0)  # a ledger keeps days: its steps are put at 9:00, a minute apart


def _header(field):
    return DEMAND_HEADERS[field][0]


class PastDemandRowForm(forms.Form):
    """One row of the demands sheet: names looked up, dates in order, the cells its status needs."""

    number = forms.CharField(max_length=20, required=False)
    enterprise = forms.CharField()
    category = forms.CharField()
    channel = forms.CharField()
    proposer = forms.CharField(max_length=60, required=False)
    title = forms.CharField(max_length=200)
    description = forms.CharField()
    received = forms.DateField(input_formats=DATE_FORMATS)
    accepted = forms.DateField(input_formats=DATE_FORMATS, required=False)
    answered = forms.DateField(input_formats=DATE_FORMATS, required=False)
    closed = forms.DateField(input_formats=DATE_FORMATS, required=False)
    status = forms.CharField()
    lead = forms.CharField(required=False)
    co = forms.CharField(required=False)
    resolution = forms.CharField(required=False)
    grade = forms.CharField(required=False)
    rating = forms.CharField(required=False)
    rating_comment = forms.CharField(max_length=500, required=False)

    def __init__(self, data, refs):
        super().__init__(data)
        self.refs = refs

    def _choice(self, name, table):
        value = self.cleaned_data.get(name, "").strip().lower()
        if value and value not in table:
            raise ValidationError(_("'%(v)s' is not a known value.") % {"v": self.cleaned_data[name]})
        return table.get(value, "")

    def _named(self, table, name, message):
        if name not in table:
            raise ValidationError(message % {"v": name})
        return table[name]

    def clean_enterprise(self):
        key, table = self.cleaned_data["enterprise"].strip(), self.refs["enterprises"]
        return self._named(table, key.upper() if key.upper() in table else key,
                           _("No enterprise has the name or credit code %(v)s."))

    def clean_category(self):
        return self._named(self.refs["categories"], self.cleaned_data["category"].strip(),
                           _("There is no demand category called %(v)s."))

    def clean_channel(self):
        return self._choice("channel", self.refs["channels"])

    def clean_status(self):
        status = self._choice("status", self.refs["statuses"])
        if status not in IMPORTED_STATUSES:
            raise ValidationError(_("A past demand cannot be imported as “%(s)s”.") % {"s": Status(status).label})
        return status

    def clean_grade(self):
        return self._choice("grade", self.refs["grades"])

    def clean_rating(self):
        return self._choice("rating", self.refs["ratings"])

    def clean_lead(self):
        name = self.cleaned_data.get("lead", "").strip()
        return self._named(self.refs["departments"], name, _("There is no department called %(v)s.")) if name else None

    def clean_co(self):
        names = [n.strip() for n in self.cleaned_data.get("co", "").replace(",", "、").replace(",", "、").split("、")]
        unknown = [n for n in names if n and n not in self.refs["departments"]]
        if unknown:
            raise ValidationError(_("There is no department called %(v)s.") % {"v": "、".join(unknown)})
        return list({self.refs["departments"][n].pk: self.refs["departments"][n] for n in names if n}.values())

    def clean(self):
        data = super().clean()
        if self.errors:  # the rules below read every cell: a bad cell is enough to list
            return data
        cells = dict(data)  # as read: add_error takes a field out of cleaned_data
        self._check_dates(cells)
        self._check_status(cells)
        if not self.errors:
            self._check_calendar(cells)
        if self.errors:
            return data
        if data["channel"] in PROPOSAL_CHANNELS:
            if not data["proposer"].strip():
                self.add_error("proposer", _("Name the deputy or member who made the proposal."))
            if data["status"] in (Status.RESOLVED, Status.UNRESOLVED) and not data["grade"]:
                self.add_error("grade", _("Grade the answer to the proposal: A, B or C."))
        elif data["grade"]:
            self.add_error("grade", _("Only an answer to a proposal (人大建议, 政协提案) is graded."))
        if data["lead"] is not None:
            data["co"] = [c for c in data["co"] if c.pk != data["lead"].pk]
        return data

    def _check_calendar(self, data):
        missing = years_without_schedule(self.refs["calendar"], data["category"], _moment(data["received"], 0))
        if missing:
            self.add_error("received", missing)

    def _check_dates(self, data):
        today, earlier = timezone.localdate(), None
        for name in ORDER:
            day = data.get(name)
            if day is None:
                continue
            if day > today:
                self.add_error(name, _("A date in the future (%(d)s).") % {"d": day.isoformat()})
            elif day.year < metrics.FIRST_YEAR:
                self.add_error(name, _("A date before %(y)d.") % {"y": metrics.FIRST_YEAR})
            elif earlier is not None and day < data[earlier]:
                self.add_error(name, _("Before the %(column)s (%(d)s).") % {
                    "column": _header(earlier), "d": data[earlier].isoformat()})
            earlier = name

    def _check_status(self, data):
        status, label = data["status"], Status(data["status"]).label
        missing = [name for name, needed in (
            ("closed", status in CLOSED), ("lead", status in HANDLED)) if needed and not data[name]]
        given = [name for name, allowed in (
            ("accepted", status not in (Status.NEW, Status.WITHDRAWN)),
            ("answered", status in HANDLED),
            ("closed", status in CLOSED),
            ("lead", status in HANDLED),
            ("co", status in HANDLED),
            ("resolution", status in (Status.RESOLVED, Status.UNRESOLVED)),
            ("rating", status in (Status.RESOLVED, Status.UNRESOLVED)),
        ) if not allowed and data[name]]
        for name in missing:
            self.add_error(name, _("A demand “%(s)s” needs this.") % {"s": label})
        for name in given:
            self.add_error(name, _("A demand “%(s)s” has none.") % {"s": label})
        if data["rating_comment"] and not data["rating"]:
            self.add_error("rating_comment", _("A comment goes with a rating."))


class PastDemandImporter(Importer):
    """The demands sheet (诉求) of the history workbook: a part of `chainserve import history`
    (coordination.services.history.HistoryImporter, which puts the sheets together)."""

    label = gettext_lazy("past demands")
    sheet_names = ("诉求", "demands")
    columns = DEMAND_HEADERS
    required = "title"
    row_form = PastDemandRowForm
    command = "chainserve import history FILE.xlsx"

    @classmethod
    def allowed(cls, user):
        return may_import_history(user)

    def refs(self, rows):
        departments = {}
        for org in Organization.objects.filter(kind=OrgKind.DEPARTMENT).only("pk", "name", "short_name"):
            if org.short_name:
                departments.setdefault(org.short_name, org)
            departments[org.name] = org  # a full name before another department's short name
        enterprises = enterprises_named({str(values.get("enterprise") or "").strip() for _number, values in rows})
        categories = list(Category.objects.all())
        return {
            "enterprises": enterprises, "departments": departments,
            "categories": {c.slug: c for c in categories} | {c.name: c for c in categories},
            "channels": choice_lookup(Channel.choices), "statuses": choice_lookup(Status.choices),
            "grades": choice_lookup(ProposalGrade.choices), "ratings": choice_lookup(Rating.choices),
            "calendar": current_calendar(),
        }

    def key(self, data):
        return data["number"].strip() or None

    def check(self, rows, result):
        """A number the platform has, or a demand already on it (same enterprise, title and day received: the
        same ledger imported twice), is a bad row."""
        numbers = [d["number"].strip() for d in rows if d["number"].strip()]
        taken = set()
        for i in range(0, len(numbers), 5000):
            taken.update(Demand.objects.filter(number__in=numbers[i:i + 5000]).values_list("number", flat=True))
        on_file = _on_file(rows)
        for d in rows:
            number = d["number"].strip()
            if number in taken:
                result.errors.append(RowError(d["row"], [column_message(
                    _header("number"), _("The platform has a demand numbered %(v)s.") % {"v": number})]))
            elif (found := on_file.get((d["enterprise"].pk, d["title"].strip(), d["received"]))) is not None:
                result.errors.append(RowError(d["row"], [
                    _("The platform has this demand already: %(v)s, received the same day.") % {"v": found}]))

    def write(self, rows, result):
        result.created += len(record_past_demands(self.user, rows))


def enterprises_named(keys):
    """{name or USCC: enterprise} of the enterprises the workbook names (only those: the registry may be large)."""
    keys = sorted(keys - {""})
    found = {}
    for i in range(0, len(keys), 2000):
        chunk = keys[i:i + 2000]
        for org in Organization.objects.filter(kind=OrgKind.ENTERPRISE).filter(
                Q(name__in=chunk) | Q(uscc__in=[k.upper() for k in chunk])).only("pk", "name", "uscc", "district_id"):
            found[org.name] = org
            if org.uscc:
                found[org.uscc] = org
    return found


def _on_file(rows):
    """{(enterprise id, title, day received): number} of the demands on the platform that rows may repeat."""
    if not rows:
        return {}
    days = [d["received"] for d in rows]
    since, until = (timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
                    for day in (min(days), max(days) + datetime.timedelta(days=1)))
    orgs, found = sorted({d["enterprise"].pk for d in rows}), {}
    for i in range(0, len(orgs), 5000):
        for org, title, created, number in Demand.objects.filter(
                organization_id__in=orgs[i:i + 5000], created__gte=since, created__lt=until).values_list(
                "organization_id", "title", "created", "number"):
            found[(org, title, timezone.localdate(created))] = number
    return found


def may_import_history(user):
    """Past years go in by the operator at the command line (no user) or a platform admin."""
    return user is None or user.role == Role.ADMIN


def years_without_schedule(calendar, category, received):
    """Why a demand received then cannot be counted yet ("" if it can): a year before the statutory rules (2025)
    with no official holiday schedule would be counted Monday to Friday — wrong deadlines that nothing shows —
    so the demand waits for the schedule to be entered. A later year without one counts provisionally, as the
    platform does for any demand."""
    due = sla.due(received, sla.policy_for(category, "normal").resolve_days, calendar)
    missing = [y for y in range(received.year, due.year + 1)
               if y not in calendar.official_years and not calendar.is_provisional_year(y)]
    if not missing:
        return ""
    return _("The %(years)s holiday schedule is not entered: an admin enters it before demands of that year are "
             "imported.") % {"years": "、".join(map(str, missing))}


def record_past_demand(user, intake, received_at):
    """A demand received at a past instant, recorded through the API by the chain office or an admin (a ledger
    fed by an integrator): written as the history sheet writes a demand received then (`record_past_demands`) —
    its deadlines from that year's calendar, its figures in that year, its submission event at that instant,
    marked imported — and still new, to be accepted. Raises ValidationError naming `received_at`."""
    if not permissions.is_office(user):
        raise ValidationError({"received_at": _("Only the chain office or an admin records a demand received in "
                                                "the past.")})
    if received_at > timezone.now():
        raise ValidationError({"received_at": _("A date in the future (%(d)s).") % {
            "d": timezone.localtime(received_at).isoformat()}})
    if received_at.year < metrics.FIRST_YEAR:
        raise ValidationError({"received_at": _("A date before %(y)d.") % {"y": metrics.FIRST_YEAR}})
    channel, title, description = checked(user, intake)
    chain_id = chain_for(user, intake)
    missing = years_without_schedule(current_calendar(), intake.category, received_at)
    if missing:
        raise ValidationError({"received_at": missing})
    row = {"number": "", "enterprise": intake.organization, "category": intake.category, "channel": channel,
           "proposer": intake.proposer, "title": title, "description": description, "priority": intake.priority,
           "received": timezone.localdate(received_at), "received_at": received_at, "accepted": None,
           "answered": None, "closed": None, "status": Status.NEW, "lead": None, "co": [], "resolution": "",
           "grade": "", "rating": "", "rating_comment": "", "chain": chain_id}
    found = _on_file([row]).get((intake.organization.pk, title, row["received"]))
    if found is not None:
        raise ValidationError({"received_at": _("The platform has this demand already: %(v)s, received the same "
                                                "day.") % {"v": found}})
    with transaction.atomic():
        return _record(user, [row])[0]


def record_past_demands(user, rows):
    """Write past demands (the demands sheet's checked rows) as they were, with their assignments, their events
    at the original dates and their share of the figures, in the caller's transaction; returns the demands.
    Notifies no one."""
    if not may_import_history(user):
        raise PermissionDenied
    return _record(user, rows)


def _record(user, rows):
    calendar = current_calendar()
    chains = _chains_of({r["enterprise"].pk for r in rows})
    demands, assignments, history = [], [], []
    for pk, row in zip(new_demand_ids(len(rows)), rows, strict=True):
        demand = _demand(pk, row, user, chains, calendar)
        steps = _events(demand, row, user)
        demand.version = len(steps)  # one a step, as the services count
        demands.append(demand)
        assignments += _assignments(demand, row, calendar)
        history += steps
    Demand.objects.bulk_create(fill_search_text(demands), batch_size=500)
    _create_dated(Assignment, assignments, "created")
    _create_dated(DemandEvent, history, "at")
    changes = defaultdict(Counter)
    for demand in demands:
        key, counts = metrics.share(demand)
        changes[key].update(counts)
    figures.add_figures(changes)
    return demands


def _moment(day, step):
    """The instant a ledger's day stands for, step minutes after 9:00: the steps of one day stay in order."""
    start = datetime.datetime.combine(day, START_OF_DAY) + datetime.timedelta(minutes=step)
    return timezone.make_aware(start)


def _chains_of(org_ids):
    """{enterprise id: the chain it is placed on}, a city chain before a district one (as intake chooses)."""
    chains = {}
    for org_id, chain_id in Placement.objects.filter(organization_id__in=org_ids).order_by(
            "chain__level", "pk").values_list("organization_id", "chain_id"):
        chains.setdefault(org_id, chain_id)
    return chains


def _demand(pk, row, user, chains, calendar):
    org, status, received = row["enterprise"], row["status"], row["received"]
    created = row.get("received_at") or _moment(received, 0)
    accepted = row["accepted"] or (received if status in HANDLED else None)
    closed = _moment(row["closed"], 4) if row["closed"] else None
    answered = _moment(row["answered"], 3) if row["answered"] else (
        closed if status in (Status.RESOLVED, Status.UNRESOLVED) else None)  # as closing counts a first answer
    priority = row.get("priority", Priority.NORMAL)
    policy = sla.policy_for(row["category"], priority)
    demand = Demand(
        pk=pk, number=row["number"].strip() or f"SQ{received.year}{pk:07d}", created=created,
        organization=org, district_id=org.district_id, chain_id=row.get("chain", chains.get(org.pk)), category=row["category"],
        title=row["title"].strip(), description=row["description"].strip(), channel=row["channel"], priority=priority,
        proposer=row["proposer"].strip(), status=status, submitted_by=None, recorded_by=user,
        lead_department=row["lead"],
        accepted_at=_moment(accepted, 1) if accepted else None,
        dispatched_at=_moment(accepted, 2) if status in HANDLED else None,
        first_answered_at=answered, closed_at=closed,
        accept_due=sla.due(created, policy.accept_days, calendar),
        answer_due=sla.due(created, policy.answer_days, calendar),
        resolve_due=sla.due(created, policy.resolve_days, calendar),
        resolution=row["resolution"].strip(), proposal_grade=row["grade"],
        rating=row["rating"], rating_comment=row["rating_comment"].strip(),
        rated_at=_moment(row["closed"], 5) if row["rating"] else None,
    )
    if status in (Status.RESOLVED, Status.UNRESOLVED):
        demand.resolve_working_days = sla.working_days_since(created, closed, calendar)
    return demand


def _assignments(demand, row, calendar):
    if demand.lead_department is None:
        return []
    policy = sla.policy_for(demand.category, demand.priority)
    co_due = min(sla.due(demand.dispatched_at, policy.cohandler_days, calendar), demand.resolve_due)
    return ([Assignment(demand=demand, department=demand.lead_department, role=AssignmentRole.LEAD,
                        due=demand.resolve_due, answered_at=demand.first_answered_at, created=demand.dispatched_at)]
            + [Assignment(demand=demand, department=dept, role=AssignmentRole.CO, due=co_due,
                          created=demand.dispatched_at) for dept in row["co"]])


def _events(demand, row, user):
    """The demand's steps as its ledger row tells them, each at its original date, in order."""
    steps, was = [], ""

    def step(type, at, to, note="", **data):
        nonlocal was
        steps.append(events.past(demand, user, type, at, was, to, note, **data))
        was = to

    step(EventType.SUBMITTED, demand.created, Status.NEW, channel=demand.channel)
    if demand.accepted_at:
        step(EventType.ACCEPTED, demand.accepted_at, Status.ACCEPTED)
    status = demand.status
    if status == Status.REJECTED:
        step(EventType.REJECTED, demand.closed_at, status)
    elif status == Status.WITHDRAWN:
        step(EventType.WITHDRAWN, demand.closed_at, status)
    if status not in HANDLED:
        return steps
    step(EventType.DISPATCHED, demand.dispatched_at, Status.DISPATCHED, lead=demand.lead_department.pk,
         co=[c.pk for c in row["co"]])
    if row["answered"]:
        step(EventType.ANSWERED, demand.first_answered_at, Status.DISPATCHED)
    if status in (Status.RESOLVED, Status.UNRESOLVED):
        step(EventType.RESOLVED if status == Status.RESOLVED else EventType.UNRESOLVED, demand.closed_at, status,
             demand.resolution, grade=demand.proposal_grade)
    if demand.rating:
        step(EventType.RATED, demand.rated_at, status, demand.rating_comment, rating=demand.rating)
    return steps


def _create_dated(model, objects, field):
    """bulk_create, then the original instants written over those auto_now_add gave the rows."""
    dated = [getattr(o, field) for o in objects]
    model.objects.bulk_create(objects, batch_size=500)
    for obj, at in zip(objects, dated, strict=True):
        setattr(obj, field, at)
    model.objects.bulk_update(objects, [field], batch_size=500)

