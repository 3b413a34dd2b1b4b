"""Choices of matching: what an enterprise did with a match."""

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
