"""Saving records as a user: scoped, atomic, with the author kept in the change history."""

from django.core.exceptions import PermissionDenied
from django.db import transaction


def save_record(user, instance, save_related=None):
    """Create or update one record as user; refused (and rolled back) if the result is out of their scope."""
    with transaction.atomic():
        instance._history_user = user
        instance.save()
        if save_related is not None:
            save_related()
        if not type(instance).objects.restrict(user, "change").filter(pk=instance.pk).exists():
            raise PermissionDenied
    return instance


def delete_record(user, instance):
    with transaction.atomic():
        if not type(instance).objects.restrict(user, "change").filter(pk=instance.pk).exists():
            raise PermissionDenied
        instance._history_user = user
        instance.delete()
