"""The demand desk of the demands app's tests (people, departments, demands brought to a state by the services)."""

from chainserve.demands.tests.conftest import desk, make_demand  # noqa: F401 — fixtures used here
