"""Coordination forms (being split by sub-domain)."""

from .annual_lists import *  # noqa: F403
