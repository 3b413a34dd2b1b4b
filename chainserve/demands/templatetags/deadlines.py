"""Template tags of deadlines: the date with a 「暂定」 badge when a year it counts has no official schedule."""

from django import template

from ..countdown import Countdown
from ..deadlines import Deadline, intake_provisional_years, provisional_explanation

register = template.Library()


@register.simple_tag
def deadline(value, since=None, fmt="Y-m-d"):
    """{% deadline demand.resolve_due demand.created %}: the date, and the badge when it is provisional."""
    return Deadline(value, since, fmt=fmt)


@register.simple_tag
def provisional_note(years):
    """The explanation for years whose official schedule is not entered (the intake form's note)."""
    return provisional_explanation(years) if years else ""


@register.simple_tag
def intake_provisional():
    """The years without an official schedule that a demand received now may count (the intake form)."""
    return intake_provisional_years()


@register.simple_tag
def countdown(demand):
    """{% countdown demand %}: the working days left as a badge with words (red, amber, green; grey when paused)."""
    return Countdown(demand)
