"""The registry's stamp lives in the registry (it moved from reports): the move keeps the rows, on either backend,
and the profile-change path still draws a new stamp."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from chainserve.registry.models import RegistryStamp
from chainserve.registry.services import registry_changed

BEFORE = [("reports", "0008_bulletin_district_is_a_region"), ("registry", "0011_delete_district")]
AFTER = [("reports", "0009_registry_stamp_moves_to_registry"), ("registry", "0012_registry_stamp")]


def migrate(targets=None):
    """Migrate to targets; None: to the newest migration of every app (as the tests found it)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


# serialized: the flush after a plain transactional test re-seeds the content types under new ids, and the next
# serialized test (the fault test, the generated client) could not put its own back
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_moving_the_stamp_keeps_its_rows_and_goes_back():
    # given the tables as they stood before the move, with stamps in the old table
    migrate(BEFORE)
    try:
        tables = connection.introspection.table_names()
        assert "reports_registrystamp" in tables and "registry_registrystamp" not in tables
        with connection.cursor() as cursor:
            cursor.executemany("INSERT INTO reports_registrystamp (token) VALUES (%s)", [("a" * 32,), ("b" * 32,)])
        # when the move runs
        migrate(AFTER)
    finally:
        migrate()
    # then the rows are the registry's, in order, and new ones follow them
    tables = connection.introspection.table_names()
    assert "registry_registrystamp" in tables and "reports_registrystamp" not in tables
    assert list(RegistryStamp.objects.order_by("pk").values_list("token", flat=True)) == ["a" * 32, "b" * 32]
    assert RegistryStamp.current() == "b" * 32
    newest = RegistryStamp.objects.create()
    assert newest.pk > RegistryStamp.objects.get(token="b" * 32).pk
    # and going back puts the table where it was, rows and all
    migrate(BEFORE)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT token FROM reports_registrystamp ORDER BY id")
            assert [row[0] for row in cursor.fetchall()] == ["a" * 32, "b" * 32, newest.token]
    finally:
        migrate()


@pytest.mark.django_db
def test_a_profile_change_draws_a_new_stamp():
    before = RegistryStamp.current()
    registry_changed([])
    assert RegistryStamp.current() != before
    assert RegistryStamp.objects.count() == 2
