"""Visits to enterprises — 走访."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from chainserve.core.choices import STAFF_ROLES, Role
from chainserve.core.models import NOTHING, ScopedModel, TimeStampedModel, in_region
from chainserve.registry.choices import OrgKind


class Visit(ScopedModel, TimeStampedModel):
    """A visit to an enterprise — 走访 — by a service specialist or instructor; demands raised are linked."""

    organization = models.ForeignKey("registry.Organization", verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                     related_name="visits", limit_choices_to={"kind": OrgKind.ENTERPRISE})
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("visited by"), null=True,
                                on_delete=models.SET_NULL, related_name="visits", editable=False)
    visited_on = models.DateField(_("visited on"), db_index=True)
    purpose = models.CharField(_("purpose"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    demands = models.ManyToManyField("demands.Demand", verbose_name=_("demands raised"), blank=True,
                                     related_name="visits")

    history = HistoricalRecords(excluded_fields=["updated"])

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-pk"]
        indexes = [models.Index(fields=["organization", "visited_on"], name="visit_org_date_idx")]

    def __str__(self):
        return f"{self.organization} {self.visited_on}"

    def get_absolute_url(self):
        return reverse("coordination:visit", args=[self.pk])

    @classmethod
    def scope(cls, user, action):
        if user.role == Role.ENTERPRISE:
            return Q(organization_id=user.organization_id) if action == "view" and user.organization_id else NOTHING
        if user.role not in STAFF_ROLES:
            return NOTHING
        if action == "view" or user.role == Role.OFFICE:
            return in_region(None, user, "organization__district")
        return Q(visitor=user)


def visit_file_path(instance, filename):
    return f"visits/{instance.visit_id}/{filename}"


class VisitFile(models.Model):
    """A photo or document of a visit — 走访照片、材料; served only to those who may see the visit."""

    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to=visit_file_path)
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveIntegerField(pgettext_lazy("file", "size"))
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("visit file")
        verbose_name_plural = _("visit files")
        ordering = ["pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("coordination:visit-file", args=[self.pk])

    @property
    def is_image(self):
        return self.content_type.startswith("image/")
