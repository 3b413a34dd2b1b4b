"""Choices of the coordination app: member roles, meeting and action states, activity and agreement kinds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberRole(models.TextChoices):
    CONVENER = "convener", _("Convening unit")
    DEPUTY = "deputy", _("Deputy convening unit")
    MEMBER = "member", _("Member unit")
    LIAISON = "liaison", _("Liaison")


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class ActivityKind(models.TextChoices):
    HOSPITAL_MATCH = "hospital", _("Hospital–enterprise matchmaking")
    BANK_MATCH = "bank", _("Bank–enterprise matchmaking")
    PARTY_DAY = "party_day", _("Joint theme party day")
    FORUM = "forum", _("Forum")
    TRAINING = "training", _("Training")
    SIGNING = "signing", _("Signing ceremony")
    SYMPOSIUM = "symposium", _("Symposium")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class AgreementKind(models.TextChoices):
    CREDIT = "credit", _("Bank credit line")
    COOPERATION = "cooperation", _("Cooperation agreement")
    INVESTMENT = "investment", _("Investment intention")


class AgreementStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")


class ListKind(models.TextChoices):
    SERVICE = "service", _("Service project list")
    PRACTICAL = "practical", _("Practical projects list")


class ItemStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DELAYED = "delayed", _("Behind schedule")
    DONE = "done", _("Done")


class InstructorKind(models.TextChoices):
    FULL_TIME = "full", _("Full-time")
    PART_TIME = "part", _("Part-time")


class CoverageKind(models.TextChoices):
    PARTY_ORG = "party_org", _("Party organisation set up")
    PARTY_WORK = "party_work", _("Party work covered")
    UNION = "union", _("Trade union")
    YOUTH_LEAGUE = "youth_league", _("Youth league")
