"""No list grows its queries with its rows (no N+1): every list page and every list endpoint of the API — found
in the URL map, so lists added later are walked too — on the demo cluster, as the administrator (who sees every
row) and as a chain office user (whose rows are scoped).

A list is read showing one row and then up to 100 rows; the second read may not make more queries than the
first (it may make fewer: the first fills the process's caches, such as the calendar). A list the demo gives fewer than two rows proves nothing, so the lists that must have been measured
with several rows are named below; a list that drops out of the measured set fails the test."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chainserve.core.models import User
from chainserve.core.tests.urlmap import url_patterns

# Lists the walk must measure with at least two rows (the demo has them): the walk is not empty.
MEASURED_AT_LEAST = {
    "/registry/organizations/", "/registry/people/", "/demands/", "/coordination/pairings/", "/coordination/coverages/",
    "/api/v1/organizations/", "/api/v1/people/", "/api/v1/placements/", "/api/v1/demands/", "/api/v1/matches/",
}


def queries(client, path):
    """(number of queries, response) of one GET."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    return len(captured), response


def page_lists():
    """'/path/' of every page of the URL map without a parameter, outside the API, auth and admin."""
    skipped = ("api/", "admin/", "accounts/", "i18n/")
    return ["/" + route for route, _, _ in url_patterns(skipped) if not any(c in route for c in "<(^")]


def api_lists():
    """'/api/v1/…/' of every list endpoint of the API (its router's `-list` routes, no format suffix)."""
    return sorted({reverse(name) for route, name, entry in url_patterns()
                   if route.startswith("api/") and name.endswith("-list") and not entry.pattern.regex.groupindex})


def walk(client, monkeypatch):
    """{path: (queries with one row, queries with many, rows shown)} for the lists this client may read."""
    monkeypatch.setattr("chainserve.core.views.PAGE_SIZES", (1, 100))
    found = {}
    for path in page_lists():
        few, response = queries(client, path + "?per_page=1")
        page = response.context and response.status_code == 200 and response.context.get("page")
        if page and hasattr(page, "paginator") and page.paginator.per_page == 1:
            many, response = queries(client, path + "?per_page=100")
            found[path] = (few, many, len(response.context["page"].object_list))
    for path in api_lists():
        few, response = queries(client, path + "?limit=1")
        if response.status_code == 200:
            many, response = queries(client, path + "?limit=100")
            found[path] = (few, many, len(response.json()["results"]))
    return found


def test_no_list_makes_more_queries_for_more_rows(db, monkeypatch):
    grown, measured = {}, set()
    for role in ("admin", "office"):
        client = Client()
        client.force_login(User.objects.get(username=role), backend="django.contrib.auth.backends.ModelBackend")
        for path, (few, many, rows) in walk(client, monkeypatch).items():
            if rows > 1 and many > few:
                grown[f"{role} {path}"] = f"{few} queries for one row, {many} for {rows} rows"
            measured |= {path} if rows > 1 else set()

    assert grown == {}
    assert MEASURED_AT_LEAST <= measured, sorted(MEASURED_AT_LEAST - measured)
