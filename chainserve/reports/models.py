"""Reports — 报表: published bulletins, frozen with their figures, and the industry scale entered by staff."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chainserve.chains.models import chain_scope
from chainserve.core.choices import STAFF_ROLES, Role
from chainserve.core.models import NOTHING, ScopedModel, TimeStampedModel, region_q
from chainserve.core.search import Searchable
from chainserve.registry.models import new_token  # noqa: F401 — migration 0007 names it (the stamp lives in registry)


def person_name(user):
    """A user as a report names a person: the full name with the unit when known (周敏（明湖市大健康产业链办公室）),
    the username only for an account that keeps no name; "" for none."""
    return "" if user is None else user.label


def report_scope(user, action, region=None):
    """Staff read reports of every chain they may see and the city-wide ones; the chain office and admins
    publish and enter figures, the office only for its own chains (or city-wide). A report of no chain that
    names its region (through `region`: a bulletin's district) is read within that region's subtree only."""
    if user.role not in STAFF_ROLES or (action != "view" and user.role != Role.OFFICE):
        return NOTHING
    chains = chain_scope(user, action, "chain__")
    if chains is None:
        return None
    no_chain = Q(chain__isnull=True)
    inside = region_q(user, region) if region else None
    if inside is not None:  # of no region (the platform's), or of one in the user's subtree
        no_chain &= Q(**{f"{region}__isnull": True}) | inside
    return no_chain | chains


class IndustryScale(Searchable, ScopedModel, TimeStampedModel):
    """The output of a chain (or the whole city) in a year — 产业规模, entered by staff with its source."""

    chain = models.ForeignKey("chains.Chain", verbose_name=_("chain"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+",
                              help_text=_("Empty for the whole city."))
    year = models.PositiveSmallIntegerField(_("year"))
    amount_fen = models.BigIntegerField(_("amount (fen)"), help_text=_("Kept exactly, in fen (1 元 = 100 fen)."))
    source = models.CharField(_("source"), max_length=200,
                              help_text=_("Where the figure comes from, e.g. the statistics bureau's yearbook."))
    note = models.TextField(_("note"), blank=True)

    search_fields = ("source",)
    history = HistoricalRecords(excluded_fields=["search_text", "updated"])

    class Meta:
        verbose_name = _("industry scale")
        verbose_name_plural = _("industry scale")
        ordering = ["-year", "chain", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "year"], name="industry_scale_once_per_year",
                                    violation_error_message=_("This chain already has its scale for this year.")),
            models.UniqueConstraint(fields=["year"], condition=Q(chain__isnull=True), name="industry_scale_city_once",
                                    violation_error_message=_("The whole city already has its scale for this year.")),
            models.CheckConstraint(condition=Q(amount_fen__gte=0), name="industry_scale_nonnegative",
                                   violation_error_message=_("The amount cannot be negative.")),
        ]

    def __str__(self):
        return f"{self.chain or _('Whole city')} {self.year}"

    def get_absolute_url(self):
        return reverse("reports:scale-edit", args=[self.pk])

    @classmethod
    def scope(cls, user, action):
        return report_scope(user, action)


def issue_label(year, number):
    return _("No. %(number)s, %(year)s") % {"year": year, "number": number}


class IssueCounter(models.Model):
    """The last issue number — 期号 — an issuing unit gave its bulletins in a year (2026年第1期, 第2期 …).
    Locked while a bulletin is numbered, so two publishers at once get consecutive numbers."""

    issuer = models.ForeignKey("registry.Organization", verbose_name=_("issuing unit"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last issue number"), default=0)

    class Meta:
        verbose_name = _("issue counter")
        verbose_name_plural = _("issue counters")
        ordering = ["year", "issuer"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "year"], name="issue_counter_once_per_year",
                                    violation_error_message=_("This unit already numbers its bulletins of "
                                                              "this year.")),
            models.UniqueConstraint(fields=["year"], condition=Q(issuer__isnull=True),
                                    name="issue_counter_no_unit_once_per_year",
                                    violation_error_message=_("Bulletins of no unit are already numbered "
                                                              "for this year.")),
        ]

    def __str__(self):
        return f"{self.issuer or '—'} {self.year}: {self.last}"


class Bulletin(Searchable, ScopedModel):
    """A published bulletin — 简报: its masthead, 期号 and 编发单位, the lead paragraph, the sections generated
    from the records, the typical cases and the figures of a period and scope, frozen together when published.

    Never changed once written; a later version of the same period and scope supersedes it (and keeps its
    期号)."""

    title = models.CharField(_("title"), max_length=200)
    start = models.DateField(_("from date"))
    end = models.DateField(_("to date"))
    chain = models.ForeignKey("chains.Chain", verbose_name=_("chain"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey("core.Region", verbose_name=_("region"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    series = models.CharField(max_length=80, editable=False,
                              help_text=_("Period and scope: the versions of one bulletin share it."))
    version = models.PositiveIntegerField(_("version"), default=1)
    supersedes = models.OneToOneField("self", verbose_name=_("supersedes"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="superseded_by")
    masthead = models.CharField(_("masthead"), max_length=200, help_text=_("The bulletin's name, printed in red "
                                                                          "at the top: 某某产业链工作简报."))
    issuer = models.ForeignKey("registry.Organization", verbose_name=_("issuing unit"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+",
                               help_text=_("编发单位: the chain's office, or the publisher's unit for a bulletin "
                                           "of no chain."))
    issuer_name = models.CharField(_("issuing unit, as printed"), max_length=200)
    issue_year = models.PositiveSmallIntegerField(_("issue year"))
    issue_number = models.PositiveIntegerField(_("issue number"),
                                               help_text=_("期号: numbered per issuing unit and year; the versions "
                                                           "of one bulletin keep the number of the first."))
    data = models.JSONField(_("figures"), help_text=_("The figures as computed, frozen."))
    summary = models.TextField(_("lead paragraph"))
    sections = models.JSONField(_("sections"), default=dict, blank=True,
                                help_text=_("工作动态 and 主要成效 as generated from the records, frozen."))
    cases = models.JSONField(_("typical cases"), default=list, blank=True,
                             help_text=_("典型案例: the records chosen and their paragraphs as published."))
    computed_at = models.DateTimeField(_("computed at"))
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("published by"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(_("note"), blank=True)

    search_fields = ("title",)

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["series", "version"], name="bulletin_version_unique",
                                    violation_error_message=_("This version of the bulletin already exists.")),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="bulletin_period_ordered",
                                   violation_error_message=_("The end date cannot be before the start date.")),
        ]
        indexes = [models.Index(fields=["issuer", "issue_year", "issue_number"], name="bulletin_issue_idx")]

    def __str__(self):
        return f"{self.title} v{self.version}"

    @property
    def issue_label(self):
        """期号 as printed: 2026年第5期."""
        return issue_label(self.issue_year, self.issue_number)

    @property
    def publisher(self):
        """Who published it, by name and unit (never the login name when a name is kept)."""
        return person_name(self.published_by)

    def get_absolute_url(self):
        return reverse("reports:bulletin", args=[self.pk])

    @classmethod
    def scope(cls, user, action):
        return report_scope(user, action, region="district")
