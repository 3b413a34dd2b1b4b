"""The generic walks over the demo cluster — every endpoint as every role, every list's query count, every list's
search — share one loaded demo.

Loading the demo takes seconds on SQLite and far longer on PostgreSQL; each walk only reads it, or changes it inside
its own transaction. So the demo is loaded once for the tests of this package, inside a transaction that is rolled
back after the last of them (as Django's TestCase.setUpTestData does), and each test's `db` transaction is a
savepoint inside it: a test sees the demo exactly as loaded, whatever the tests before it changed. Every test here
therefore runs on the demo; a test that needs another world belongs outside this package."""

import pytest
from django.db import transaction


@pytest.fixture(scope="package", autouse=True)
def demo(django_db_setup, django_db_blocker):
    from chainserve.demo import load_demo

    with django_db_blocker.unblock(), transaction.atomic():
        assert load_demo() is True
        yield
        transaction.set_rollback(True)
