"""The one path by which a change to what an eligibility rule reads — an organisation's profile, a catalogue
item — reaches the apps that follow it (matching recomputes its matches).

Every write that changes a profile calls it: save_record and delete_record (pages and API), the services'
own saves, the workbook imports (once per import, after commit), the admin. A setting, not a signal: the
writes call these functions, and the apps that follow are named in one place (PROFILE_CHANGED_HOOKS,
CATALOGUE_CHANGED_HOOKS), so core imports no domain app."""

from contextlib import contextmanager

from django.conf import settings
from django.utils.module_loading import import_string


def profiles_changed(org_ids):
    """The profiles of the organisations numbered org_ids changed (saved, deleted, imported): each function
    named in PROFILE_CHANGED_HOOKS gets the ids (a list; a bulk import passes all of its rows' at once)."""
    org_ids = sorted(set(org_ids))
    if not org_ids:
        return
    for path in settings.PROFILE_CHANGED_HOOKS:
        import_string(path)(org_ids)


def profile_changed(instance):
    """instance was saved or deleted; when it is part of an organisation's profile (it has a `profile_of`:
    the organisation itself, a product, a chain placement), that organisation's profile changed."""
    organization = getattr(instance, "profile_of", None)
    if organization is not None:
        profiles_changed([organization.pk])


@contextmanager
def profile_saving(instance):
    """Around a save of instance: when the block ends (no error), the profile it belongs to changed — and
    the one it belonged to before, when the save moves it (a placement given to another organisation)."""
    stored = None
    if instance.pk is not None and hasattr(type(instance), "profile_of"):
        stored = type(instance)._base_manager.filter(pk=instance.pk).first()
    yield
    profiles_changed([record.profile_of.pk for record in (stored, instance)
                      if record is not None and getattr(record, "profile_of", None) is not None])


def catalogue_changed(item):
    """A catalogue item (a policy, a financial product …) was saved, published or withdrawn: each function
    named in CATALOGUE_CHANGED_HOOKS gets it."""
    for path in settings.CATALOGUE_CHANGED_HOOKS:
        import_string(path)(item)
