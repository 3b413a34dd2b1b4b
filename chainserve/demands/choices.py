"""Choices of the demands app: status, channel, priority, rating, proposal grade, event types."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NEW = "new", _("New")
    ACCEPTED = "accepted", _("Accepted, to dispatch")
    DISPATCHED = "dispatched", _("Being handled")
    WAITING = "waiting", _("Waiting for the enterprise")
    RESOLVED = "resolved", _("Resolved")
    UNRESOLVED = "unresolved", _("Closed, not solved")
    REJECTED = "rejected", _("Rejected as out of scope")
    MERGED = "merged", _("Merged into another demand")
    WITHDRAWN = "withdrawn", _("Withdrawn by the enterprise")


OPEN_STATUSES = (Status.NEW, Status.ACCEPTED, Status.DISPATCHED, Status.WAITING)
# Open and on the clock: while waiting for the enterprise the clock stops, so a waiting demand is never late.
RUNNING_STATUSES = (Status.NEW, Status.ACCEPTED, Status.DISPATCHED)
CLOSED_STATUSES = (Status.RESOLVED, Status.UNRESOLVED)
# In a department's hands: what its inbox lists.
HANDLING_STATUSES = (Status.DISPATCHED, Status.WAITING)


class Channel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    VISIT = "visit", _("Visit (走访)")
    SYMPOSIUM = "symposium", _("Symposium (座谈会)")
    MEETING = "meeting", _("Meeting")
    HOTLINE = "hotline", _("Hotline")
    NPC = "npc", _("NPC deputy's proposal (人大建议)")
    CPPCC = "cppcc", _("CPPCC proposal (政协提案)")


PROPOSAL_CHANNELS = (Channel.NPC, Channel.CPPCC)


class Priority(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    COMPLEX = "complex", _("Complex")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASIC = "basic", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class ProposalGrade(models.TextChoices):
    A = "A", _("A — solved or basically solved")
    B = "B", _("B — being solved or planned")
    C = "C", _("C — cannot be solved now, kept for reference")


class EscalationLevel(models.IntegerChoices):
    NONE = 0, _("Not escalated")
    OFFICE = 1, _("Chain office")
    COMMITTEE = 2, _("Coordination committee")
    JOINT_MEETING = 3, _("Joint meeting agenda")


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Lead department")
    CO = "co", _("Co-handler")


class EventType(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected as out of scope")
    DISPATCHED = "dispatched", _("dispatched")
    URGED = "urged", _("reminded to handle it (催办)")
    REASSIGNED = "reassigned", _("reassigned to another lead department")
    PARTNER_ADDED = "partner_added", _("partner institution added as co-handler")
    SENT_BACK = "sent_back", _("sent back to the dispatcher")
    ASKED = "asked", _("asked the enterprise")
    REPLIED = "replied", _("enterprise replied")
    ANSWERED = "answered", _("answered")
    EXTENSION_ASKED = "extension_asked", _("asked for an extension")
    EXTENSION_APPROVED = "extension_approved", _("extension approved")
    EXTENSION_REFUSED = "extension_refused", _("extension refused")
    RESOLVED = "resolved", _("closed as resolved")
    UNRESOLVED = "unresolved", _("closed, not solved")
    RATED = "rated", _("rated")
    REOPENED = "reopened", _("reopened")
    ESCALATED = "escalated", _("escalated")
    MERGED = "merged", _("merged")
    LINKED = "linked", _("linked to a chain-wide issue")
    COMMENTED = "commented", _("comment")
    RECOMMENDED = "recommended", _("recommended a resource")
    DEADLINE_RECOMPUTED = "deadline_recomputed", _("deadlines adjusted to the official holiday schedule")
    SUPPLEMENTED = "supplemented", _("enterprise added information")
    WITHDRAWN = "withdrawn", _("withdrawn by the enterprise")
    REFERRED_UP = "referred_up", _("referred up a level")
    REFERRED_DOWN = "referred_down", _("referred down a level")
