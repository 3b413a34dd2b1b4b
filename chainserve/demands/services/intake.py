"""Intake (受理前): a demand raised by the enterprise on the portal, or recorded on its behalf by staff; the warning
before an enterprise raises one like a demand of its own."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chainserve.core.choices import Role
from chainserve.core.services import required_text
from chainserve.core.workdays import current_calendar
from chainserve.registry.choices import OrgKind

from .. import permissions, sla
from ..choices import OPEN_STATUSES, PROPOSAL_CHANNELS, Channel, Status
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


SIMILAR_WITHIN_DAYS = 90
# Two titles, or two descriptions, are alike from this share of their two-character pieces in common (the Dice
# coefficient): "申请研发费用加计扣除辅导" and "研发费用加计扣除政策咨询" share 7 of their 11 and 11 pieces (64 %).
SIMILAR_FROM = 0.5


@dataclass(frozen=True)
class Similar:
    """A demand of the same enterprise and category like the one being raised, and how alike (per cent)."""

    demand: Demand
    percent: int

    @property
    def step(self):
        """What the enterprise can still add to it: information before acceptance, an answer to a question."""
        return {Status.NEW: "supplement", Status.WAITING: "reply"}.get(self.demand.status)


class SimilarDemandsFound(Exception):
    """The enterprise raises a demand like one of its own open or recently closed ones, without confirming."""

    message = gettext_lazy("You raised a similar demand already. Add to it, or confirm that this one is new.")

    def __init__(self, matches):
        super().__init__(str(self.message))
        self.matches = matches


def pieces(text):
    """The two-character pieces of text's letters and digits: Chinese writes words without spaces, so pieces
    of two characters stand for its words; a text of one character is its own piece."""
    chars = "".join(ch for ch in text.lower() if ch.isalnum())
    return {chars[i:i + 2] for i in range(len(chars) - 1)} or ({chars} if chars else set())


def likeness(a, b):
    """The share of two texts' pieces they have in common (Dice coefficient), from 0 to 1."""
    pa, pb = pieces(a), pieces(b)
    return 2 * len(pa & pb) / (len(pa) + len(pb)) if pa and pb else 0.0


def similar_demands(organization, category, title, description, *, exclude=None):
    """The enterprise's demands in the category, open or closed in the last SIMILAR_WITHIN_DAYS days, whose title
    or description is alike (SIMILAR_FROM), most alike first. Withdrawn and merged ones are not offered."""
    since = timezone.now() - datetime.timedelta(days=SIMILAR_WITHIN_DAYS)
    candidates = Demand.objects.filter(organization=organization, category=category).filter(
        Q(status__in=OPEN_STATUSES) | Q(closed_at__gte=since)).exclude(
        status__in=[Status.WITHDRAWN, Status.MERGED]).exclude(pk=exclude).only(
        "number", "title", "description", "status", "created", "closed_at")
    matches = []
    for demand in candidates:
        alike = max(likeness(title, demand.title), likeness(description, demand.description))
        if alike >= SIMILAR_FROM:
            matches.append(Similar(demand, round(100 * alike)))
    return sorted(matches, key=lambda m: (-m.percent, -m.demand.pk))


def check_similar(user, intake, confirm_new):
    """Refuse (SimilarDemandsFound, with the matches) an enterprise's demand like one of its own, unless it
    confirmed that the demand is new. Staff recording on an enterprise's behalf are not asked."""
    if confirm_new or user.role != Role.ENTERPRISE:
        return
    matches = similar_demands(intake.organization, intake.category, intake.title, intake.description)
    if matches:
        raise SimilarDemandsFound(matches)


def checked(user, intake: Intake, files=()):
    """What a demand taken in says, checked for user (the enterprise itself, or staff recording on its behalf):
    (channel, title, description). Raises PermissionDenied or ValidationError."""
    org = intake.organization
    permissions.check_takes_in(user)
    if user.role == Role.ENTERPRISE:
        if org.pk != user.organization_id:
            raise PermissionDenied(_("An enterprise raises demands only for itself."))
        channel = Channel.PORTAL
    else:
        channel = intake.channel
        if channel == Channel.PORTAL:
            raise ValidationError({"channel": _("Say where the demand was raised: visit, symposium, meeting, hotline …")})
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
    chain_id = chain_for(user, intake)
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


def chain_for(user, intake: Intake):
    """The id of the chain a demand taken in goes on: the one named, else the chain the enterprise is placed on (a
    city chain before a district one), or None. A chain office records only on its own chains — a demand it
    recorded elsewhere would be out of its sight the moment it was saved."""
    placed = intake.organization.placements.order_by("chain__level", "pk")
    if user.role != Role.OFFICE:
        return intake.chain.pk if intake.chain else placed.values_list("chain_id", flat=True).first()
    own = user.chains.values_list("pk", flat=True)
    chain_id = intake.chain.pk if intake.chain else placed.filter(chain__in=own).values_list(
        "chain_id", flat=True).first()
    if chain_id is None or not user.chains.filter(pk=chain_id).exists():
        raise ValidationError({"organization": _("This enterprise is on none of the chains you run: its own "
                                                 "chain's office records its demands.")})
    return chain_id
