"""The tests that read the demo cluster — the demo itself (its year, demands, matches, bulletins), and the generic walks
over it (every endpoint as every role, every list's query count, every list's search) — share one loaded demo.

Loading the demo takes many seconds on SQLite and far longer on PostgreSQL, and these tests only read it or change it
inside their own transaction. So the demo is loaded once for this package, on a fixed day (DEMO_DAY: the figures it
shows stay the same whenever the tests run), inside a transaction rolled back after the last of them, as Django's
TestCase.setUpTestData does; each test's `db` transaction is a savepoint inside it, so a test sees the demo exactly as
loaded whatever the tests before it changed, and runs with the platform's clock on DEMO_DAY. Every test here runs on
the demo; a test that needs another world, or loads the demo itself, belongs outside this package."""

import pytest
from django.db import transaction
from django.test import override_settings

from chainserve.core import reference
from chainserve.core.clock import frozen, local

DEMO_DAY = local(2026, 12, 7, 10)  # a Monday


@pytest.fixture(scope="package", autouse=True)
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, loaded with the test settings every test has (the root conftest's _test_settings: fast password
    hashing, uploads in a temporary folder), and no calendar kept from another test's database."""
    from chainserve.demo import load_demo

    test_settings = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                                      MEDIA_ROOT=tmp_path_factory.mktemp("demo-media"), AXES_ENABLED=False)
    reference.forget()
    with test_settings, django_db_blocker.unblock(), transaction.atomic(), frozen(DEMO_DAY):
        assert load_demo() is True
        yield
        transaction.set_rollback(True)
    reference.forget()


@pytest.fixture(autouse=True)
def demo_day(db):
    """Each test starts on DEMO_DAY, whatever the test before it did to the clock, inside its own transaction.

    Every test here asks for `db` through this fixture, even one that reads no record: pytest-django runs the `db`
    tests of a worker first, then the transactional ones (which empty the tables after them), then the rest — a test
    here without `db` would run after those, and the demo would be loaded again into an emptied database."""
    with frozen(DEMO_DAY) as clock:
        yield clock
