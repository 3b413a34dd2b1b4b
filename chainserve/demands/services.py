"""Every change to a demand: intake, dispatch, handling, closing, rating, escalation, merging.

Each transition locks the demand row, checks the status it may start from and the version the user
saw (two people acting at once: one wins, the other gets a ConflictError), writes an append-only event,
keeps the metrics' summary table (DemandFigures) in step in the same transaction, and notifies after
commit. Nothing here is called from signals.
"""

import mimetypes
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chainserve.core.choices import Role
from chainserve.core.services import notify, required_text
from chainserve.core.uploads import SHOWN_NAME_CHARS, STORED_NAME_CHARS, short_name
from chainserve.core.workdays import current_calendar
from chainserve.registry.choices import OrgKind

from . import metrics, sla
from .choices import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    PROPOSAL_CHANNELS,
    AssignmentRole,
    Channel,
    EscalationLevel,
    EventType,
    Rating,
    Status,
)
from .models import (
    DISPATCH_RULE_HISTORY,
    Assignment,
    Attachment,
    ChainIssue,
    Demand,
    DemandEvent,
    DemandFigures,
    DispatchRule,
)

REOPEN_WORKING_DAYS = getattr(settings, "DEMAND_REOPEN_WORKING_DAYS", 10)
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_TYPES = {  # extension: the bytes such a file starts with
    "pdf": [b"%PDF-"], "png": [b"\x89PNG\r\n\x1a\n"], "jpg": [b"\xff\xd8\xff"], "jpeg": [b"\xff\xd8\xff"],
    "docx": [b"PK\x03\x04"], "xlsx": [b"PK\x03\x04"], "doc": [b"\xd0\xcf\x11\xe0"], "xls": [b"\xd0\xcf\x11\xe0"],
    "txt": [b""],
}


class TransitionError(Exception):
    """A step that the demand's status does not allow; the message says why."""


class ConflictError(TransitionError):
    """Someone else changed the demand since the user loaded it."""


# ---------------------------------------------------------------- helpers

def _lock(demand, version):
    locked = Demand.objects.select_for_update().get(pk=demand.pk)
    if version is not None and int(version) != locked.version:
        raise ConflictError(_("Someone else has just updated this demand. Reload it to see what changed."))
    locked._share = metrics.share(locked)
    return locked


def _lock_pair(demand, version, other):
    """Lock two demands in primary-key order, whichever is acted on: two opposite merges at once then queue one
    behind the other instead of each holding one row and waiting for the other's (a deadlock)."""
    first, second = sorted((demand, other), key=lambda d: d.pk)
    locked = {d.pk: _lock(d, version if d.pk == demand.pk else None) for d in (first, second)}
    return locked[demand.pk], locked[other.pk]


def _require(demand, *statuses):
    if demand.status not in statuses:
        raise TransitionError(_("Not possible while the demand is “%(s)s”.") % {"s": demand.get_status_display()})


def _is_office(user):
    return user.role in (Role.ADMIN, Role.OFFICE) or user.is_superuser


def _require_office(user):
    if not _is_office(user):
        raise PermissionDenied(_("Only the chain office may do this."))


def _require_lead(user, demand):
    if not (user.is_superuser or user.role == Role.ADMIN) and not (
        user.role == Role.HANDLER and user.organization_id and user.organization_id == demand.lead_department_id
    ):
        raise PermissionDenied(_("Only the lead department may do this."))


def _require_enterprise(user, demand):
    if not (user.role == Role.ENTERPRISE and user.organization_id == demand.organization_id):
        raise PermissionDenied(_("Only the enterprise that raised the demand may do this."))


def _record(demand, actor, type, from_status, note="", **data):
    return DemandEvent.objects.create(demand=demand, type=type, actor=actor, from_status=from_status,
                                      to_status=demand.status, note=note, data=data)


def _save(demand, actor, type, note="", *, to=None, **data):
    """Move demand to status `to` (if given), bump its version, save it and write the event."""
    from_status = demand.status
    if to is not None:
        demand.status = to
    demand.version += 1
    demand.save()
    _count(demand)
    event = _record(demand, actor, type, from_status, note, **data)
    _notify_after_commit(event)
    return event


def _count(demand, new=False):
    """Keep DemandFigures in step: take back what demand counted before this change (noted by _lock) and count it
    as it is now."""
    before = None if new else demand._share
    demand._share = after = metrics.share(demand)
    changes = defaultdict(Counter)
    if before is not None:
        changes[before[0]].subtract(before[1])
    changes[after[0]].update(after[1])
    add_figures(changes)


def add_figures(changes):
    """Add {(day, department, category, chain, district): Counter} to the day and month rows of DemandFigures,
    in one statement (an upsert with increments); rows in key order, so that two transactions never wait
    for each other's rows in opposite orders."""
    rows = {key: counts for key, counts in metrics.with_months(changes).items() if any(counts.values())}
    if not rows:
        return
    q = connection.ops.quote_name
    table, cols = q(DemandFigures._meta.db_table), [*metrics.KEY, *metrics.COLUMNS]
    values = ", ".join(["(" + ", ".join(["%s"] * len(cols)) + ")"] * len(rows))
    sql = (f"INSERT INTO {table} ({', '.join(map(q, cols))}) VALUES {values} "  # nosec B608  # names from the model, values as parameters
           f"ON CONFLICT ({', '.join(map(q, metrics.KEY))}) DO UPDATE SET "
           + ", ".join(f"{q(c)} = {table}.{q(c)} + excluded.{q(c)}" for c in metrics.COLUMNS))
    params = []
    for (month, day, *rest), counts in sorted(rows.items()):
        params += [month, connection.ops.adapt_datefield_value(day), *rest, *(counts[c] for c in metrics.COLUMNS)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def rebuild_figures():
    """Write DemandFigures afresh from the demands and their events (after a bulk load, or to check it);
    returns the number of rows. One transaction: readers see the old rows until it commits, and on PostgreSQL
    the table is locked first, so that no change counted meanwhile is lost (they wait for the rebuild)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {connection.ops.quote_name(DemandFigures._meta.db_table)} IN EXCLUSIVE MODE")
        rows = [(key, counts) for key, counts in metrics.with_months(metrics.summarise(Demand.objects.all())).items()
                if any(counts.values())]
        DemandFigures.objects.all().delete()
        DemandFigures.objects.bulk_create(
            (DemandFigures(**dict(zip(metrics.KEY, key, strict=True)), **{c: counts[c] for c in metrics.COLUMNS})
             for key, counts in rows), batch_size=2000)
    return len(rows)


def _notify_after_commit(event):
    """Queue the event's notification task so that it runs only once the change is committed. With the
    database task backend the task row is written in the change's own transaction (it commits or rolls back
    with it, and no worker sees it before): one commit per change. Other backends: enqueued on commit."""
    from django_tasks_db.backend import DatabaseBackend

    from .tasks import notify_demand_event

    if isinstance(notify_demand_event.get_backend(), DatabaseBackend):
        notify_demand_event.enqueue(event.pk)
    else:
        transaction.on_commit(lambda: notify_demand_event.enqueue(event.pk))


# ---------------------------------------------------------------- intake

@dataclass
class Intake:
    organization: object
    category: object
    title: str
    description: str
    channel: str = Channel.PORTAL
    priority: str = "normal"
    chain: object = None
    proposer: str = ""


def submit(user, intake: Intake, files=()):
    """Take in a demand: from the enterprise itself on the portal, or recorded on its behalf by staff."""
    org = intake.organization
    if user.role == Role.ENTERPRISE:
        if org.pk != user.organization_id:
            raise PermissionDenied(_("An enterprise raises demands only for itself."))
        channel = Channel.PORTAL
    elif user.role in (Role.ADMIN, Role.OFFICE, Role.SPECIALIST) or user.is_superuser:
        channel = intake.channel
        if channel == Channel.PORTAL:
            raise ValidationError({"channel": _("Say where the demand was raised: visit, symposium, meeting, hotline …")})
    else:
        raise PermissionDenied(_("Your role cannot record demands."))
    if org.kind != OrgKind.ENTERPRISE:
        raise ValidationError({"organization": _("Demands are raised by enterprises.")})
    if channel in PROPOSAL_CHANNELS and not intake.proposer.strip():
        raise ValidationError({"proposer": _("Name the deputy or member who made the proposal.")})
    for f in files:
        check_attachment(f)
    title = required_text(intake.title, "title", _("Give the demand a title."))
    description = required_text(intake.description, "description", _("Describe what the enterprise needs."))
    calendar = current_calendar()
    chain_id = intake.chain.pk if intake.chain else _chain_of(org)
    policy = sla.policy_for(intake.category, intake.priority)
    # no savepoint inside a caller's transaction (the API's idempotency record): a failure here fails it all
    with transaction.atomic(savepoint=False):
        now = timezone.now()
        pk = _new_demand_id()
        demand = Demand(
            pk=pk, number=f"SQ{timezone.localtime(now).year}{pk:07d}", created=now,
            organization=org, district_id=org.district_id, chain_id=chain_id, category=intake.category,
            title=title, description=description, channel=channel, priority=intake.priority,
            proposer=intake.proposer.strip(), submitted_by=user,
            recorded_by=None if user.role == Role.ENTERPRISE else user,
            accept_due=sla.due(now, policy.accept_days, calendar), answer_due=sla.due(now, policy.answer_days, calendar),
            resolve_due=sla.due(now, policy.resolve_days, calendar),
        )
        demand.save(force_insert=True)
        _count(demand, new=True)
        event = _record(demand, user, EventType.SUBMITTED, "", channel=channel)
        for f in files:
            _attach(demand, event, f, user)
        _notify_after_commit(event)
    return demand


def _new_demand_id():
    """The id the demand about to be inserted gets, so that its number goes into the same INSERT: from the
    table's sequence on PostgreSQL; on SQLite, whose transactions take the write lock at BEGIN (IMMEDIATE),
    the table's last AUTOINCREMENT value + 1 (without that lock, two writers clash on the primary key:
    an error, never a double)."""
    table = Demand._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
        else:
            cursor.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM sqlite_sequence WHERE name = %s", [table])
        return cursor.fetchone()[0]


def _chain_of(org):
    """The id of the chain the enterprise is placed on (a city chain before a district one), or None."""
    return org.placements.order_by("chain__level", "pk").values_list("chain_id", flat=True).first()


def check_attachment(f):
    """Refuse a file over the size limit or whose type (by name and by content) is not allowed."""
    ext = f.name.rsplit(".", 1)[-1].lower() if "." in f.name else ""
    if ext not in ATTACHMENT_TYPES:
        raise ValidationError({"files": _("%(name)s: only PDF, images, Word, Excel and text files are accepted.")
                               % {"name": f.name}})
    if f.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError({"files": _("%(name)s is larger than 10 MB.") % {"name": f.name}})
    head = f.read(8)
    f.seek(0)
    if not any(head.startswith(sig) for sig in ATTACHMENT_TYPES[ext]):
        raise ValidationError({"files": _("%(name)s is not really a .%(ext)s file.") % {"name": f.name, "ext": ext}})


def _attach(demand, event, f, user):
    """Keep f as an attachment; its name shown is cut to fit, keeping the extension."""
    attachment = Attachment(demand=demand, event=event, name=short_name(f.name, SHOWN_NAME_CHARS), size=f.size,
                            content_type=mimetypes.guess_type(f.name)[0] or "application/octet-stream",
                            uploaded_by=user)
    attachment.file.save(short_name(f.name, STORED_NAME_CHARS), f, save=False)
    attachment.save()
    return attachment


# ---------------------------------------------------------------- dispatcher

def accept(demand, user, *, version=None, note=""):
    _require_office(user)
    with transaction.atomic():
        d = _lock(demand, version)
        _require(d, Status.NEW)
        d.accepted_at = timezone.now()
        _save(d, user, EventType.ACCEPTED, note, to=Status.ACCEPTED)
    return d


def reject(demand, user, reason, *, version=None):
    _require_office(user)
    reason = required_text(reason, "note", _("Say why the demand is out of scope."))
    with transaction.atomic():
        d = _lock(demand, version)
        _require(d, Status.NEW, Status.ACCEPTED)
        d.closed_at = timezone.now()
        _save(d, user, EventType.REJECTED, reason, to=Status.REJECTED)
    return d


def suggest_departments(demand):
    """(lead, [co-handlers]) from the most specific active dispatch rule, or (None, [])."""
    rules = DispatchRule.objects.filter(category=demand.category, active=True).filter(
        Q(district__isnull=True) | Q(district_id=demand.district_id)).filter(
        Q(chain__isnull=True) | Q(chain_id=demand.chain_id)).select_related("lead_department")
    # Most specific first: district and chain > chain > district > neither; then the oldest rule.
    best = min(rules, key=lambda r: (-(2 * (r.chain_id is not None) + (r.district_id is not None)), r.pk),
               default=None)
    if best is None:
        return None, []
    return best.lead_department, list(best.co_departments.all())


def dispatch(demand, user, lead, co=(), *, version=None, note=""):
    """Send the demand to a lead department and co-handlers (accepting it first if still new)."""
    _require_office(user)
    co = [c for c in co if c.pk != lead.pk]
    for dept in [lead, *co]:
        if dept.kind != OrgKind.DEPARTMENT:
            raise ValidationError({"lead": _("%(o)s is not a government department.") % {"o": dept}})
    calendar = current_calendar()
    with transaction.atomic():
        d = _lock(demand, version)
        _require(d, Status.NEW, Status.ACCEPTED)
        now = timezone.now()
        if d.accepted_at is None:
            d.accepted_at = now
        d.dispatched_at = now
        d.lead_department = lead
        policy = sla.policy_for(d.category, d.priority)
        Assignment.objects.filter(demand=d).update(active=False)
        Assignment.objects.update_or_create(demand=d, department=lead, defaults={
            "role": AssignmentRole.LEAD, "due": d.resolve_due, "active": True, "answered_at": None})
        co_due = min(sla.due(now, policy.cohandler_days, calendar), d.resolve_due)
        for dept in co:
            Assignment.objects.update_or_create(demand=d, department=dept, defaults={
                "role": AssignmentRole.CO, "due": co_due, "active": True, "answered_at": None})
        _save(d, user, EventType.DISPATCHED, note, to=Status.DISPATCHED, lead=lead.pk, co=[c.pk for c in co])
    return d


# ---------------------------------------------------------------- handler

def send_back(demand, user, reason, *, version=None):
    """退单: the lead department returns a wrongly dispatched demand to the dispatcher, with its reason."""
    reason = required_text(reason, "note", _("Say why the demand is not for your department."))
    with transaction.atomic():
        d = _lock(demand, version)
        _require_lead(user, d)
        _require(d, Status.DISPATCHED)
        Assignment.objects.filter(demand=d).update(active=False)
        dept = d.lead_department_id
        d.lead_department = None
        d.sent_back_count += 1
        d.extension_days, d.extension_reason = None, ""  # asked by the department that gave it back
        _save(d, user, EventType.SENT_BACK, reason, to=Status.ACCEPTED, department=dept)
        day, _lead, *rest = d._share[0]
        add_figures({(day, dept, *rest): Counter(sent_back=1)})  # counted against the department that sent it
    return d


def ask(demand, user, question, *, version=None):
    """Ask the enterprise for information; the clock stops until it replies."""
    question = required_text(question, "note", _("Write the question for the enterprise."))
    with transaction.atomic():
        d = _lock(demand, version)
        _require_lead(user, d)
        _require(d, Status.DISPATCHED)
        d.paused_at = timezone.now()
        _save(d, user, EventType.ASKED, question, to=Status.WAITING)
    return d


def reply(demand, user, text, files=(), *, version=None):
    """The enterprise answers the question; the deadlines move on by the working days it took."""
    text = required_text(text, "note", _("Write your answer."))
    for f in files:
        check_attachment(f)
    calendar = current_calendar()
    with transaction.atomic():
        d = _lock(demand, version)
        _require_enterprise(user, d)
        _require(d, Status.WAITING)
        paused = sla.working_days_since(d.paused_at, timezone.now(), calendar)
        d.resolve_due = sla.shift(d.resolve_due, paused, calendar)
        if d.first_answered_at is None:
            d.answer_due = sla.shift(d.answer_due, paused, calendar)
        for a in Assignment.objects.filter(demand=d, active=True):
            a.due = sla.shift(a.due, paused, calendar)
            a.save(update_fields=["due"])
        d.paused_at = None
        d.paused_working_days += paused
        event = _save(d, user, EventType.REPLIED, text, to=Status.DISPATCHED, paused_working_days=paused)
        for f in files:
            _attach(d, event, f, user)
    return d


def answer(demand, user, text, *, version=None):
    """A handling department (lead or co-handler) answers; the first answer counts for 响应率."""
    text = required_text(text, "note", _("Write the answer."))
    with transaction.atomic():
        d = _lock(demand, version)
        _require(d, Status.DISPATCHED)
        assignment = Assignment.objects.filter(demand=d, department_id=user.organization_id, active=True).first()
        if assignment is None and not user.is_admin_role:
            raise PermissionDenied(_("Only a department handling the demand may answer it."))
        now = timezone.now()
        if assignment is not None and assignment.answered_at is None:
            assignment.answered_at = now
            assignment.save(update_fields=["answered_at"])
        if d.first_answered_at is None and (assignment is None or assignment.role == AssignmentRole.LEAD):
            d.first_answered_at = now
        _save(d, user, EventType.ANSWERED, text)
    return d


def request_extension(demand, user, days, reason, *, version=None):
    reason = required_text(reason, "note", _("Say why more time is needed."))
    if not 1 <= int(days) <= 30:
        raise ValidationError({"days": _("Ask for 1 to 30 working days.")})
    with transaction.atomic():
        d = _lock(demand, version)
        _require_lead(user, d)
        _require(d, Status.DISPATCHED, Status.WAITING)
        if d.status == Status.DISPATCHED and d.resolve_due and timezone.now() > d.resolve_due:
            raise TransitionError(_("An extension must be asked for before the deadline."))
        if d.extension_days:
            raise TransitionError(_("An extension is already waiting for the office's decision."))
        d.extension_days, d.extension_reason = int(days), reason
        _save(d, user, EventType.EXTENSION_ASKED, reason, days=int(days))
    return d


def decide_extension(demand, user, approve: bool, note="", *, version=None):
    _require_office(user)
    with transaction.atomic():
        d = _lock(demand, version)
        if not d.extension_days:
            raise TransitionError(_("No extension has been asked for."))
        _require(d, Status.DISPATCHED, Status.WAITING)
        days = d.extension_days
        if approve:
            calendar = current_calendar()
            d.resolve_due = sla.shift(d.resolve_due, days, calendar)
            Assignment.objects.filter(demand=d, role=AssignmentRole.LEAD, active=True).update(due=d.resolve_due)
        d.extension_days, d.extension_reason = None, ""
        _save(d, user, EventType.EXTENSION_APPROVED if approve else EventType.EXTENSION_REFUSED, note, days=days)
    return d


def close(demand, user, resolved: bool, text, grade="", *, version=None):
    """Close as resolved, or as closed-unresolved with the explanation (never counted as solved)."""
    text = required_text(text, "note", _("Write what was done.") if resolved else _("Explain why it cannot be solved."))
    calendar = current_calendar()
    with transaction.atomic():
        d = _lock(demand, version)
        _require_lead(user, d)
        _require(d, Status.DISPATCHED)
        if d.is_proposal and grade not in ("A", "B", "C"):
            raise ValidationError({"grade": _("Grade the answer to the proposal: A, B or C.")})
        now = timezone.now()
        d.closed_at = now
        d.resolution = text
        d.proposal_grade = grade if d.is_proposal else ""
        if d.first_answered_at is None:
            d.first_answered_at = now
        # Time spent waiting on the enterprise is not the department's.
        d.resolve_working_days = max(0, sla.working_days_since(d.created, now, calendar) - d.paused_working_days)
        d.extension_days, d.extension_reason = None, ""  # a closed demand needs no more time
        _save(d, user, EventType.RESOLVED if resolved else EventType.UNRESOLVED, text,
              to=Status.RESOLVED if resolved else Status.UNRESOLVED, grade=d.proposal_grade)
    return d


# ---------------------------------------------------------------- enterprise after closing

def rate(demand, user, rating, comment="", *, version=None):
    if rating not in Rating.values:
        raise ValidationError({"rating": _("Choose satisfied, basically satisfied or unsatisfied.")})
    with transaction.atomic():
        d = _lock(demand, version)
        _require_enterprise(user, d)
        _require(d, *CLOSED_STATUSES)
        if d.rating:
            raise TransitionError(_("This result has already been rated."))
        d.rating, d.rating_comment, d.rated_at = rating, comment.strip()[:500], timezone.now()
        _save(d, user, EventType.RATED, comment, rating=rating)
    return d


def reopen(demand, user, reason, *, version=None):
    """An unsatisfied enterprise reopens the demand within REOPEN_WORKING_DAYS of its closing."""
    reason = required_text(reason, "note", _("Say what is still not solved."))
    calendar = current_calendar()
    with transaction.atomic():
        d = _lock(demand, version)
        _require_enterprise(user, d)
        _require(d, *CLOSED_STATUSES)
        if d.rating != Rating.UNSATISFIED:
            raise TransitionError(_("Rate the result as unsatisfied before reopening it."))
        if sla.working_days_since(d.closed_at, timezone.now(), calendar) > REOPEN_WORKING_DAYS:
            raise TransitionError(_("A demand can be reopened within %(n)d working days of its closing.")
                                  % {"n": REOPEN_WORKING_DAYS})
        policy = sla.policy_for(d.category, d.priority)
        now = timezone.now()
        d.resolve_due = sla.due(now, policy.resolve_days, calendar)
        d.closed_at, d.rating, d.rating_comment, d.rated_at = None, "", "", None
        d.resolve_working_days = None
        d.reopen_count += 1
        Assignment.objects.filter(demand=d, department_id=d.lead_department_id).update(active=True, due=d.resolve_due)
        _save(d, user, EventType.REOPENED, reason, to=Status.DISPATCHED)
    return d


# ---------------------------------------------------------------- escalation, chain-wide issues, merging

def escalate(demand, user, reason, *, version=None, level=None, system=False):
    """Move the demand one level up: chain office → coordination committee → the next joint meeting's agenda.
    `level`, when given, is the level the caller saw: a step repeated (a retry, a double click, the overdue
    sweep meeting an escalation made meanwhile) is then a conflict, not one more level."""
    reason = required_text(reason, "note", _("Say why the demand needs a higher level."))
    with transaction.atomic():
        d = _lock(demand, version)
        if level is not None and int(level) != d.escalation_level:
            raise ConflictError(_("The demand is already at the level “%(level)s”. Reload it to see what changed.")
                                % {"level": d.get_escalation_level_display()})
        if not system:
            is_handler = user.role == Role.HANDLER and Assignment.objects.filter(
                demand=d, department_id=user.organization_id, active=True).exists()
            if not (_is_office(user) or is_handler):
                raise PermissionDenied(_("Only the chain office or a handling department may escalate."))
        _require(d, *OPEN_STATUSES)
        if d.escalation_level >= EscalationLevel.JOINT_MEETING:
            raise TransitionError(_("The demand is already on the joint meeting's agenda."))
        d.escalation_level += 1
        _save(d, None if system else user, EventType.ESCALATED, reason, level=d.escalation_level)
    return d


def agenda_candidates(chain):
    """Open demands escalated to the joint meeting of chain: the agenda the meetings module builds from."""
    return Demand.objects.filter(chain=chain, escalation_level=EscalationLevel.JOINT_MEETING,
                                 status__in=OPEN_STATUSES).select_related("organization", "category")


def resolve_at_meeting(demand, user, meeting, text, *, version=None):
    """Close an open demand as resolved by a decision of a joint meeting; the event names the meeting."""
    _require_office(user)
    text = required_text(text, "note", _("Write what the meeting decided."))
    calendar = current_calendar()
    with transaction.atomic():
        d = _lock(demand, version)
        _require(d, *OPEN_STATUSES)
        now = timezone.now()
        d.closed_at = now
        d.resolution = text
        if d.first_answered_at is None:
            d.first_answered_at = now
        if d.paused_at is not None:  # decided while waiting on the enterprise: that wait ends here
            d.paused_working_days += sla.working_days_since(d.paused_at, now, calendar)
            d.paused_at = None
        d.resolve_working_days = max(0, sla.working_days_since(d.created, now, calendar) - d.paused_working_days)
        d.extension_days, d.extension_reason = None, ""
        _save(d, user, EventType.RESOLVED, text, to=Status.RESOLVED, meeting=meeting.pk, meeting_title=str(meeting))
    return d


def escalate_overdue(now=None):
    """Escalate to the chain office every open demand past its resolve deadline that is not escalated yet."""
    now = now or timezone.now()
    overdue = Demand.objects.filter(status__in=[Status.DISPATCHED, Status.ACCEPTED], resolve_due__lt=now,
                                    escalation_level=EscalationLevel.NONE)
    count = 0
    for d in overdue.iterator():
        try:
            escalate(d, None, _("Overdue: not resolved by its deadline."), level=EscalationLevel.NONE, system=True)
            count += 1
        except TransitionError:
            continue  # it moved on meanwhile
    return count


def link_issue(demand, user, issue):
    _require_office(user)
    if not ChainIssue.objects.restrict(user, "change").filter(pk=issue.pk).exists():
        # the same answer as an issue that does not exist: an issue of another office's chain stays unseen
        raise ValidationError({"issue": _("No such chain-wide issue.")})
    if demand.chain_id and issue.chain_id != demand.chain_id:
        raise ValidationError({"issue": _("The issue belongs to another chain.")})
    with transaction.atomic():
        d = _lock(demand, None)
        d.chain_issue = issue
        _save(d, user, EventType.LINKED, issue.title, issue=issue.pk)
    return d


def merge(duplicate, into, user, *, version=None):
    """Merge a duplicate into another demand of the same enterprise; both keep their histories."""
    _require_office(user)
    # Scope first, before anything that tells about the target: a demand the user may not see answers
    # exactly as a number that does not exist.
    if not Demand.objects.restrict(user).filter(pk=into.pk).exists():
        raise ValidationError({"into": _("No demand has the number %(n)s.") % {"n": into.number}})
    if duplicate.pk == into.pk:
        raise ValidationError({"into": _("A demand cannot be merged into itself.")})
    if duplicate.organization_id != into.organization_id:
        raise ValidationError({"into": _("Only demands of the same enterprise are merged; link different "
                                         "enterprises' demands as a chain-wide issue.")})
    with transaction.atomic():
        d, target = _lock_pair(duplicate, version, into)
        _require(d, *OPEN_STATUSES)
        if target.status == Status.MERGED:
            raise TransitionError(_("The target was itself merged into another demand."))
        d.merged_into = target
        d.closed_at = timezone.now()
        _save(d, user, EventType.MERGED, target.number, to=Status.MERGED, into=target.pk)
        _save(target, user, EventType.MERGED, d.number, merged=d.pk)
    return d


def comment(demand, user, text):
    text = required_text(text, "note", _("Write a comment."))
    with transaction.atomic():
        d = _lock(demand, None)
        _save(d, user, EventType.COMMENTED, text)
    return d


# ---------------------------------------------------------------- notifications and reminders

def notify_event(event_id):
    """Tell the people concerned about one event: once per user and event, whatever calls it again."""
    from chainserve.core.models import User

    event = DemandEvent.objects.select_related("demand", "actor").filter(pk=event_id).first()
    if event is None:
        return
    d = event.demand
    enterprise = User.objects.filter(role=Role.ENTERPRISE, organization_id=d.organization_id)
    handlers = User.objects.filter(role=Role.HANDLER, organization__demand_assignments__demand=d,
                                   organization__demand_assignments__active=True)
    # the offices that may see the demand (models.demand_scope): its chain's, or for a demand on no chain
    # those of the chains its enterprise is placed on
    office = User.objects.filter(role=Role.OFFICE).filter(
        Q(chains=d.chain_id) if d.chain_id else Q(chains__placements__organization_id=d.organization_id)).distinct()
    to_enterprise = {EventType.ASKED, EventType.ANSWERED, EventType.RESOLVED, EventType.UNRESOLVED,
                     EventType.REJECTED, EventType.ACCEPTED, EventType.DISPATCHED}
    to_handlers = {EventType.DISPATCHED, EventType.REPLIED, EventType.REOPENED, EventType.EXTENSION_APPROVED,
                   EventType.EXTENSION_REFUSED, EventType.RATED, EventType.DEADLINE_RECOMPUTED}
    to_office = {EventType.SUBMITTED, EventType.SENT_BACK, EventType.EXTENSION_ASKED, EventType.ESCALATED,
                 EventType.REOPENED, EventType.RATED, EventType.DEADLINE_RECOMPUTED}
    users = set()
    if event.type in to_enterprise:
        users.update(enterprise)
    if event.type in to_handlers:
        users.update(handlers)
    if event.type in to_office:
        users.update(office)
    users.discard(event.actor)
    # Stored messages are written in the platform's language, whoever's request led to them.
    with translation.override(settings.LANGUAGE_CODE):
        title = _("%(number)s %(event)s: %(title)s") % {
            "number": d.number, "event": event.get_type_display(), "title": d.title}
    notify(users, f"demand-event:{event.pk}", title, event.note, d.get_absolute_url())


def in_working_hours(now, calendar) -> bool:
    local = timezone.localtime(now)
    start, end = settings.WORKING_HOURS
    return calendar(local.date()) and start <= local.hour < end


def send_reminders(now=None):
    """Remind lead departments of demands due today or overdue — only in working hours on working days,
    at most once a day per demand. Returns how many demands were reminded."""
    from chainserve.core.models import User

    now = now or timezone.now()
    calendar = current_calendar()
    if not in_working_hours(now, calendar):
        return 0
    today = timezone.localtime(now).date()
    soon = sla.end_of_day(today)
    count = 0
    for d in Demand.objects.filter(status=Status.DISPATCHED, resolve_due__lte=soon).select_related("lead_department"):
        handlers = User.objects.filter(role=Role.HANDLER, organization_id=d.lead_department_id)
        overdue = d.resolve_due < now
        with translation.override(settings.LANGUAGE_CODE):
            title = (_("Overdue: %(n)s %(t)s") if overdue else _("Due today: %(n)s %(t)s")) % {
                "n": d.number, "t": d.title}
        if handlers.exists():
            notify(handlers, f"demand-reminder:{d.pk}:{today.isoformat()}", title, "", d.get_absolute_url())
            count += 1
    return count


def available_actions(demand, user) -> list[str]:
    """The steps user may take on demand now (what the detail page offers and the API accepts)."""
    s, actions = demand.status, []
    office = _is_office(user)
    lead = user.is_admin_role or (user.role == Role.HANDLER and user.organization_id == demand.lead_department_id
                                  and demand.lead_department_id is not None)
    handling = user.role == Role.HANDLER and demand.assignments.filter(
        department_id=user.organization_id, active=True).exists()
    own = user.role == Role.ENTERPRISE and user.organization_id == demand.organization_id
    if office and s == Status.NEW:
        actions += ["accept"]
    if office and s in (Status.NEW, Status.ACCEPTED):
        actions += ["dispatch", "reject"]
    if lead and s == Status.DISPATCHED:
        actions += ["ask", "send_back", "close"]
    if (lead or handling) and s == Status.DISPATCHED:
        actions += ["answer"]
    if lead and s in (Status.DISPATCHED, Status.WAITING) and not demand.extension_days:
        actions += ["request_extension"]
    if office and demand.extension_days and s in (Status.DISPATCHED, Status.WAITING):
        actions += ["decide_extension"]
    if own and s == Status.WAITING:
        actions += ["reply"]
    if own and s in CLOSED_STATUSES and not demand.rating:
        actions += ["rate"]
    if own and s in CLOSED_STATUSES and demand.rating == Rating.UNSATISFIED:
        actions += ["reopen"]
    if (office or handling) and s in OPEN_STATUSES and demand.escalation_level < EscalationLevel.JOINT_MEETING:
        actions += ["escalate"]
    if office and s in OPEN_STATUSES:
        actions += ["merge", "link_issue"]
    if user.is_staff_role:
        actions += ["comment"]
    return actions


# Steps that are not idempotent (sent twice, they act twice): they need the version the user saw, or the
# level they expect, so that a retry or a double click is a conflict instead of a second escalation.
EXPECTING_STEPS = {"escalate"}


def perform(action, demand, user, data, version=None):
    """Run one named step with a form's or the API's cleaned data (the page and the API share this)."""
    try:
        version = None if version in (None, "") else int(version)
    except (TypeError, ValueError):
        raise ConflictError(_("Reload the demand and try again.")) from None
    if not Demand.objects.restrict(user).filter(pk=demand.pk).exists():
        # a former assignee (sent back, re-dispatched) or anyone else out of scope: as if it did not exist
        raise PermissionDenied(_("This step is not open to you on this demand now."))
    if version is not None and version != demand.version:
        # checked before the step's availability: a step taken meanwhile may have closed this one
        raise ConflictError(_("Someone else has just updated this demand. Reload it to see what changed."))
    level = data.get("level")
    if action in EXPECTING_STEPS and version is None and level is None:
        raise ValidationError({"version": _("Send the version of the demand you saw (or the level you expect it "
                                            "at now): repeated, this step would act twice.")})
    if action not in available_actions(demand, user):
        raise TransitionError(_("This step is not open to you on this demand now."))
    note = data.get("note", "")
    v = {"version": version}
    steps = {
        "accept": lambda: accept(demand, user, note=note, **v),
        "reject": lambda: reject(demand, user, note, **v),
        "dispatch": lambda: dispatch(demand, user, data["lead"], data.get("co", ()), note=note, **v),
        "send_back": lambda: send_back(demand, user, note, **v),
        "ask": lambda: ask(demand, user, note, **v),
        "reply": lambda: reply(demand, user, note, data.get("files", ()), **v),
        "answer": lambda: answer(demand, user, note, **v),
        "request_extension": lambda: request_extension(demand, user, data["days"], note, **v),
        "decide_extension": lambda: decide_extension(demand, user, data["approve"], note, **v),
        "close": lambda: close(demand, user, data["resolved"], note, data.get("grade", ""), **v),
        "rate": lambda: rate(demand, user, data["rating"], note, **v),
        "reopen": lambda: reopen(demand, user, note, **v),
        "escalate": lambda: escalate(demand, user, note, level=level, **v),
        "merge": lambda: merge(demand, data["into"], user, **v),
        "link_issue": lambda: link_issue(demand, user, data.get("issue") or open_issue(user, demand, data)),
        "comment": lambda: comment(demand, user, note),
    }
    return steps[action]()


def open_issue(user, demand, data):
    if demand.chain_id is None:
        raise ValidationError({"new_title": _("The demand is on no chain; a chain-wide issue needs one.")})
    return ChainIssue.objects.create(chain_id=demand.chain_id, title=data["new_title"].strip(), created_by=user)


def can_change_rule_in(user, chain) -> bool:
    """Whether user may write a dispatch rule for chain: an admin any; a chain office only one of its chains,
    never a city-wide rule (no chain)."""
    if user.is_superuser or user.role == Role.ADMIN:
        return True
    return user.role == Role.OFFICE and chain is not None and chain.staff.filter(pk=user.pk).exists()


def save_rule(user, rule, co_departments=None, *, changed=True):
    """Save dispatch rule `rule` (its fields set by the caller from a form or the API) and, if given, its
    co-handlers; the stored rule and the chain it is written for must be the user's. Each change writes one
    history row with its author (`changed` False: a form saved as it was, no row)."""
    # the rule as stored (before this change) must be the user's, and so must the chain it is written for
    if rule.pk and not DispatchRule.objects.restrict(user, "change").filter(pk=rule.pk).exists():
        raise PermissionDenied(_("Only the office of the rule's chain or an admin may change it."))
    if not can_change_rule_in(user, rule.chain):
        raise PermissionDenied(_("A chain office writes rules for its own chains; city-wide rules only an admin."))
    with transaction.atomic():
        created = rule.pk is None
        rule._history_user = user
        # One history row per change, written once the co-handlers are saved too: left to itself, the history
        # writes a row on the save and another on each change of the co-handlers.
        rule.skip_history_when_saving = True
        try:
            rule.save()
            if co_departments is not None:
                rule.co_departments.set(co_departments)
        finally:
            del rule.skip_history_when_saving
        if created or changed:
            DISPATCH_RULE_HISTORY.create_historical_record(rule, "+" if created else "~")
    return rule


def rule_changes(rule, limit=None):
    """[(history row, [changes])] of a dispatch rule, newest first: each row with what changed since the one
    before it (the first row, the rule's creation, with none)."""
    from chainserve.registry.models import Organization

    history = list(rule.history.select_related("history_user", "category", "district", "chain",
                                               "lead_department")[:limit])
    # (a rule made before its history was kept has no row at all)
    rows = [(newer, newer.diff_against(older).changes if older is not None else [])
            for newer, older in zip(history, [*history[1:], None][:len(history)], strict=True)]
    # the co-handlers come as rows of the through table: shown as the departments, sorted by name
    ids = {item["organization"] for _row, delta in rows for c in delta if c.field == "co_departments"
           for item in [*c.old, *c.new]}
    orgs = Organization.objects.in_bulk(ids)

    def departments(items):
        return [orgs[i["organization"]] for i in sorted(items, key=lambda i: i["organization"])]

    def change(c):
        field = DispatchRule._meta.get_field(c.field)
        if c.field == "co_departments":
            return RuleChange(c.field, field.verbose_name, departments(c.old), departments(c.new))
        if field.many_to_one:  # the history keeps ids: shown as the records they name (a handful per page)
            named = field.related_model.objects.in_bulk([v for v in (c.old, c.new) if v is not None])
            return RuleChange(c.field, field.verbose_name, named.get(c.old), named.get(c.new))
        return RuleChange(c.field, field.verbose_name, c.old, c.new)

    return [(row, [change(c) for c in delta]) for row, delta in rows]


@dataclass(frozen=True)
class RuleChange:
    """One field of a dispatch rule changed: its name, its label as people read it, before and after."""

    field: str
    label: str
    old: object
    new: object
