"""Columns of the reports app's lists: published bulletins and industry scale."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from chainserve.core.tables import Column, Table

from .figures import yi


class BulletinTable(Table):
    title = _("Published bulletins")
    export_name = "bulletins"
    default_sort = "-published_at"
    columns = [
        Column("title", _("Title"), order_by="title", link=True),
        Column("issue", _("Issue number"), accessor=lambda b: b.issue_label, order_by="issue_number",
               nowrap=True),
        Column("issuer", _("Issuing unit"), accessor=lambda b: b.issuer_name, order_by="issuer_name"),
        Column("version", _("Version"), order_by="version"),
        Column("published_at", _("Published at"),
               accessor=lambda b: date_format(timezone.localtime(b.published_at), "Y-m-d H:i"),
               order_by="published_at", nowrap=True),
        Column("published_by", _("Published by"), accessor=lambda b: b.publisher),
        Column("superseded", _("Superseded"),
               accessor=lambda b: _("yes") if hasattr(b, "superseded_by") else ""),
    ]


class IndustryScaleTable(Table):
    title = _("Industry scale")
    export_name = "industry-scale"
    default_sort = "-year"
    columns = [
        Column("year", _("Year"), order_by="year", link=True),
        Column("chain", _("Chain"), accessor=lambda s: s.chain or _("Whole city"), order_by="chain__name"),
        Column("amount", _("Amount (CNY 100 million)"), accessor=lambda s: yi(s.amount_fen),
               order_by="amount_fen"),
        Column("source", _("Source")),
    ]

