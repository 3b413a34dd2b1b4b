"""Columns of matching's list pages."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from chainserve.core.money import format_amount
from chainserve.core.tables import Column, Table


def _day(dt):
    return date_format(timezone.localtime(dt), "Y-m-d") if dt else ""


class RuleTable(Table):
    title = _("Eligibility rules")
    export_name = "eligibility-rules"
    default_sort = "-updated"
    columns = [
        Column("item", _("Policy or product"), link=True),
        Column("kind", _("Kind"), accessor=lambda r: r.item._meta.verbose_name),
        Column("active", _("Active"), accessor=lambda r: _("yes") if r.active else _("no")),
        Column("updated", _("Updated"), accessor=lambda r: _day(r.updated), order_by="updated"),
    ]


class QualifyingTable(Table):
    """The 免申即享 / qualifying list of one rule: who qualifies and what they did with it."""

    title = _("Qualifying enterprises")
    export_name = "qualifying-enterprises"
    default_sort = "enterprise__name"
    columns = [
        Column("enterprise", _("Enterprise"), accessor=lambda m: m.enterprise.name, order_by="enterprise__name"),
        Column("uscc", _("Unified social credit code"), accessor=lambda m: m.enterprise.uscc or ""),
        Column("district", _("District"), accessor=lambda m: m.enterprise.district or ""),
        Column("state", _("State"), order_by="state"),
        Column("version", _("Matched version"), accessor=lambda m: m.version.number),
        Column("created", _("Matched"), accessor=lambda m: _day(m.created), order_by="created"),
        Column("opened_at", _("Opened"), accessor=lambda m: _day(m.opened_at), order_by="opened_at"),
        Column("applied_at", _("Applied"), accessor=lambda m: _day(m.applied_at), order_by="applied_at"),
    ]

    def __init__(self, amounts=None):
        """amounts: {enterprise id: benefits.Amount} when the rule's benefits give one — then a column shows
        what each firm may get (「待企业申报基数」 for a base it has not declared yet)."""
        if amounts is not None:
            self.columns = [*self.columns, Column("amount", _("May get"), accessor=lambda m: _amount(amounts, m))]


def _amount(amounts, match):
    amount = amounts.get(match.enterprise_id)
    if amount is None:
        return ""
    if not amount.complete and not amount.total:
        return _("Waiting for the enterprise to declare its base")
    shown = format_amount(amount.total)
    return shown if amount.complete else _("%(amount)s so far; waiting for the enterprise to declare its base") % {
        "amount": shown}
