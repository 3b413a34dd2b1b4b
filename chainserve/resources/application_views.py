"""Pages of policy applications (政策申报到兑现): 我的申报 and the review queue, an application with its steps and
timeline, applying for a policy, 免申即享 and the 公示 list of a policy, and the public 公示 page."""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View

from chainserve.core.choices import Role
from chainserve.core.money import format_amount
from chainserve.core.views import ObjectListView

from . import applications as services
from . import filtersets, tables
from .choices import ApplicationState
from .models import ApplicationDocument, Policy, PolicyApplication

# step → the posted text fields it takes (files come apart); the API's steps are the same.
STEPS = {
    "start_review": ("note",), "return": ("note",), "answer": ("note", "amount"), "approve": ("amount", "note"),
    "refuse": ("reason",), "publicise": ("note",), "objection": ("note",), "pay": ("amount", "paid_on", "note"), "receive": ("note",),
}


STEP_LABELS = (
    ("start_review", gettext_lazy("Start the review")), ("return", gettext_lazy("Return for more")),
    ("approve", gettext_lazy("Approve")), ("refuse", gettext_lazy("Refuse")), ("answer", gettext_lazy("Answer")),
    ("publicise", gettext_lazy("Put on public notice")), ("objection", gettext_lazy("Record an objection")),
    ("pay", gettext_lazy("Record the payment")),
    ("receive", gettext_lazy("Confirm receipt")),
)


def yuan_to_fen(value, field="amount"):
    """An amount typed in 元 (up to two decimals) as fen; '' stays None."""
    value = (value or "").strip().replace(",", "")
    if not value:
        return None
    try:
        fen = Decimal(value) * 100
    except InvalidOperation:
        raise ValidationError({field: _("Enter an amount in yuan.")}) from None
    if fen != fen.to_integral_value():
        raise ValidationError({field: _("Enter an amount in yuan.")})
    return int(fen)


def available_steps(user, a):
    """The steps the user may take on the application now (the buttons its page shows)."""
    return [step for step, states in services.STEP_STATES.items()
            if a.state in states and services.may_take(step, user, a)]


def _error_text(e):
    if hasattr(e, "message_dict"):
        return "；".join(m for msgs in e.message_dict.values() for m in msgs)
    return "；".join(e.messages)


# Units a declared input's name may end with, and how many fen one of them is: 研发投入（元）, 投资额（万元）.
INPUT_UNITS = {"元": 100, "万元": 1_000_000, "yuan": 100}
INPUT_UNIT = re.compile(r"^(?P<name>.+?)\s*[（(](?P<unit>元|万元|yuan)[)）]$")
# The road an application takes when nothing goes wrong, in order.
ROAD = (ApplicationState.SUBMITTED, ApplicationState.UNDER_REVIEW, ApplicationState.APPROVED,
        ApplicationState.PUBLICISED, ApplicationState.PAID, ApplicationState.RECEIVED)


def declared_inputs(inputs):
    """[(name, shown value)] of an application's declared inputs: an amount whose name carries its unit is shown
    as every amount is (format_amount: 研发投入（元）6000000 → 研发投入：600万元), anything else as declared."""
    shown = []
    for name, value in (inputs or {}).items():
        unit = INPUT_UNIT.match(str(name))
        try:
            number = Decimal(str(value).replace(",", "")) if unit else None
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            shown.append((name, value))
        else:
            shown.append((unit["name"], format_amount(int(number * INPUT_UNITS[unit["unit"]]))))
    return shown


def road_taken(application, events):
    """[(state, label, status)] of the state strip: the states the application went through (from its events;
    a state left and entered again shows again), then — unless it was refused — the states still ahead on the
    ordinary road; status is "done", "current" or "ahead"."""
    passed = []
    for event in events:
        if event.to_state and (not passed or passed[-1] != event.to_state):
            passed.append(event.to_state)
    if not passed or passed[-1] != application.state:
        passed.append(application.state)
    labels = dict(ApplicationState.choices)
    strip = [(state, labels[state], "done") for state in passed[:-1]] + [(passed[-1], labels[passed[-1]], "current")]
    if application.state != ApplicationState.REFUSED:
        resume = ApplicationState.UNDER_REVIEW if application.state == ApplicationState.RETURNED else application.state
        ahead = ROAD[ROAD.index(resume) + (resume == application.state):]
        strip += [(state, labels[state], "ahead") for state in ahead]
    return strip


class ApplicationListView(ObjectListView):
    model = PolicyApplication
    filterset_class = filtersets.PolicyApplicationFilterSet
    table_class = tables.PolicyApplicationTable
    select_related = ("enterprise", "policy")


class ApplicationView(LoginRequiredMixin, View):
    def get(self, request, pk):
        a = get_object_or_404(PolicyApplication.objects.restrict(request.user).select_related(
            "enterprise", "policy__issuer"), pk=pk)
        labels = dict(STEP_LABELS)
        events = list(a.events.select_related("actor").prefetch_related("documents"))
        return render(request, "resources/application.html", {
            "application": a, "steps": [(step, labels[step]) for step in available_steps(request.user, a)],
            "road": road_taken(a, events), "inputs": declared_inputs(a.inputs), "unpaid_states": services.UNPAID_STATES,
            "amounts": {"applied": format_amount(a.amount_applied), "approved": format_amount(a.amount_approved),
                        "paid": format_amount(a.amount_paid)},
            "events": events,
        })


class ApplicationStepView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk, step):
        if step not in STEPS:
            raise Http404
        a = get_object_or_404(PolicyApplication.objects.restrict(request.user), pk=pk)
        if not services.may_take(step, request.user, a):  # who acts is answered before what was sent
            raise PermissionDenied(_("You may not take this step on this application."))
        service, fields = services.STEP_SERVICES[step], STEPS[step]
        kwargs = {f: request.POST.get(f, "") for f in fields}
        try:
            if "amount" in kwargs:
                kwargs["amount"] = yuan_to_fen(kwargs["amount"])
            if step == "pay":
                kwargs["paid_on"] = _date(kwargs["paid_on"])
                kwargs["voucher"] = request.FILES.get("voucher")
            if step == "answer":
                kwargs["files"] = request.FILES.getlist("files")
            service(a, request.user, version=request.POST.get("version") or None, **kwargs)
        except ValidationError as e:
            messages.error(request, _error_text(e))
        return redirect(a)


def _date(value):
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValidationError({"paid_on": _("Enter a date as YYYY-MM-DD.")}) from None


class PolicyApplyView(LoginRequiredMixin, View):
    """The enterprise's application form for a policy: amount, declared inputs, statement, documents."""

    def _policy(self, request, pk):
        return get_object_or_404(Policy.objects.restrict(request.user).published(), pk=pk)

    def get(self, request, pk):
        return render(request, "resources/apply.html", {"policy": self._policy(request, pk)})

    def post(self, request, pk):
        policy = self._policy(request, pk)
        inputs = {k: v.strip() for k, v in zip(request.POST.getlist("input_name"), request.POST.getlist("input_value"),
                                               strict=False) if k.strip()}
        try:
            a = services.apply(policy, request.user, amount=yuan_to_fen(request.POST.get("amount")), inputs=inputs,
                               statement=request.POST.get("statement", ""), files=request.FILES.getlist("files"))
        except ValidationError as e:
            return render(request, "resources/apply.html", {"policy": policy, "error": _error_text(e)}, status=400)
        messages.success(request, _("Your application is submitted."))
        return redirect(a)


class PolicyBatchView(LoginRequiredMixin, View):
    """免申即享 (grant) or the 公示 list (publicise) of a policy, from its page."""

    http_method_names = ["post"]
    actions = {"grant": services.grant_without_application, "publicise": services.publicise_list}

    def post(self, request, pk, action):
        if action not in self.actions:
            raise Http404
        policy = get_object_or_404(Policy.objects.restrict(request.user), pk=pk)
        try:
            done = self.actions[action](policy, request.user)
        except ValidationError as e:
            messages.error(request, _error_text(e))
        else:
            messages.success(request, ngettext("%(n)d application changed.", "%(n)d applications changed.",
                                               len(done)) % {"n": len(done)})
        return redirect(policy)


class PublicNoticeView(View):
    """公示: the publicised applications (enterprise, policy, amount) with the end of their objection window — for
    everyone, without signing in."""

    per_page = 50

    def get(self, request):
        rows = (PolicyApplication.objects.filter(state=ApplicationState.PUBLICISED)
                .select_related("enterprise", "policy__issuer").order_by("policy_id", "enterprise__name", "pk"))
        page = Paginator(rows, self.per_page).get_page(request.GET.get("page"))
        for a in page.object_list:
            a.amount_text = format_amount(a.amount_approved)
        return render(request, "resources/notice.html", {"rows": page.object_list, "page": page, "params": ""})


class ApplicationDocumentView(LoginRequiredMixin, View):
    def get(self, request, pk):
        doc = get_object_or_404(ApplicationDocument, pk=pk, application__in=PolicyApplication.objects.restrict(
            request.user))
        return FileResponse(doc.file.open("rb"), as_attachment=True, filename=doc.name)


def policy_context(user, policy):
    """What a policy's page shows of its applications: the enterprise's own application or its apply button; for
    the department the 免申即享 and 公示 buttons and the figures."""
    mine = None
    if user.role == Role.ENTERPRISE and user.organization_id:
        mine = (PolicyApplication.objects.filter(policy=policy, enterprise_id=user.organization_id)
                .order_by("-submitted_at").first())
    department = services.is_department(user, policy)
    approved = services.may_publicise(user, policy) and PolicyApplication.objects.filter(
        policy=policy, state=ApplicationState.APPROVED).exists()
    visible = PolicyApplication.objects.restrict(user).filter(policy=policy)
    figures = services.figures(visible) if user.is_staff_role else []
    return {
        "my_application": mine,
        "may_apply": (user.role == Role.ENTERPRISE and policy.is_published and not policy.granted_without_application
                      and (mine is None or mine.state == ApplicationState.REFUSED)),
        "may_grant": department and policy.is_published and policy.granted_without_application,
        "may_publicise_list": approved,
        "application_figures": [figure_row(f) for f in figures],
    }


def figure_row(row):
    """A figures row as pages and exports print it: the amount in 万元 (as reports do)."""
    return {**row, "paid_text": format_amount(row["paid"]),
            "median_text": "" if row["median_days"] is None else f"{row['median_days']:g}"}


class ApplicationFiguresView(LoginRequiredMixin, View):
    """Per policy and department: applications, approved, amount paid and median working days to payment."""

    def get(self, request):
        if not request.user.is_staff_role:
            raise PermissionDenied
        rows = [figure_row(r) for r in services.figures(PolicyApplication.objects.restrict(request.user))]
        return render(request, "resources/application_figures.html", {"rows": rows})
