"""Dispatch rules (派单目录): saving one with its history row, and reading that history field by field."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from chainserve.registry.models import Organization

from ..models import DISPATCH_RULE_HISTORY, DispatchRule
from ..permissions import can_change_rule_in


def save_rule(user, rule, co_departments=None, *, changed=True):
    """Save dispatch rule `rule` (its fields set by the caller from a form or the API) and, if given, its
    co-handlers; the stored rule and the chain it is written for must be the user's. Each change writes one
    history row with its author (`changed` False: a form saved as it was, no row)."""
    # the rule as stored (before this change) must be the user's, and so must the chain it is written for
    if rule.pk and not DispatchRule.objects.restrict(user, "change").filter(pk=rule.pk).exists():
        raise PermissionDenied(_("Only the office of the rule's chain or an admin may change it."))
    if not can_change_rule_in(user, rule.chain):
        raise PermissionDenied(_("A chain office writes rules for its own chains; city-wide rules only an admin."))
    with transaction.atomic():
        created = rule.pk is None
        rule._history_user = user
        # One history row per change, written once the co-handlers are saved too: left to itself, the history
        # writes a row on the save and another on each change of the co-handlers.
        rule.skip_history_when_saving = True
        try:
            rule.save()
            if co_departments is not None:
                rule.co_departments.set(co_departments)
        finally:
            del rule.skip_history_when_saving
        if created or changed:
            DISPATCH_RULE_HISTORY.create_historical_record(rule, "+" if created else "~")
    return rule


def rule_changes(rule, limit=None):
    """[(history row, [changes])] of a dispatch rule, newest first: each row with what changed since the one
    before it (the first row, the rule's creation, with none)."""
    history = list(rule.history.select_related("history_user", "category", "district", "chain",
                                               "lead_department")[:limit])
    # (a rule made before its history was kept has no row at all)
    rows = [(newer, newer.diff_against(older).changes if older is not None else [])
            for newer, older in zip(history, [*history[1:], None][:len(history)], strict=True)]
    # the co-handlers come as rows of the through table: shown as the departments, sorted by name
    ids = {item["organization"] for _row, delta in rows for c in delta if c.field == "co_departments"
           for item in [*c.old, *c.new]}
    orgs = Organization.objects.in_bulk(ids)

    def departments(items):
        return [orgs[i["organization"]] for i in sorted(items, key=lambda i: i["organization"])]

    def change(c):
        field = DispatchRule._meta.get_field(c.field)
        if c.field == "co_departments":
            return RuleChange(c.field, field.verbose_name, departments(c.old), departments(c.new))
        if field.many_to_one:  # the history keeps ids: shown as the records they name (a handful per page)
            named = field.related_model.objects.in_bulk([v for v in (c.old, c.new) if v is not None])
            return RuleChange(c.field, field.verbose_name, named.get(c.old), named.get(c.new))
        return RuleChange(c.field, field.verbose_name, c.old, c.new)

    return [(row, [change(c) for c in delta]) for row, delta in rows]


@dataclass(frozen=True)
class RuleChange:
    """One field of a dispatch rule changed: its name, its label as people read it, before and after."""

    field: str
    label: str
    old: object
    new: object
