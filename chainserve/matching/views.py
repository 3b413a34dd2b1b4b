"""Pages of matching: rules and their versions, the qualifying (免申即享) list, "matched for you" with why and
差什么, and the resources suggested to a handler on a demand page."""

import json
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from chainserve.core.choices import Role
from chainserve.core.forms import add_service_error
from chainserve.core.money import FEN_PER_WAN, format_amount
from chainserve.core.parsers import MAX_JSON_DEPTH, json_depth_exceeds
from chainserve.core.views import ObjectListView, StaffOnlyMixin
from chainserve.demands.models import Demand
from chainserve.resources.models import CATALOGUE_MODELS, FinancialProduct, Policy

from . import benefits, builder, profiles, relevance, rules, services
from .choices import BaseKind, MatchState
from .filtersets import MatchFilterSet, RuleFilterSet
from .forms import BENEFITS_EXAMPLE, EXAMPLE, DeclareForm, RuleVersionForm
from .models import ITEM_FIELDS, Match, Rule, published_item
from .tables import QualifyingTable, RuleTable


class RuleListView(StaffOnlyMixin, ObjectListView):
    model = Rule
    filterset_class = RuleFilterSet
    table_class = RuleTable
    select_related = ("policy", "product")


def _rule(request, pk, action="view"):
    return get_object_or_404(Rule.objects.restrict(request.user, action).select_related("policy", "product"), pk=pk)


def push_counts(rule):
    """How many enterprises the rule's item was pushed to, how many opened it and how many applied."""
    return Match.objects.filter(rule=rule).aggregate(
        pushed=Count("pk"), qualifying=Count("pk", filter=Q(qualifies=True)),
        opened=Count("pk", filter=Q(opened_at__isnull=False)), applied=Count("pk", filter=Q(state=MatchState.APPLIED)))


class RuleView(StaffOnlyMixin, LoginRequiredMixin, View):
    def get(self, request, pk):
        rule = _rule(request, pk)
        version = rule.version_on()
        names = profiles.display_names()
        return render(request, "matching/rule.html", {
            "rule": rule, "version": version, "versions": rule.versions.select_related("created_by"),
            "conditions": [rules.describe(n, names) for n in
                           (version.expression.get("all", [version.expression]) if version else [])],
            "benefits": benefits.describe(version.benefits, version.benefit_cap, names) if version else [],
            "counts": push_counts(rule),
            "can_edit": Rule.objects.restrict(request.user, "change").filter(pk=rule.pk).exists(),
        })


def _item_from_query(request):
    """The policy or financial product named by ?policy= or ?product= that the user may change."""
    for key, model in (("policy", Policy), ("product", FinancialProduct)):
        if request.GET.get(key, "").isdigit():
            item = model.objects.restrict(request.user, "view").filter(pk=request.GET[key]).first()
            if item is None:
                raise Http404
            return item
    raise Http404


class RuleVersionView(LoginRequiredMixin, View):
    """A new version of a rule (rules/<pk>/edit/), or a policy's or product's first one (rules/add/?policy=)."""

    template_name = "matching/rule_form.html"

    def item(self, request, pk):
        return _rule(request, pk).item if pk else _item_from_query(request)

    def render_form(self, request, form, item, status=200):
        return render(request, self.template_name, {"form": form, "item": item, "example": EXAMPLE,
                                                    "benefits_example_json": json.dumps(BENEFITS_EXAMPLE, ensure_ascii=False), "bases": BaseKind.choices,
                                                    "fields": rules.FIELDS.values(),
                                                    "product_fields": rules.PRODUCT_FIELDS.values(),
                                                    "other_parts": [(key, part.fields.values()) for key, part in
                                                                    rules.PARTS.items() if key != "product"],
                                                    "builder": builder.catalogue(),
                                                    "benefits_editor": builder.benefits_catalogue()},
                      status=status)

    def get(self, request, pk=None):
        item = self.item(request, pk)
        rule = getattr(item, "eligibility_rule", None) if pk is None else _rule(request, pk)
        current = rule.versions.order_by("-number").first() if rule else None
        initial = {"expression": current.expression, "benefits": current.benefits,
                   "benefit_cap": None if current.benefit_cap is None else Decimal(current.benefit_cap) / FEN_PER_WAN,
                   } if current else {"expression": EXAMPLE}
        return self.render_form(request, RuleVersionForm(initial=initial), item)

    def post(self, request, pk=None):
        item = self.item(request, pk)
        form = RuleVersionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                version = services.save_rule(request.user, item, data["expression"], data["effective_from"],
                                             data["effective_to"], data["note"], data["benefits"], data["benefit_cap"])
            except ValidationError as e:
                add_service_error(form, e)
            else:
                messages.success(request, _("Saved version %(n)d of the rule; the matches are being recomputed.")
                                 % {"n": version.number})
                return redirect(version.rule)
        return self.render_form(request, form, item, status=400)


class RulePreviewView(StaffOnlyMixin, View):
    """The rule builder's live count: POST {"expression": rule} → {"count", "examples"} of the enterprises it
    selects today, or 400 {"error"} naming the wrong part (nothing is saved)."""

    http_method_names = ["post"]

    def post(self, request):
        if json_depth_exceeds(request.body.decode("utf-8", "replace")):
            return JsonResponse({"error": _("This JSON is nested deeper than %(n)d levels.") % {"n": MAX_JSON_DEPTH}},
                                status=400)
        try:
            expression = json.loads(request.body or b"{}").get("expression")
            rules.validate(expression)
        except (ValueError, AttributeError) as e:  # RuleError is a ValueError; so is bad JSON
            return JsonResponse({"error": str(e)}, status=400)
        count, examples = builder.preview(expression)
        return JsonResponse({"count": count, "examples": examples})


class BenefitsPreviewView(StaffOnlyMixin, View):
    """The benefits editor's live preview: POST {"benefits", "benefit_cap" (as typed: 万元 or 元), "inputs" {base: 万元 or persons},
    "expression", "enterprise"} → what a sample enterprise would get (builder.benefits_preview), or 400 {"error",
    "path"} naming the wrong part, as the form would (nothing is saved)."""

    http_method_names = ["post"]

    def post(self, request):
        if json_depth_exceeds(request.body.decode("utf-8", "replace")):
            return JsonResponse({"error": _("This JSON is nested deeper than %(n)d levels.") % {"n": MAX_JSON_DEPTH},
                                 "path": ""}, status=400)
        try:
            data = json.loads(request.body or b"{}")
            if not isinstance(data, dict):
                raise benefits.BenefitError("", _("Send an object."))
            enterprise = data.get("enterprise")
            answer = builder.benefits_preview(request.user, data.get("benefits", []), data.get("benefit_cap"),
                                              data.get("inputs"), data.get("expression"),
                                              enterprise if isinstance(enterprise, int) else None)
        except rules.RuleError as e:
            return JsonResponse({"error": e.message, "path": e.path}, status=400)
        except ValueError as e:  # bad JSON
            return JsonResponse({"error": str(e), "path": ""}, status=400)
        return JsonResponse(answer)


class QualifyingListView(ObjectListView):
    """The 免申即享 / qualifying list of one rule's item, with pushed, opened and applied counts; ?export=xlsx.
    Staff open any rule's; a bank its own products' (the rule's scope: 404 for anyone else)."""

    model = Match
    filterset_class = MatchFilterSet
    table_class = QualifyingTable
    template_name = "matching/qualifying.html"
    select_related = ("enterprise", "enterprise__district", "version")

    def get(self, request, pk):
        self.rule = _rule(request, pk)
        # What each qualifying firm may get, and what the policy would cost the city: computed over the whole
        # list (the total is the list's, not the page's), shown per row and at the top; cached until any of it
        # may change (services.rule_cost).
        self.amounts = services.rule_cost(self.rule)
        self.table_class = lambda: QualifyingTable(self.amounts if self.amounts else None)
        return super().get(request)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(rule=self.rule, qualifies=True)

    def extra_context(self, request):
        amounts = self.amounts.values()
        return {"rule": self.rule, "counts": push_counts(self.rule),
                "title": _("Qualifying enterprises: %(item)s") % {"item": self.rule.item},
                "benefits": bool(self.amounts), "cost": format_amount(sum(a.total for a in amounts)),
                "pending": sum(1 for a in amounts if not a.complete)}


def _enterprise(request):
    user = request.user
    if user.role != Role.ENTERPRISE or not user.organization_id:
        raise PermissionDenied
    return user.organization


class MatchedForYouView(LoginRequiredMixin, View):
    """为您匹配: the enterprise's matches with why, condition by condition, and its near misses with 差什么 —
    those it can mend by completing its profile first, the first `near_shown` unless all are asked for."""

    per_page = 20
    near_shown = 10

    def get(self, request):
        org = _enterprise(request)
        today = timezone.localdate()
        profile = profiles.profile_of(org)
        names = profiles.display_names()
        # a withdrawn or unpublished item is gone from the enterprise's list even though its match is kept
        mine = Match.objects.restrict(request.user).filter(qualifies=True).filter(published_item()).select_related(
            "rule__policy", "rule__product", "version").order_by("state", "-created", "-pk")
        page = Paginator(mine.exclude(state=MatchState.DISMISSED), self.per_page).get_page(request.GET.get("page"))
        for m in page.object_list:  # explained (and the amount computed) only for the page shown
            m.verdict = rules.explain(m.version.expression, profile, today, names, m.version.period)
        with_amounts(page.object_list, profile, today, names)
        near_misses = self.near_misses(mine, profile, today, names) if page.number == 1 else []
        shown = len(near_misses) if request.GET.get("near") == "all" else self.near_shown
        return render(request, "matching/mine.html", {
            "page": page, "params": "", "current": page.object_list,
            "near_misses": near_misses[:shown], "near_total": len(near_misses),
            "dismissed": list(mine.filter(state=MatchState.DISMISSED)) if page.number == 1 else [],
        })

    @staticmethod
    def near_misses(mine, profile, today, names):
        """(rule, verdict) of every rule in force that all but one condition of fits: a missing condition
        that is only unknown (a field not filled in) first, then in the order of the rules."""
        matched_rules = set(mine.values_list("rule_id", flat=True))
        versions = services.versions_in_force(today)
        near = [(v.rule_id, rules.explain(v.expression, profile, today, names, v.period))
                for rule_id, v in versions.items()
                if rule_id not in matched_rules and rules.near_miss(v.expression, profile, today, v.period)]
        near.sort(key=lambda pair: (pair[1].missing[0].status != rules.UNKNOWN, pair[0]))
        items = Rule.objects.select_related("policy", "product").in_bulk([rule_id for rule_id, _v in near])
        return [(items[rule_id], verdict) for rule_id, verdict in near]


def with_amounts(matches, profile, today, names, form=None):
    """Set on each match (all of one enterprise) what it may get (`amount`, a benefits.Amount or None) and,
    when its benefits need bases the firm declares, the form to declare them (`declare_form`); the declared
    bases are read in one query."""
    priced = [m for m in matches if m.version.benefits]
    declared = services.declared_for_enterprise(priced[0].enterprise_id, {m.rule_id for m in priced}) if priced else {}
    for match in matches:
        known = declared.get((match.rule_id, services.benefit_year(match.version, today)), {})
        match.amount = services.amount_of(match, profile, today, names, known) if match in priced else None
        needed = benefits.bases_needed(match.version.benefits)
        if needed:
            match.declare_form = form or DeclareForm(needed, initial_amounts=known, prefix=f"m{match.pk}")


def item_visible(item, user) -> bool:
    """Whether user may see the catalogue item itself now (a match does not open a withdrawn or draft item)."""
    return type(item).objects.restrict(user, "view").filter(pk=item.pk).exists()


class MatchView(LoginRequiredMixin, View):
    """One match: the item, and why it fits; opening it counts as opened. An item the user may no longer see
    (withdrawn, back to draft) is not shown through its match: the page says so, with 404."""

    def get(self, request, pk):
        match = get_object_or_404(Match.objects.restrict(request.user).select_related(
            "rule__policy", "rule__product", "version", "enterprise"), pk=pk)
        if not item_visible(match.rule.item, request.user):
            return render(request, "matching/match_gone.html", {"match": match}, status=404)
        if request.user.role == Role.ENTERPRISE:
            match = services.set_state(match, request.user, "open")
            match = Match.objects.select_related("rule__policy", "rule__product", "version", "enterprise").get(
                pk=match.pk)
        return render_match(request, match)


def render_match(request, match, form=None, status=200):
    today, names, profile = timezone.localdate(), profiles.display_names(), profiles.profile_of(match.enterprise)
    verdict = rules.explain(match.version.expression, profile, today, names, match.version.period)
    with_amounts([match], profile, today, names, form)
    return render(request, "matching/match.html", {"match": match, "item": match.rule.item, "verdict": verdict},
                  status=status)


class DeclareView(LoginRequiredMixin, View):
    """The enterprise declares the bases a match's benefits need (its R&D cost …); the amount follows."""

    def post(self, request, pk):
        match = get_object_or_404(Match.objects.restrict(request.user).select_related(
            "rule__policy", "rule__product", "version", "enterprise"), pk=pk)
        if not services.may_set_state(match, request.user):
            raise PermissionDenied
        form = DeclareForm(benefits.bases_needed(match.version.benefits), request.POST, prefix=f"m{match.pk}")
        if form.is_valid():
            try:
                services.declare_inputs(match, request.user, form.amounts())
            except ValidationError as e:
                add_service_error(form, e)
            else:
                messages.success(request, _("Declared. The amount below follows what you declared."))
                return redirect(request.POST.get("next") if request.POST.get("next", "").startswith("/matching/")
                                else match.get_absolute_url())
        return render_match(request, match, form, status=400)


class MatchStateView(LoginRequiredMixin, View):
    def post(self, request, pk, action):
        match = get_object_or_404(Match.objects.restrict(request.user), pk=pk)
        try:
            services.set_state(match, request.user, action)
        except ValidationError:
            raise Http404 from None
        return redirect(request.POST.get("next") if request.POST.get("next", "").startswith("/matching/")
                        else reverse("matching:mine"))


def _demand(request, pk):
    if not request.user.is_staff_role:
        raise PermissionDenied
    return get_object_or_404(Demand.objects.restrict(request.user).select_related("organization", "category"), pk=pk)


class SuggestionsView(LoginRequiredMixin, View):
    """The resources most relevant to a demand (loaded into the demand page by htmx), and those attached."""

    def get(self, request, pk):
        demand = _demand(request, pk)
        return render(request, "matching/suggestions.html", {
            "demand": demand, "suggestions": relevance.suggest(demand, request.user),
            "attached": demand.attached_resources.select_related(*ITEM_FIELDS),
        })


class AttachView(LoginRequiredMixin, View):
    def post(self, request, pk):
        demand = _demand(request, pk)
        models = {m._meta.model_name: m for m in CATALOGUE_MODELS}
        model = models.get(request.POST.get("kind", ""))
        item_id = request.POST.get("item", "")
        item = model.objects.restrict(request.user).filter(pk=item_id).first() if model and item_id.isdigit() else None
        if item is None:
            raise Http404
        try:
            services.attach_resource(demand, request.user, item, request.POST.getlist("reason"))
        except (ValidationError, PermissionDenied) as e:
            messages.error(request, " ".join(getattr(e, "messages", [str(e)])) or _("You may not do this."))
        else:
            messages.success(request, _("Attached %(item)s to the demand.") % {"item": item.title})
        return redirect(demand)
