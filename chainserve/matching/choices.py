"""Choices of matching: what an enterprise did with a match; the bases of a benefit a firm declares."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MatchState(models.TextChoices):
    NEW = "new", pgettext_lazy("match state", "New")
    OPENED = "opened", _("Opened")
    SAVED = "saved", _("Saved")
    DISMISSED = "dismissed", _("Dismissed")
    APPLIED = "applied", _("Applied")


# A match in these states is deleted when the enterprise stops qualifying; the others are kept.
UNTOUCHED_STATES = (MatchState.NEW, MatchState.OPENED)


class BaseKind(models.TextChoices):
    """A base a benefit is a share of, declared by the enterprise (its R&D cost …); headcount is in persons."""

    RD_COST = "rd_cost", _("R&D cost")
    INVESTMENT = "investment", _("fixed-asset investment")
    RENT = "rent", _("rent")
    LOAN_INTEREST = "loan_interest", _("loan interest")
    HEADCOUNT = "headcount", _("new employees")
