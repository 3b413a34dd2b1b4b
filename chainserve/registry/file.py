"""一企一档 — the organisation's file: each part (demands, visits, matches …) one small query of its own app's
model, scoped with that model's restrict(user), so every viewer sees the part as its scope allows.

The parts are reached through the organisation's reverse relations (and a model named by string for leads):
the registry reads the other apps' records without importing them (docs/architecture.md)."""

from dataclasses import dataclass, field

from django.apps import apps
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chainserve.core.choices import Role
from chainserve.core.models import NOTHING

from .choices import OrgKind

SHOWN = 8
PLACEABLE = (OrgKind.ENTERPRISE, OrgKind.UNIVERSITY, OrgKind.HOSPITAL)  # as chains.Placement.clean allows  # rows of a part on the page; the count and its list link give the rest


@dataclass
class Part:
    """One part of the file: its anchor, title, the rows shown, how many there are, where the list is."""

    key: str
    title: str
    rows: list
    count: int
    list_url: str = ""
    extra: dict = field(default_factory=dict)


def _sees_any(model, user):
    """Whether user's scope of model can hold a row at all (a part it never sees is left out, not shown as 0)."""
    return user.is_superuser or user.role == Role.ADMIN or model.scope(user, "view") != NOTHING


def _part(key, title, queryset, user, list_url=""):
    """The part over queryset (a reverse relation of the organisation), restricted to what user sees."""
    if not _sees_any(queryset.model, user):
        return None
    scoped = queryset.restrict(user)
    rows = list(scoped[:SHOWN])
    count = len(rows) if len(rows) < SHOWN else scoped.count()
    return Part(key, title, rows, count, list_url if count > len(rows) else "")


def _with_list(name, param, org):
    return f"{reverse(name)}?{param}={org.pk}"


def build_file(org, user):
    """The parts of org's file that user may see, in the order the page shows them."""
    lead_model = apps.get_model("chains", "Lead")
    if org.kind == OrgKind.ENTERPRISE:
        agreements = org.agreements.select_related("institution"), "enterprise"
        activities = org.registrations.select_related("activity").order_by("-activity__starts_at", "-pk")
    else:  # a bank, investor or hospital signs as the institution, and organises activities
        agreements = org.agreements_as_institution.select_related("enterprise"), "institution"
        activities = org.organized_activities.order_by("-starts_at", "-pk")
    parts = [
        _part("placements", _("Chain placements"),
              org.placements.select_related("segment", "chain").order_by("chain", "segment"), user),
        _part("demands", _("Demands"), org.demands.select_related("category").order_by("-created", "-pk"), user,
              _with_list("demands:demands", "organization", org)),
        _part("visits", _("Visits"), org.visits.select_related("visitor").order_by("-visited_on", "-pk"), user,
              _with_list("coordination:visits", "organization", org)),
        _part("matches", _("Matches"),
              org.matches.filter(qualifies=True).select_related("rule__policy", "rule__product")
              .order_by("-created", "-pk"), user),
        _part("agreements", _("Agreements"), agreements[0].order_by("-signed_on", "-pk"), user,
              _with_list("coordination:agreements", agreements[1], org)),
        _part("activities", _("Activities"), activities, user),
        _part("leads", _("Investment leads on its segments"),
              lead_model.objects.filter(segment__placements__organization=org).distinct()
              .select_related("candidate", "segment").order_by("-updated", "-pk"), user),
        _part("corrections", _("Correction requests"),
              org.corrections.select_related("decided_by").order_by("-created", "-pk"), user),
    ]
    # Shown even when empty, where the emptiness says something: on no chain, no demands, nothing asked yet.
    # A bank or a department raises no demands and sits on no chain: nothing to say about those parts.
    always = {"corrections"} if may_request_correction(org, user) else set()
    if org.kind in PLACEABLE:
        always |= {"placements", "demands"}
    return [p for p in parts if p is not None and (p.count or p.key in always)]


def asks_corrections(user):
    """Whether user is one who asks for corrections at all: an enterprise's user (of its own file only)."""
    return user.role == Role.ENTERPRISE and user.organization_id is not None


def may_request_correction(org, user):
    """The enterprise's own users ask for corrections of its file (registry.services.request_correction)."""
    return asks_corrections(user) and user.organization_id == org.pk and org.kind == OrgKind.ENTERPRISE
