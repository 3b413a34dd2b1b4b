"""The enterprise's side of a demand (诉求): the warning before raising one it raised already, withdrawing (撤回)
or adding information (补充材料) before the office accepts it, and the earlier results of a reopened demand."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chainserve.core.choices import Role
from chainserve.core.services import required_text

from .. import permissions
from ..choices import OPEN_STATUSES, EventType, Rating, Status
from ..models import Demand
from . import events
from .attachments import attach, check_attachment
from .transitions import _lock, _require_step, _save

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
