"""The enterprise's side of a demand (诉求) once raised: withdrawing (撤回) or adding information (补充材料) before
the office accepts it, and the earlier results of a reopened demand. (The warning before raising a demand like
one of its own is part of intake: `intake.check_similar`.)"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chainserve.core.services import required_text

from .. import permissions
from ..choices import EventType, Rating, Status
from . import events
from .attachments import attach, check_attachment
from .transitions import _lock, _require_step, _save


def withdraw(demand, user, reason, *, version=None):
    """撤回: the enterprise withdraws its demand before the office accepts it; it is then not handled nor counted.
    The office accepting at the same moment: one of the two waits for the other's row lock, then finds the demand
    changed (a conflict with the version seen) or no longer new (refused)."""
    reason = required_text(reason, "note", _("Say why you withdraw the demand."))
    with transaction.atomic():
        d = _lock(demand, version)
        permissions.check("withdraw", user, d)
        _require_step(d, "withdraw")
        d.closed_at = timezone.now()
        was = _save(d, to=Status.WITHDRAWN)
        events.withdrawn(d, user, was, reason)
    return d


def supplement(demand, user, text, files=(), *, version=None):
    """补充材料: the enterprise adds information and files to its demand before the office accepts it."""
    text = required_text(text, "note", _("Write what you add to the demand."))
    for f in files:
        check_attachment(f)
    with transaction.atomic():
        d = _lock(demand, version)
        permissions.check("supplement", user, d)
        _require_step(d, "supplement")
        was = _save(d)
        event = events.supplemented(d, user, was, text)
        for f in files:
            attach(d, event, f, user)
    return d


@dataclass
class EarlierResult:
    """A result the demand had before it was reopened: the closing, the rating it got, the reopening."""

    closed: object  # the DemandEvent closing it (resolved or not solved)
    rated: object = None
    reopened: object = None

    @property
    def rating_label(self):
        return Rating(self.rated.data["rating"]).label if self.rated else ""

    @property
    def unit(self):
        """Who closed it, by unit (承办单位): the organisation of the user who closed it."""
        actor = self.closed.actor
        return actor.organization if actor is not None and actor.organization_id else None


def earlier_results(demand):
    """The results demand was closed with and then reopened, oldest first: its present result is not among them."""
    results, current = [], None
    steps = [EventType.RESOLVED, EventType.UNRESOLVED, EventType.RATED, EventType.REOPENED]
    for event in demand.events.filter(type__in=steps).select_related("actor__organization"):
        if event.type in (EventType.RESOLVED, EventType.UNRESOLVED):
            current = EarlierResult(closed=event)
        elif current is not None and event.type == EventType.RATED:
            current.rated = event
        elif current is not None:
            current.reopened = event
            results.append(current)
            current = None
    return results
