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


def test_on_a_phone_the_filters_fold_behind_a_button_that_counts_those_in_use(world, client_as):
    client = client_as(world.users.office)
    response = client.get("/registry/organizations/", {"kind": ["enterprise", "park"], "founded_after": "2000/1/1",
                                                       "sort": "name", "page": "1"})
    page = response.content.decode()
    assert response.context["filters_used"] == 2
    assert 'data-bs-target="#filter-panel"' in page and 'aria-expanded="false">Filter <span class="badge' in page
    assert 'class="col-lg-3 mb-3 collapse d-lg-block" id="filter-panel"' in page
    # a filter in error opens the panel, so its message is seen
    wrong = client.get("/registry/organizations/", {"founded_after": "someday"}).content.decode()
    assert 'class="col-lg-3 mb-3 collapse d-lg-block show" id="filter-panel"' in wrong
