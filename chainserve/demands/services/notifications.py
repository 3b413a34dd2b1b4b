"""Who hears of a demand's events: the task queued with each event, and the notices it writes."""

from django.conf import settings
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from chainserve.core.choices import Role
from chainserve.core.models import User, seeing_region
from chainserve.core.services import notify
from chainserve.core.tasks import enqueue_after_commit

from ..choices import EventType
from ..models import DemandEvent


def notify_after_commit(event):
    """Queue the event's notification task in the change's own transaction (core.tasks.enqueue_after_commit):
    it runs once the change is committed, and never for a change rolled back."""
    from ..tasks import notify_demand_event  # demands.tasks runs this module's notify_event

    enqueue_after_commit(notify_demand_event, event.pk)


def notify_event(event_id):
    """Tell the people concerned about one event: once per user and event, whatever calls it again."""
    event = DemandEvent.objects.select_related("demand", "demand__district", "actor").filter(pk=event_id).first()
    if event is None:
        return
    d = event.demand
    enterprise = User.objects.filter(role=Role.ENTERPRISE, organization_id=d.organization_id)
    # the departments handling it, and a partner institution co-handling a financing demand
    # — staff only where the demand's region is in their subtree (models.demand_scope: core.in_region)
    handlers = User.objects.filter(role__in=(Role.HANDLER, Role.PARTNER), organization__demand_assignments__demand=d,
                                   organization__demand_assignments__active=True).filter(seeing_region(d.district))
    # the offices that may see the demand (models.demand_scope): its chain's, or for a demand on no chain
    # those of the chains its enterprise is placed on
    office = User.objects.filter(role=Role.OFFICE).filter(seeing_region(d.district)).filter(
        Q(chains=d.chain_id) if d.chain_id else Q(chains__placements__organization_id=d.organization_id)).distinct()
    to_enterprise = {EventType.ASKED, EventType.ANSWERED, EventType.RESOLVED, EventType.UNRESOLVED,
                     EventType.REJECTED, EventType.ACCEPTED, EventType.DISPATCHED, EventType.RECOMMENDED}
    to_handlers = {EventType.DISPATCHED, EventType.REPLIED, EventType.REOPENED, EventType.EXTENSION_APPROVED,
                   EventType.EXTENSION_REFUSED, EventType.RATED, EventType.DEADLINE_RECOMPUTED, EventType.URGED,
                   EventType.REASSIGNED, EventType.PARTNER_ADDED}
    to_office = {EventType.SUBMITTED, EventType.SENT_BACK, EventType.EXTENSION_ASKED, EventType.ESCALATED,
                 EventType.REOPENED, EventType.RATED, EventType.DEADLINE_RECOMPUTED, EventType.SUPPLEMENTED,
                 EventType.WITHDRAWN}
    referred = {EventType.REFERRED_UP, EventType.REFERRED_DOWN}
    users = set()
    if event.type in to_enterprise:
        users.update(enterprise)
    if event.type in to_handlers:
        users.update(handlers)
    if event.type in to_office:
        users.update(office)
    if event.type in referred:  # the chain offices of the level it went to (services.referral)
        users.update(office.filter(region_id=d.district_id))
    if event.type == EventType.REASSIGNED and event.data.get("former"):  # the former lead hears it is no longer its
        users.update(User.objects.filter(role=Role.HANDLER, organization_id=event.data["former"]))
    users.discard(event.actor)
    # Stored messages are written in the platform's language, whoever's request led to them.
    with translation.override(settings.LANGUAGE_CODE):
        title = _("%(number)s %(event)s: %(title)s") % {
            "number": d.number, "event": event.get_type_display(), "title": d.title}
    notify(users, f"demand-event:{event.pk}", title, event.note, d.get_absolute_url())
