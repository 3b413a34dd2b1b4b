"""Intake (受理前): a demand raised by the enterprise on the portal, or recorded on its behalf by staff."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chainserve.core.choices import Role
from chainserve.core.services import required_text
from chainserve.core.workdays import current_calendar
from chainserve.registry.choices import OrgKind

from .. import permissions, sla
from ..choices import PROPOSAL_CHANNELS, Channel
from ..models import Demand
from . import events, figures
from .attachments import attach, check_attachment


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


def checked(user, intake: Intake, files=()):
    """What a demand taken in says, checked for user (the enterprise itself, or staff recording on its behalf):
    (channel, title, description). Raises PermissionDenied or ValidationError."""
    org = intake.organization
    if user.role == Role.ENTERPRISE:
        if org.pk != user.organization_id:
            raise PermissionDenied(_("An enterprise raises demands only for itself."))
        channel = Channel.PORTAL
    elif permissions.may_record(user):
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
    return channel, title, description


def submit(user, intake: Intake, files=()):
    """Take in a demand: from the enterprise itself on the portal, or recorded on its behalf by staff."""
    org = intake.organization
    channel, title, description = checked(user, intake, files)
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
        figures.count(demand, new=True)
        event = events.submitted(demand, user, channel)
        for f in files:
            attach(demand, event, f, user)
    return demand


def _new_demand_id():
    return new_demand_ids(1)[0]


def new_demand_ids(n):
    """The ids the next n demands inserted get, so that their numbers go into the same INSERT: from the
    table's sequence on PostgreSQL; on SQLite, whose transactions take the write lock at BEGIN (IMMEDIATE),
    after the table's last AUTOINCREMENT value (without that lock, two writers clash on the primary key:
    an error, never a double)."""
    table = Demand._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n])
            return [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM sqlite_sequence WHERE name = %s", [table])
        first = cursor.fetchone()[0]
        return list(range(first, first + n))


def _chain_of(org):
    """The id of the chain the enterprise is placed on (a city chain before a district one), or None."""
    return org.placements.order_by("chain__level", "pk").values_list("chain_id", flat=True).first()
