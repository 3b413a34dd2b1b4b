"""The access matrix: every role × every endpoint that takes a record — found in the URL map and the API
routers, so endpoints added later are in it too — on the demo cluster.

For each endpoint and role, with the record the endpoint's parameter names:
- a record of the endpoint's model the role may not see (not in `Model.objects.restrict(user)`): every
  method the endpoint answers says 404 — or 403/405 when it says the same for a record that does not
  exist (a page or API closed to the whole role, which tells nothing about the record) — and changes
  nothing;
- a record the role may see but not change (not in `restrict(user, "change")`): every write method changes
  nothing (the API answers 403 or 404; a page may also answer with its form again or a redirect), never
  a server error.
"Changes nothing": the record's row and every table's row count are the same after the request, and at
the end every table's rows (SHA-256 of each table, as the backup compares them) are those before the first
forbidden write.

An endpoint whose model the test cannot tell, whose model is not scoped, or for which the demo gives no
record any role is kept from, fails the test unless it is listed below with its reason.
"""

import copy
import datetime
import decimal
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.db import connection
from django.db.models.fields.files import FieldFile
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from chainserve.core.backup import table_fingerprints
from chainserve.core.choices import Role
from chainserve.core.models import RestrictedQuerySet, User
from chainserve.core.tests import urlmap
from chainserve.core.tests.urlmap import WORDS, WORDS_FOR, url_patterns

SKIPPED_PREFIXES = ("admin/", "accounts/", "i18n/")
WRITES = ("post", "put", "patch", "delete")

# Endpoints on a model every user may read (reference data shared by the whole platform): nothing to keep
# from anyone; a write by a role other than the named ones must change nothing.
SHARED = {
    "district-detail": ("districts: reference data", {"admin"}),
    "label-detail": ("labels: reference data", {"admin"}),
    "demand-category-detail": ("demand categories: reference data", {"admin"}),
}
# Models scoped through the record they belong to: app_label.Model → its foreign key to a scoped model.
SCOPED_THROUGH = {
    "demands.Attachment": "demand",
    "coordination.ItemUpdate": "item",
    "coordination.VisitFile": "visit",
    "resources.ApplicationDocument": "application",
}

# Endpoints the generic check cannot build a case for, each with the reason; a new endpoint is never
# silently left out — it must be checked or named here.
SKIPPED = {
    "coordination:public-list": "the public progress page of a list its office published for everyone (no login); "
                                "an unpublished list answers 404 (coordination tests)",
    "coordination:calendar-feed": "the address is the secret: one user's iCalendar feed by its token, its events "
                                  "scoped like the pages (coordination tests)",
    "reports:records": "the parameter is a figure's key, not a record: the records behind it are a scoped list",
    "import-run": "a workbook import is its uploader's own (looked up with user=request.user): another's answers "
                  "404 (core/tests/test_importing.py)",
    "inbox-open": "a message is its user's own (looked up with user=request.user): another's answers 404 and "
                  "stays unread (core/tests/test_inbox.py)",
}
# A valid body for a write the generic one (the record's own fields, texts changed) does not fit.
BODY_FOR = {"list-item-post-update": {"text": "changed"}}


@dataclass
class Endpoint:
    name: str
    route: str
    pattern: object
    callback: object
    api: bool
    params: list = field(default_factory=list)

    @property
    def methods(self):
        if self.api:
            return [m for m in ("get", *WRITES) if m in self.callback.actions]
        view = self.callback.view_class
        return [m for m in ("get", *WRITES) if hasattr(view, m)]


def endpoints():
    """Every URL of the project (outside SKIPPED_PREFIXES) with at least one parameter; the API's
    format-suffix twins (`.json`) left out."""
    found = []
    for route, name, entry in url_patterns(SKIPPED_PREFIXES):
        regex = entry.pattern.regex
        params = [p for p in regex.groupindex if p != "format"]
        if params and "format" not in regex.groupindex:
            found.append(Endpoint(name, route, entry.pattern, entry.callback, route.startswith("api/"), params))
    return found


def api_model(endpoint, admin):
    view = endpoint.callback.cls(**endpoint.callback.initkwargs)
    view.request = Request(APIRequestFactory().get("/"))
    view.request.user = admin
    view.args, view.kwargs, view.format_kwarg = (), {}, None
    view.action = next(iter(endpoint.callback.actions.values()))
    return view.get_queryset().model


def plain(value):
    if isinstance(value, str):
        return value + " (changed)"
    if isinstance(value, datetime.date | datetime.time | decimal.Decimal):
        return str(value)
    if isinstance(value, list):
        return [getattr(v, "pk", v) for v in value]
    return getattr(value, "pk", value)


def words(endpoint):
    return {**WORDS, **WORDS_FOR.get(endpoint.name, {})}


def url_kwargs(endpoint, obj):
    return urlmap.url_kwargs(endpoint.name, endpoint.params, obj)


def write_body(endpoint, obj):
    """A plausible write: the record's own fields with every text changed, plus the usual step fields."""
    if endpoint.name in BODY_FOR:
        return BODY_FOR[endpoint.name]
    data = {k: plain(v) for k, v in model_to_dict(obj).items() if v is not None and not isinstance(v, FieldFile)}
    return {**data, "note": "changed", "reason": "changed", "answer": "changed", "text": "changed", **words(endpoint)}


def table_counts():
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in sorted(tables))
    with connection.cursor() as cursor:
        cursor.execute(sql)  # nosec B608  # table names from introspection
        return cursor.fetchone()


def state(model, pk):
    return model._base_manager.filter(pk=pk).values().first(), table_counts()


def scoped(model, user, action):
    """The rows of model user may see ("view") or change ("change"); None for a model with no scope."""
    if isinstance(model._default_manager.all(), RestrictedQuerySet):
        return model.objects.restrict(user, action)
    through = SCOPED_THROUGH.get(model._meta.label)
    if through is None:
        return None
    owner = model._meta.get_field(through).related_model
    return model._default_manager.filter(**{f"{through}__in": owner.objects.restrict(user, action).values("pk")})


def records_kept_from(endpoint, model, role, user):
    """(a record the role may not see, a record it may see but not change) — either may be None."""
    if endpoint.name in SHARED:
        writers = SHARED[endpoint.name][1]
        return None, None if role in writers else model._default_manager.order_by("pk").first()
    visible, changeable = scoped(model, user, "view"), scoped(model, user, "change")
    hidden = model._default_manager.exclude(pk__in=visible.values("pk")).order_by("pk").first()
    readonly = visible.exclude(pk__in=changeable.values("pk")).order_by("pk").first()
    return hidden, readonly


@dataclass
class Matrix:
    cases: int = 0
    failures: list = field(default_factory=list)
    kept_from_someone: set = field(default_factory=set)

    def request(self, client, endpoint, method, obj, body):
        path = reverse(endpoint.name, kwargs=url_kwargs(endpoint, obj))
        self.cases += 1
        if method == "get":
            return path, client.get(path)
        if endpoint.api:
            return path, getattr(client, method)(path, body, format="json")
        return path, client.post(path, body) if method == "post" else getattr(client, method)(path)

    def check(self, role, endpoint, method, obj, response, path, expected, before):
        after = state(type(obj), obj.pk)
        status = response.status_code
        if status >= 500 or (expected and status not in expected):
            self.failures.append(f"{role} {method.upper()} {path} ({endpoint.name}): {status}, expected {expected}")
        if before is not None and after != before:
            what = "the record" if after[0] != before[0] else "a table's row count"
            self.failures.append(f"{role} {method.upper()} {path} ({endpoint.name}): {what} changed")


def add_attachment():
    from chainserve.demands.models import Attachment, Demand

    Attachment.objects.create(demand=Demand.objects.order_by("pk").first(), name="scan.pdf", size=9,
                              file=ContentFile(b"%PDF-1.4\n", name="scan.pdf"), content_type="application/pdf")


def add_visit():
    from chainserve.coordination.models import Visit
    from chainserve.registry.models import Organization

    Visit.objects.create(organization=Organization.objects.filter(kind="enterprise").order_by("pk").first(),
                         visitor=User.objects.get(username="specialist"), visited_on=datetime.date(2026, 3, 2),
                         purpose="走访调研")


def add_candidate():
    segment = apps.get_model("chains.Segment").objects.order_by("pk").first()
    apps.get_model("chains.Candidate").objects.create(chain=segment.chain, name="上海澄远生物医药有限公司",
                                                      region="上海市浦东新区")


def add_lead():
    candidate = apps.get_model("chains.Candidate").objects.order_by("pk").first()
    segment = candidate.chain.segments.order_by("pk").first()
    apps.get_model("chains.Lead").objects.create(candidate=candidate, segment=segment)


# Records the demo does not make, added (in this order) when their model has none: app_label.Model → a function.
DEMO_GAPS = {"demands.Attachment": add_attachment, "coordination.Visit": add_visit,
             "chains.Candidate": add_candidate, "chains.Lead": add_lead}


@pytest.fixture
def demo_world(db):
    installed = {m._meta.label for m in apps.get_models()}
    for label, add in DEMO_GAPS.items():
        if label in installed and not apps.get_model(label)._default_manager.exists():
            add()
    return {role: User.objects.get(username=role) for role in Role.values}


def test_no_role_reaches_or_changes_a_record_kept_from_it(demo_world, settings):
    settings.AXES_ENABLED = False
    users = demo_world
    clients = {}
    for role, user in users.items():
        page, api = Client(raise_request_exception=False), APIClient(raise_request_exception=False)
        page.cookies[settings.LANGUAGE_COOKIE_NAME] = api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        page.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        api.force_authenticate(user)
        clients[role] = (page, api)
    matrix = Matrix()
    unresolved, unscoped, uncovered = [], [], []
    fingerprints = table_fingerprints()

    for endpoint in endpoints():
        if endpoint.name in SKIPPED:
            continue
        model = api_model(endpoint, users["admin"]) if endpoint.api else urlmap.page_model(endpoint.name, endpoint.callback.view_class)
        if model is None:
            unresolved.append(endpoint.name)
            continue
        if endpoint.name not in SHARED and scoped(model, users["admin"], "view") is None:
            unscoped.append(f"{endpoint.name} ({model._meta.label})")
            continue
        covered = False
        for role, user in users.items():
            client = clients[role][1 if endpoint.api else 0]
            hidden, readonly = records_kept_from(endpoint, model, role, user)
            if hidden is not None:
                covered = True
                matrix.kept_from_someone.add(endpoint.name)
                for method in endpoint.methods:
                    before = state(model, hidden.pk)
                    path, response = matrix.request(client, endpoint, method, hidden, write_body(endpoint, hidden))
                    matrix.check(role, endpoint, method, hidden, response, path, (403, 404, 405), before)
                    if response.status_code != 404:  # refused without telling whether the record exists?
                        ghost = copy.copy(hidden)
                        ghost.pk = model._default_manager.order_by("-pk").first().pk + 1_000_000
                        _, missing = matrix.request(client, endpoint, method, ghost, write_body(endpoint, hidden))
                        if missing.status_code != response.status_code:
                            matrix.failures.append(
                                f"{role} {method.upper()} {path} ({endpoint.name}): {response.status_code}, but "
                                f"{missing.status_code} for a record that does not exist — tells that it exists")
            if readonly is not None:
                covered = True
                for method in (m for m in endpoint.methods if m in WRITES):
                    before = state(model, readonly.pk)
                    path, response = matrix.request(client, endpoint, method, readonly, write_body(endpoint, readonly))
                    matrix.check(role, endpoint, method, readonly, response, path,
                                 (403, 404, 405) if endpoint.api else None, before)
        if not covered:
            uncovered.append(f"{endpoint.name} ({model._meta.label})")

    changed = {t: v for t, v in table_fingerprints().items() if fingerprints.get(t) != v and t != "django_session"}
    print(f"access matrix: {matrix.cases} requests over {len(matrix.kept_from_someone)} endpoints with records "
          f"kept from some role", *unresolved, *unscoped, *uncovered, *matrix.failures, *changed, sep="\n")
    assert unresolved == [], "endpoints whose record model is unknown: add them to urlmap.PAGE_RECORDS or SKIPPED"
    assert unscoped == [], "endpoints on a model without restrict(): scope it, or list it in SHARED"
    assert uncovered == [], "endpoints with no record kept from any role in the demo: add demo records or SKIPPED"
    assert matrix.failures == []
    assert changed == {}
    assert matrix.cases > 0


def test_no_delete_reaches_past_the_scope_or_takes_other_records_with_it(demo_world, settings):
    """Deletes, role by role, on every API endpoint that deletes and on the organisation's delete page:
    - a record the role may not delete (outside core.services.deletable — its change scope narrowed by the
      model's delete_scope), one that others use where there is one: 403 or 404 (405 where the endpoint
      deletes nothing), and nothing changed;
    - a record it may delete that others use (core.services.record_uses: a cascade, a SET_NULL or a
      PROTECT): refused — 409 {"detail": "… cannot be deleted: …"} from the API, the page back to the
      record with that message — and nothing changed.
    "Nothing changed": every table's row count after each request (so no dependent went with the record),
    and at the end every table's rows."""
    from chainserve.core.services import deletable, record_uses

    settings.AXES_ENABLED = False
    users = demo_world
    clients = {}
    for role, user in users.items():
        api, browser = APIClient(raise_request_exception=False), Client(raise_request_exception=False)
        api.force_authenticate(user)
        browser.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        api.cookies[settings.LANGUAGE_COOKIE_NAME] = browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        clients[role] = (api, browser)
    fingerprints = table_fingerprints()  # after the logins, which the audit trail records
    failures, cases = [], {"outside": 0, "in use": 0}

    uses = {}  # nothing is deleted (the test asserts it), so whether a record is in use is asked once per record

    def used(record):
        key = (type(record), record.pk)
        if key not in uses:
            uses[key] = bool(record_uses(record))
        return uses[key]

    def pick(queryset, in_use):
        """The first of (up to 10 of) the records that others use, or with in_use False any, preferring one in use."""
        rows = list(queryset.order_by("pk")[:10])
        used_one = next((r for r in rows if used(r)), None)
        return used_one if in_use or used_one is not None else (rows[0] if rows else None)

    targets = [(e, api_model(e, users["admin"])) for e in endpoints()
               if e.api and "delete" in e.callback.actions and e.name not in SKIPPED
               and "delete" in e.callback.cls.http_method_names]
    organization = apps.get_model("registry.Organization")
    page = next(e for e in endpoints() if e.name == "registry:organization-delete")
    targets.append((page, organization))
    for role, user in users.items():
        client, browser = clients[role]
        for endpoint, model in targets:
            if scoped(model, user, "view") is None:
                continue
            allowed = deletable(model, user).values("pk")
            for kind, record in (("outside", pick(model._default_manager.exclude(pk__in=allowed), False)),
                                 ("in use", pick(model._default_manager.filter(pk__in=allowed), True))):
                if record is None:
                    continue
                cases[kind] += 1
                path = reverse(endpoint.name, kwargs={"pk": record.pk})
                before = state(model, record.pk)
                response = client.delete(path) if endpoint.api else browser.post(path)
                status = response.status_code
                if kind == "outside":
                    ok = status in (403, 404, 405)
                elif endpoint.api:
                    ok = status == 409 and "cannot be deleted: " in response.json().get("detail", "")
                else:
                    ok = status == 302 and response["Location"] == record.get_absolute_url()
                if not ok:
                    failures.append(f"{role} DELETE {path} ({kind}): {status}")
                if state(model, record.pk) != before:
                    failures.append(f"{role} DELETE {path} ({kind}): something changed")

    changed = {t: v for t, v in table_fingerprints().items() if fingerprints.get(t) != v and t != "django_session"}
    print(f"delete matrix: {cases}", *failures, *changed, sep="\n")
    assert failures == []
    assert changed == {}
    assert cases["outside"] > 0 and cases["in use"] > 0
