"""What every page's menu asks of the registry: may this user add organisations (and so import them)."""

from chainserve.core.models import can_create

from .models import Organization


def registry(request):
    # A callable: the template calls it only where the menu asks, so pages that do not ask pay nothing.
    return {"may_add_organizations": lambda: can_create(Organization, request.user)}
