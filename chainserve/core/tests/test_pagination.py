"""List pages count at most COUNT_CAP rows, and say so when there are more."""

from chainserve.core import views


def test_a_list_longer_than_the_cap_says_more_than_and_pages_only_the_capped_rows(world, client_as, monkeypatch):
    monkeypatch.setattr(views, "COUNT_CAP", 4)  # the world has 6 organisations

    response = client_as(world.users.office).get("/registry/organizations/", {"per_page": 25})

    page = response.context["page"]
    assert (page.paginator.capped, page.paginator.count, page.paginator.num_pages) == (True, 4, 1)
    assert len(page.object_list) == 4
    assert "more than 4 records" in response.content.decode()


def test_a_list_within_the_cap_gives_the_exact_count(world, client_as):
    response = client_as(world.users.office).get("/registry/organizations/")

    page = response.context["page"]
    assert (page.paginator.capped, page.paginator.count) == (False, 6)
    assert "6 records" in response.content.decode()


def test_the_capped_count_does_not_sort(world, client_as):
    """Regression: the count kept the list's ORDER BY (and its join), sorting a million rows to count 10,001."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client_as(world.users.office).get("/registry/organizations/", {"sort": "-name"})
    counts = [q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT(*) FROM (SELECT \"registry_organization\"")]
    assert response.context["page"].paginator.count == 6
    assert len(counts) == 1 and "ORDER BY" not in counts[0]
