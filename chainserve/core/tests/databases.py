"""A migrated SQLite database file for tests that run manage.py or `chainserve` in another process, without
migrating one from scratch (half a minute or more, every time).

The test database is migrated once per test process, and a `db` test sees it holding only what migrations seed
(pytest-django runs the `db` tests of a process before the transactional ones, which empty the tables): SQLite
serializes it to a file in milliseconds, schema, seeded rows and the migration records alike. (Not the backup API:
the test's transaction holds the write lock — transaction_mode IMMEDIATE — and a backup would wait for it forever.)"""

from pathlib import Path

from django.db import connection


def copy_of_the_test_database(path):
    """Write the (SQLite) test database, as the calling `db` test sees it, to the file `path`; returns path.
    Call it before the test writes anything: the copy is then a freshly migrated database."""
    assert connection.vendor == "sqlite", "a copy of the test database is an SQLite file"
    connection.ensure_connection()
    Path(path).write_bytes(connection.connection.serialize())
    return path
