"""The access matrix across regions: the demo's province (江南省), its three cities (明湖市, 青川市, 云岭市) and their
districts, with a chain office and a department user of each (demo.province), scoped to their region subtree
(core.region_q).

- Every endpoint that takes a record, as each region user, with a record of another region — one the same user
  would reach without its region (its twin, the same user with region=None), so the region alone keeps it away:
  every method says 404 (or 403/405 as for a record that does not exist) and changes nothing; at the end every
  table's rows are those before.
- Lists, the API, exports and search show nothing of another city or district; a city's users see their
  districts' records, a district's only its own."""

import io
import re

from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from chainserve.chains.models import Chain
from chainserve.core.backup import table_fingerprints
from chainserve.core.models import User
from chainserve.core.tests import urlmap
from chainserve.demo.province import CITIES, PROVINCE_CHAIN
from chainserve.registry.models import Organization

from .test_access_matrix import SHARED, SKIPPED, Matrix, api_model, endpoints, scoped, state, write_body

# username → its region (as the demo makes them): a city's and a district's office and department, the province's.
REGION_USERS = {
    "office": "明湖市", "handler": "明湖市",
    "office-qc": "青川市", "handler-qc": "青川市", "office-qc-qcq": "青川区", "handler-qc-qcq": "青川区",
    "office-yl": "云岭市", "handler-yl": "云岭市",
    "office-province": "江南省", "handler-province": "江南省",
}
# Endpoints whose records must be among those a region keeps from someone (the generic walk covers the rest).
MUST_COVER = {"registry:organization", "organization-detail", "chains:chain", "chain-detail", "chains:segment",
              "segment-detail", "placement-detail", "person-detail", "coordination:visit", "visit-detail"}


def clients_for(users, settings):
    clients = {}
    for name, user in users.items():
        page, api = Client(raise_request_exception=False), APIClient(raise_request_exception=False)
        page.cookies[settings.LANGUAGE_COOKIE_NAME] = api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        page.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        api.force_authenticate(user)
        clients[name] = (page, api)
    return clients


def twin(user):
    """The same user without its region (not saved): what it would see on a platform of one city."""
    other = User.objects.get(pk=user.pk)
    other.region = None
    return other


def test_the_demo_users_sit_in_their_regions(db):
    assert {u: str(User.objects.get(username=u).region) for u in REGION_USERS} == REGION_USERS
    assert User.objects.get(username="admin").region is None


def test_no_region_user_reaches_or_changes_another_regions_records(db, settings):
    settings.AXES_ENABLED = False
    users = {name: User.objects.get(username=name) for name in REGION_USERS}
    admin = User.objects.get(username="admin")
    clients = clients_for(users, settings)
    matrix, covered = Matrix(), set()
    fingerprints = table_fingerprints()

    for endpoint in endpoints():
        if endpoint.name in SKIPPED or endpoint.name in SHARED:
            continue
        model = api_model(endpoint, admin) if endpoint.api else urlmap.page_model(endpoint.name,
                                                                                   endpoint.callback.view_class)
        if model is None or scoped(model, admin, "view") is None:
            continue  # the access matrix names these
        for name, user in users.items():
            visible = scoped(model, user, "view")
            elsewhere = scoped(model, twin(user), "view").exclude(pk__in=visible.values("pk")).order_by("pk").first()
            if elsewhere is None:
                continue
            covered.add(endpoint.name)
            client = clients[name][1 if endpoint.api else 0]
            for method in endpoint.methods:
                before = state(model, elsewhere.pk)
                path, response = matrix.request(client, endpoint, method, elsewhere, write_body(endpoint, elsewhere))
                matrix.check(name, endpoint, method, elsewhere, response, path, (403, 404, 405), before)

    changed = {t: v for t, v in table_fingerprints().items() if fingerprints.get(t) != v and t != "django_session"}
    print(f"region matrix: {matrix.cases} requests over {len(covered)} endpoints", *matrix.failures, *changed,
          sep="\n")
    assert matrix.failures == []
    assert changed == {}
    assert MUST_COVER - covered == set()


def _names_in_xlsx(content):
    book = load_workbook(io.BytesIO(content), read_only=True)
    return {str(cell) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for cell in row if cell}


def test_lists_the_api_exports_and_search_show_nothing_of_another_city_or_district(db, settings):
    settings.AXES_ENABLED = False
    qingchuan, yunling = CITIES
    users = {name: User.objects.get(username=name) for name in ("office-qc", "office-qc-qcq", "handler-yl", "office")}
    clients = clients_for(users, settings)
    firm = {city.name: city.firms[0][0] for city in CITIES}  # in each city's first district
    other_district_firm = qingchuan.firms[2][0]  # 临江区, the second district of 青川市

    def found(name, term):
        page, api = clients[name]
        listed = page.get(reverse("registry:organizations"), {"q": term}).content.decode()
        api_rows = api.get("/api/v1/organizations/", {"q": term}).json()["results"]
        export = page.get(reverse("registry:organizations"), {"q": term, "export": "xlsx"})
        assert export.status_code == 200
        return (term in re.sub(r"<[^>]+>", "", listed), [r["name"] for r in api_rows] == [term],
                term in _names_in_xlsx(export.content))

    # a city's office: its districts' firms, none of another city's
    assert found("office-qc", firm["青川市"]) == (True, True, True)
    assert found("office-qc", other_district_firm) == (True, True, True)
    assert found("office-qc", firm["云岭市"]) == (False, False, False)
    assert found("office-qc", Organization.objects.filter(district__name="生物城新区").first().name) == (
        False, False, False)
    # a district's office: its own district's firms only
    assert found("office-qc-qcq", firm["青川市"]) == (True, True, True)
    assert found("office-qc-qcq", other_district_firm) == (False, False, False)
    # a department of another city, and the demo city's office
    assert found("handler-yl", firm["云岭市"]) == (True, True, True)
    assert found("handler-yl", firm["青川市"]) == (False, False, False)
    assert found("office", firm["青川市"]) == (False, False, False)

    # chains: a city's office the chains it staffs in its city and districts; a district's its own
    chains = {name: sorted(c["name"] for c in clients[name][1].get("/api/v1/chains/", {"limit": 100}).json()["results"])
              for name in users}
    assert chains["office-qc"] == sorted(Chain.objects.filter(region__path__startswith="420000/421000/")
                                         .values_list("name", flat=True))
    assert len(chains["office-qc"]) == 3  # its new-energy vehicle and biomedicine chains, and its district's
    assert chains["office-qc-qcq"] == ["青川区新能源汽车产业链"]
    assert chains["handler-yl"] == sorted(["云岭市绿色食品产业链", "云岭市生物医药产业链", "云岭区绿色食品产业链"])
    assert chains["office"] == sorted(["明湖市大健康和生物技术产业链", "生物城新区生物医药产业链"])
    assert yunling.chain not in clients["office-qc"][0].get(reverse("chains:chains"), {"q": "产业链"}).content.decode()


def test_the_province_office_sees_every_city_and_its_own_chain(db):
    office, handler = User.objects.get(username="office-province"), User.objects.get(username="handler-province")

    assert list(Chain.objects.restrict(office).values_list("name", flat=True)) == [PROVINCE_CHAIN]
    assert Chain.objects.restrict(handler).count() == Chain.objects.count()
    assert Organization.objects.restrict(office).count() == Organization.objects.count()
    assert not Organization.objects.restrict(User.objects.get(username="office-qc")).filter(
        district__path__startswith="420000/420900/").exists()
