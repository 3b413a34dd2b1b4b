"""Choices shared across apps."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a user is on the platform; scopes every query (see core.permissions)."""

    ADMIN = "admin", _("Platform admin")
    OFFICE = "office", _("Chain office staff")
    HANDLER = "handler", _("Department handler")
    SPECIALIST = "specialist", _("Service specialist")
    ENTERPRISE = "enterprise", _("Enterprise user")
    PARTNER = "partner", _("Partner")


STAFF_ROLES = frozenset({Role.ADMIN, Role.OFFICE, Role.HANDLER, Role.SPECIALIST})
# Roles that keep the registry and the chain map.
EDITOR_ROLES = frozenset({Role.ADMIN, Role.OFFICE, Role.SPECIALIST})
