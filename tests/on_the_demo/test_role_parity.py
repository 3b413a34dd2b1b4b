"""Role parity: a page and the API operation that does the same (test_api_parity.PARITY) are open to the same
people. For every add page ↔ `POST /api/v1/<plural>/` and edit page ↔ `PATCH /api/v1/<plural>/{id}/` of the table,
and every demo login, each side is asked whether the login may, without changing anything:
- the page: a GET of the add or edit page — 200 may, 403 or 404 (or a redirect away from the form) may not;
- the API: the write with a body no endpoint takes (a field that does not exist: strict serializers answer 400 naming
  it) — 400 may (the request got as far as validation), 403 or 404 may not.
Pages that share one operation (the office's demand page and the portal's) count as one side: the API is open to a
login when one of them is. An edit is asked on a record the login may see, preferably one it may change, and only
where it sees that record on the API too. Every disagreement not excused below is listed in one failure message.
A 400 says "may" only because an endpoint answers who may before reading the body (403 whatever was sent, as the
page); one that read the body first would answer 400 to everyone — the corrections and demands creates did.
The demand steps are compared too (the second test): there the API reads the body first by design (a stale version
is a 409 before the step's availability), so each step is taken with a valid body and rolled back."""

import re
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import resolve, reverse
from rest_framework.test import APIClient
from test_api_parity import PARITY

from chainserve.core.models import can_change_any
from chainserve.core.tests import urlmap

from .test_access_matrix import api_model, demo_world, scoped, table_counts  # noqa: F401  (demo_world: a fixture)

ADD = re.compile(r"POST (/api/v1/[\w-]+/)$")
EDIT = re.compile(r"PATCH (/api/v1/[\w-]+/)\{id\}/$")
INVALID = {"no_such_field": "role parity"}
MAY, MAY_NOT = "may", "may not"
# A redirect instead of the form: the enterprise's own file sends it to ask for a correction instead.
PAGE_ANSWERS = {200: MAY, 302: MAY_NOT, 403: MAY_NOT, 404: MAY_NOT}
API_ANSWERS = {400: MAY, 403: MAY_NOT, 404: MAY_NOT}
# Add pages under a record named in the query (…/add/?list=7): the record's model and the query's key.
UNDER = {"coordination:list-item-add": ("coordination.AnnualList", "list"),
         "matching:rule-add": ("resources.Policy", "policy")}
# The rest of the query an add page needs: the field of its file the enterprise asks to correct.
QUERY = {"registry:correction-add": "field=address"}

# (operation, login) pairs where the page and the API disagree, each with the reason it is left so.
EXCUSED: dict[tuple[str, str], str] = {}


def cases():
    """operation → (kind "add" or "edit", API collection path, [page URL names]) for the add and edit pages of PARITY."""
    found = {}
    for name, operation in PARITY.items():
        if not isinstance(operation, str):
            continue
        for kind, pattern in (("add", ADD), ("edit", EDIT)):
            match = pattern.match(operation)
            if match and name.endswith(f"-{kind}"):
                found.setdefault(operation, (kind, match[1], []))[2].append(name)
    return found


def page_routes():
    return {name: entry for _, name, entry in urlmap.url_patterns(("admin/", "api/"))}


def page_path(name, entry, record, user):
    """The page's address on record (an edit page); an add page under a record — a product under its organisation,
    a list's item (?list=) — is asked on the first such record the login may change or see; None when it sees none."""
    params = [p for p in entry.pattern.regex.groupindex if p != "format"]
    if name in UNDER:
        label, key = UNDER[name]
        parent = parent_for(apps.get_model(label), user)
        return None if parent is None else f"{reverse(name)}?{key}={parent.pk}"
    if params and record is None:
        record = parent_for(urlmap.page_model(name, entry.callback.view_class), user)
    if params and record is None:
        return None
    path = reverse(name, kwargs=urlmap.url_kwargs(name, params, record)) if params else reverse(name)
    return f"{path}?{QUERY[name]}" if name in QUERY else path


def record_for(model, user):
    """The first record of model the login may change, else its own organisation (the enterprise asks for corrections
    of its file), else the first it may see; None when it sees none."""
    visible = scoped(model, user, "view")
    if visible is None:
        return None
    own = visible.filter(pk=user.organization_id) if model._meta.label == "registry.Organization" else visible.none()
    return (scoped(model, user, "change").order_by("pk").first() or own.first()
            or visible.order_by("pk").first())


def parent_for(model, user):
    """The record an add page is asked under: as record_for, but None (nothing to compare) when the login may change
    records of model yet the demo gives it none (a province office staffs a chain with no annual list)."""
    record = record_for(model, user)
    if record is not None and can_change_any(model, user) and not scoped(model, user, "change").exists():
        return None
    return record


def clients(users, settings):
    made = {}
    for login, user in users.items():
        page, api = Client(raise_request_exception=False), APIClient(raise_request_exception=False)
        page.cookies[settings.LANGUAGE_COOKIE_NAME] = api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        page.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        api.force_authenticate(user)
        made[login] = (page, api)
    return made


@pytest.fixture
def logins(demo_world):  # noqa: F811  (the access matrix's fixture)
    """Every demo login (the accounts with a password), by username."""
    return {u.username: u for u in get_user_model().objects.order_by("username") if u.has_usable_password()}


def test_a_page_and_its_api_operation_are_open_to_the_same_logins(logins, settings):
    settings.AXES_ENABLED = False
    made = clients(logins, settings)
    routes = page_routes()
    admin = logins["admin"]
    disagreements, compared, unexpected = [], 0, []
    counts = table_counts()

    for operation, (kind, collection, names) in sorted(cases().items()):
        model = api_model(SimpleNamespace(callback=resolve(collection).func), admin) if kind == "edit" else None
        for login, user in logins.items():
            page, api = made[login]
            record = None
            if kind == "edit":
                record = record_for(model, user)
                if record is None or api.get(f"{collection}{record.pk}/").status_code != 200:
                    continue  # the login does not see such a record on the API: nothing to compare
                before = model._base_manager.filter(pk=record.pk).values().first()
                answer = api.patch(f"{collection}{record.pk}/", INVALID, format="json")
                if model._base_manager.filter(pk=record.pk).values().first() != before:
                    unexpected.append(f"{login} {operation}: the record changed")
            else:
                answer = api.post(collection, INVALID, format="json")
            api_says = API_ANSWERS.get(answer.status_code)
            page_says = []
            for name in names:
                path = page_path(name, routes[name], record, user)
                if path is None:
                    continue
                status = page.get(path).status_code
                page_says.append((name, status, PAGE_ANSWERS.get(status)))
            if not page_says:
                continue
            compared += 1
            if api_says is None or any(says is None for *_, says in page_says):
                unexpected.append(f"{login} {operation}: API {answer.status_code}, pages {page_says}")
                continue
            page_may = MAY if any(says == MAY for *_, says in page_says) else MAY_NOT
            if page_may != api_says and (operation, login) not in EXCUSED:
                disagreements.append(f"{login} {operation}: API {answer.status_code} ({api_says}), "
                                     + ", ".join(f"{name} {status}" for name, status, _ in page_says))

    print(f"role parity: {compared} (operation, login) pairs compared", *unexpected, *disagreements, sep="\n")
    assert table_counts() == counts
    assert unexpected == []
    assert disagreements == []
    assert compared > len(logins) * 40


NOTE = "角色一致性检查"


def step_body(step, demand):
    """A body the step takes on demand. The steps endpoint reads the body before it asks who may (a missing field or
    a stale version is a 400 or 409 to anyone who sees the demand), so the step is taken, and rolled back."""
    from chainserve.core.models import Region
    from chainserve.demands.models import Demand
    from chainserve.demands.permissions import PARTNER_KINDS
    from chainserve.registry.choices import OrgKind
    from chainserve.registry.models import Organization

    departments = Organization.objects.filter(kind=OrgKind.DEPARTMENT).exclude(pk=demand.lead_department_id)
    extra = {
        "dispatch": lambda: {"lead": departments.order_by("pk").first().pk},
        "reassign": lambda: {"lead": departments.order_by("pk").first().pk},
        "add_partner": lambda: {"partner": Organization.objects.filter(kind__in=PARTNER_KINDS).exclude(
            pk__in=demand.assignments.values("department")).order_by("pk").values_list("pk", flat=True).first()},
        "refer_down": lambda: {"region": getattr(Region.objects.filter(parent=demand.district_id).order_by("pk").first(),
                                                 "pk", None)},
        "merge": lambda: {"into": Demand.objects.exclude(pk=demand.pk).filter(
            organization=demand.organization_id).order_by("pk").values_list("pk", flat=True).first()},
        "link_issue": lambda: {"new_title": NOTE},
        "request_extension": lambda: {"days": 5},
        "decide_extension": lambda: {"approve": True},
        "close": lambda: {"resolved": True},
        "rate": lambda: {"rating": "satisfied"},
    }.get(step, dict)()
    return {"version": demand.version, "note": NOTE, **{k: v for k, v in extra.items() if v is not None}}


# Steps the demo offers no login on any demand, with why (their roles are checked in demands/tests).
NOT_ON_THE_DEMO = {
    "reopen": "no closed demand of the demo's enterprise login is rated unsatisfied (RATED_UNSATISFIED)",
    "refer_down": "the demo's demands sit in districts, with no region below them (REGION_BELOW)",
}
NOT_OPEN = {"non_field_errors": ["This step is not open to you on this demand now."]}  # the API's 400 to whom it is not


def take_step(api, demand, step):
    """The API's answer to the step on demand (as loaded now), the step rolled back whatever it did."""
    from django.db import transaction

    from chainserve.demands.models import Demand

    with transaction.atomic():
        answer = api.post(f"/api/v1/demands/{demand.pk}/steps/{step}/",
                          step_body(step, Demand.objects.get(pk=demand.pk)), format="json")
        transaction.set_rollback(True)
    return answer


def step_says(answer):
    if answer.status_code == 200:
        return MAY
    if answer.status_code in (403, 404) or (answer.status_code == 400 and answer.json() == NOT_OPEN):
        return MAY_NOT
    return None


def test_a_demand_step_is_offered_on_the_page_to_exactly_the_logins_the_api_accepts(logins, settings):
    """For each step of demands.forms.ACTION_FORMS, on the first demo demand (of the first three in each status) where
    the step is offered to some login and the API takes it from that login: every login that sees the demand is
    offered it on the page (permissions.available_actions) exactly when the API takes it (200; 403, 404, or 400 "not
    open to you" when not). Each step is taken in a savepoint rolled back."""
    from django.db.models import Q

    from chainserve.core.choices import Role
    from chainserve.demands.choices import CLOSED_STATUSES, Rating, Status
    from chainserve.demands.forms import ACTION_FORMS
    from chainserve.demands.models import Demand
    from chainserve.demands.permissions import available_actions

    settings.AXES_ENABLED = False
    made = clients(logins, settings)
    firms = [u.organization_id for u in logins.values() if u.role == Role.ENTERPRISE]
    candidates = [d for status in Status.values for d in Demand.objects.filter(status=status).order_by("pk")[:3]]
    candidates += [d for q in (Q(extension_days__gt=0), Q(status__in=CLOSED_STATUSES, rating="", organization__in=firms),
                               Q(rating=Rating.UNSATISFIED, organization__in=firms), Q(escalation_level__gt=0))
                   for d in Demand.objects.filter(q).exclude(pk__in=[c.pk for c in candidates]).order_by("pk")[:2]]
    seeing = {d.pk: [login for login, user in logins.items() if Demand.objects.restrict(user).filter(pk=d.pk).exists()]
              for d in candidates}
    offers = {(d.pk, login): set(available_actions(d, logins[login])) for d in candidates for login in seeing[d.pk]}
    disagreements, unexpected, unoffered, compared = [], [], [], 0
    counts = table_counts()

    for step in ACTION_FORMS:
        demand, refusals = None, []
        for d in candidates:
            offered_to = next((login for login in seeing[d.pk] if step in offers[d.pk, login]), None)
            if offered_to is not None:
                answer = take_step(made[offered_to][1], d, step)
                if answer.status_code == 200:
                    demand = d
                    break
                refusals.append(f"{offered_to} on {d.number} ({d.status}): {answer.status_code} {answer.content.decode()[:160]}")
        if demand is None:
            if refusals:
                unexpected.append(f"{step}: offered on the page, refused by the API: " + "; ".join(refusals))
            else:
                unoffered.append(step)
            continue
        for login in seeing[demand.pk]:
            answer = take_step(made[login][1], demand, step)
            api_says, page_says = step_says(answer), MAY if step in offers[demand.pk, login] else MAY_NOT
            compared += 1
            if api_says != page_says:
                disagreements.append(f"{login} {step} on {demand.number} ({demand.status}): API {answer.status_code} "
                                     f"{answer.content.decode()[:160]}, page {page_says}")

    print(f"demand steps: {compared} (step, login) pairs compared; offered to no login on the demo: {unoffered}",
          *unexpected, *disagreements, sep="\n")
    assert table_counts() == counts
    assert unexpected == []
    assert disagreements == []
    assert unoffered == sorted(NOT_ON_THE_DEMO, key=list(ACTION_FORMS).index)
    assert compared > 40, compared
