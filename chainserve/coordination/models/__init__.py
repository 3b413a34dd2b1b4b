"""Coordination models (being split by sub-domain)."""

from .meetings import *  # noqa: F403
from .meetings import _branch_kinds, _departments  # noqa: F401
