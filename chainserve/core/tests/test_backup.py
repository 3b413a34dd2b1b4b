"""Backup and restore: an empty database given the backup holds exactly the rows it was taken from."""

import gzip
import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from chainserve.core.backup import BackupError, backup, restore, table_fingerprints
from chainserve.core.models import User
from chainserve.core.tests.databases import copy_of_the_test_database
from chainserve.registry.models import Organization, Person

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def migrated_databases(db, tmp_path):
    """Two databases of the test database's kind, migrated and holding only what migrations seed, as DATABASE_URLs.

    Migrating takes half a minute or more, so it is done at most once: on SQLite both are copies of the test
    database, migrated when the session began (core/tests/databases.py); on PostgreSQL the first is migrated and
    the second made from it (CREATE DATABASE … TEMPLATE), and both are dropped after."""
    if connection.vendor == "sqlite":
        first, second = tmp_path / "scratch0.sqlite3", tmp_path / "scratch1.sqlite3"
        copy_of_the_test_database(first)
        shutil.copyfile(first, second)
        yield [f"sqlite:///{first}", f"sqlite:///{second}"]
        return
    assert connection.vendor == "postgresql"
    s = connection.settings_dict
    names = [f"{s['NAME']}_scratch_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    urls = [f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"
            for name in names]
    try:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{names[0]}"')
        manage(urls[0], tmp_path, "migrate", "-v0")
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{names[1]}" TEMPLATE "{names[0]}"')
        yield urls
    finally:
        with connection._nodb_cursor() as cursor:
            for name in names:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(database_url, tmp_path, *args):
    env = {**os.environ, "DATABASE_URL": database_url, "CHAINSERVE_VAR_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


FINGERPRINTS = "import json; from chainserve.core.backup import table_fingerprints; print(json.dumps(table_fingerprints()))"


def test_restore_into_an_empty_database_gives_back_every_tables_rows(migrated_databases, tmp_path):
    # given: a database with the demo cluster, an API token and a change history
    source, target = migrated_databases
    manage(source, tmp_path, "load_demo")
    manage(source, tmp_path, "api_token", "office")
    file = tmp_path / "nightly" / "chainserve.jsonl.gz"

    # when: it is backed up, and the backup restored into a new, migrated database
    said = manage(source, tmp_path, "backup", "--output", str(file))
    empty = json.loads(manage(target, tmp_path, "shell", "--no-imports", "-c", FINGERPRINTS).splitlines()[-1])
    restored = manage(target, tmp_path, "restore", "--noinput", str(file))

    # then: every table has the same number of rows and the same rows
    before = json.loads(manage(source, tmp_path, "shell", "--no-imports", "-c", FINGERPRINTS).splitlines()[-1])
    after = json.loads(manage(target, tmp_path, "shell", "--no-imports", "-c", FINGERPRINTS).splitlines()[-1])
    assert after == before
    assert before != empty
    assert before["core_user"][0] >= 6 and before["registry_organization"][0] > 10
    assert before["core_apitoken"][0] == 1
    assert before["registry_organization_labels"][0] > 0  # a many-to-many table
    assert any(t.startswith("registry_historical") and c > 0 for t, (c, _) in before.items())
    rows = sum(count for count, _ in before.values())
    assert said.strip().endswith(")") and f"{rows} rows in {len(before)} tables" in said
    assert "every table's rows match the backup" in restored
    assert not list(file.parent.glob("*.partial"))


def test_restore_puts_back_what_was_changed_after_the_backup(world, tmp_path):
    # given
    file = tmp_path / "b.jsonl.gz"
    backup(file)
    before = table_fingerprints()
    hospital = world.hospital.pk
    # when: records are changed, deleted and added, then the backup is restored
    Person.objects.filter(pk=world.p_nfs.pk).update(name="改过的名字")
    world.hospital.delete()
    User.objects.create_user("intruder")
    loaded = restore(file)

    # then
    assert table_fingerprints() == before
    assert loaded == sum(count for count, _ in before.values())
    assert Person.objects.get(pk=world.p_nfs.pk).name == "王思远"
    assert Organization.objects.filter(pk=hospital).exists()
    assert not User.objects.filter(username="intruder").exists()


def rewrite_header(src, dst, change):
    with gzip.open(src, "rt", encoding="utf-8") as f:
        header, rest = json.loads(f.readline()), f.read()
    change(header)
    with gzip.open(dst, "wt", encoding="utf-8") as f:
        f.write(json.dumps(header) + "\n" + rest)


def test_a_backup_from_other_migrations_is_refused_and_nothing_changes(world, tmp_path):
    file, other = tmp_path / "b.jsonl.gz", tmp_path / "other.jsonl.gz"
    backup(file)
    rewrite_header(file, other, lambda h: h["migrations"].append("registry.9999_from_the_future"))
    before = table_fingerprints()

    with pytest.raises(BackupError, match=r"other migrations.*registry\.9999_from_the_future"):
        restore(other)

    assert table_fingerprints() == before


def test_a_backup_whose_rows_do_not_match_its_checksums_is_refused_and_nothing_changes(world, tmp_path):
    file, other = tmp_path / "b.jsonl.gz", tmp_path / "tampered.jsonl.gz"
    backup(file)
    rewrite_header(file, other, lambda h: h["tables"]["registry_person"].__setitem__(1, "0" * 64))
    Person.objects.filter(pk=world.p_wz.pk).update(name="backup 之后改的")
    before = table_fingerprints()

    with pytest.raises(BackupError, match="differ from the backup in registry_person; nothing was restored"):
        restore(other)

    assert table_fingerprints() == before
    assert Person.objects.get(pk=world.p_wz.pk).name == "backup 之后改的"


@pytest.mark.parametrize("content", [b"not gzip at all", gzip.compress(b'{"format": "something else"}\n', mtime=0)],
                         ids=["not-gzip", "another-format"])
def test_restore_of_a_file_that_is_not_a_backup_is_a_clear_error(world, tmp_path, content):
    file = tmp_path / "x.jsonl.gz"
    file.write_bytes(content)
    before = table_fingerprints()

    with pytest.raises(CommandError, match="x.jsonl.gz"):
        call_command("restore", str(file), interactive=False)

    assert table_fingerprints() == before
