"""Backup and restore of the whole database as gzipped JSON Lines, the same on SQLite and PostgreSQL.

A backup file is one header line — format, when, the database's migrations, and every table's row
count and checksum — then one line per row (Django's serialized form, with full-precision times).
It is read from one consistent snapshot, so a backup taken while people work is still whole.
Restore replaces everything in a migrated database of the same migrations, checks every table's
count and checksum against the header, and keeps nothing (rolls back) if one differs.

The file is made readable by its owner only (0600). It leaves out what is transient and would only be a
credential in the wrong hands: sessions (each a live login) and the login-throttling tables; a restore
starts with both empty (everyone logs in again). API tokens are in it only as hashes (core.ApiToken).
"""

import contextlib
import datetime
import gzip
import hashlib
import json
import os

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.jsonl import Serializer as JSONLSerializer
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "chainserve-backup/1"
# Apps whose tables are not backed up (see the module docstring): live sessions, login attempts.
TRANSIENT_APPS = frozenset({"sessions", "axes"})
CHUNK = 2000


class BackupError(Exception):
    """A backup that cannot be restored here: another format, other migrations, or rows that differ."""


class _PreciseEncoder(DjangoJSONEncoder):
    # Django's encoder cuts times to milliseconds; a restore must give back exactly what was there.
    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class _Serializer(JSONLSerializer):
    def end_object(self, obj):
        json.dump(self.get_dump_object(obj), self.stream, cls=_PreciseEncoder, ensure_ascii=False)
        self.stream.write("\n")
        self._current = None

    def handle_m2m_field(self, obj, field):
        pass  # many-to-many tables are written as rows of their own, keys and all


def backed_up_models():
    """Every model with a table, many-to-many tables included (their rows keep their own keys)."""
    return [m for m in apps.get_models(include_auto_created=True)
            if m._meta.managed and not m._meta.proxy and m._meta.app_label not in TRANSIENT_APPS]


def applied_migrations(using=DEFAULT_DB_ALIAS):
    recorder = MigrationRecorder(connections[using])
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def tables(using=DEFAULT_DB_ALIAS):
    """The tables of the installed models (with many-to-many tables), not Django's migration record."""
    return sorted(connections[using].introspection.django_table_names(only_existing=True, include_views=False))


def backed_up_tables(using=DEFAULT_DB_ALIAS):
    """tables() without the transient ones (TRANSIENT_APPS)."""
    transient = {m._meta.db_table for m in apps.get_models(include_auto_created=True)
                 if m._meta.app_label in TRANSIENT_APPS}
    return [t for t in tables(using) if t not in transient]


def table_fingerprints(using=DEFAULT_DB_ALIAS):
    """{table: [row count, sha256 of its rows in column order]} of the backed-up tables — two databases
    with equal fingerprints hold the same rows."""
    connection = connections[using]
    quote = connection.ops.quote_name
    result = {}
    with connection.cursor() as cursor:
        for table in backed_up_tables(using):
            columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
            order = ", ".join(quote(c) for c in columns)
            cursor.execute(f"SELECT {order} FROM {quote(table)} ORDER BY {order}")  # nosec B608  # names from introspection
            digest, count = hashlib.sha256(), 0
            while rows := cursor.fetchmany(CHUNK):
                for row in rows:
                    digest.update(repr(tuple(row)).encode())
                    count += 1
            result[table] = [count, digest.hexdigest()]
    return result


@contextlib.contextmanager
def snapshot(using=DEFAULT_DB_ALIAS):
    """Read everything inside one read-only snapshot, without stopping writers."""
    connection = connections[using]
    if connection.in_atomic_block:  # already inside a transaction (a test, a caller's atomic): read there
        yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield
        return
    if connection.vendor == "sqlite":
        # A deferred read transaction: in WAL mode it reads one snapshot while writers go on.
        # (Django's atomic() would BEGIN IMMEDIATE here and hold the write lock for the whole backup.)
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
            try:
                yield
            finally:
                cursor.execute("ROLLBACK")
        return
    with transaction.atomic(using=using):
        yield


def _private(path):
    """path opened for writing as a new file only its owner can read: made 0600, never readable by others
    for a moment (a file already there is emptied and made 0600 too)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, "wb")


def backup(path, using=DEFAULT_DB_ALIAS):
    """Write the database (without TRANSIENT_APPS) to path (gzipped JSON Lines, mode 0600); returns the header."""
    serializer = _Serializer()
    with (snapshot(using), _private(path) as raw,
          gzip.open(raw, "wt", encoding="utf-8") as out):
        header = {
            "format": FORMAT,
            "created": timezone.now().isoformat(),
            "vendor": connections[using].vendor,
            "migrations": applied_migrations(using),
            "tables": table_fingerprints(using),
        }
        out.write(json.dumps(header, ensure_ascii=False) + "\n")
        for model in backed_up_models():
            rows = model._base_manager.using(using).order_by("pk").iterator(chunk_size=CHUNK)
            serializer.serialize(rows, stream=out, use_natural_foreign_keys=False, use_natural_primary_keys=False)
    return header


def read_header(path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        try:
            header = json.loads(f.readline())
        except ValueError:
            header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupError(f"{path} is not a chainserve backup ({FORMAT}).")
    return header


def restore(path, using=DEFAULT_DB_ALIAS):
    """Replace everything in the database with the backup at path; all or nothing. Returns the row count."""
    header = read_header(path)
    here = applied_migrations(using)
    if header["migrations"] != here:
        missing = sorted(set(header["migrations"]) - set(here))
        extra = sorted(set(here) - set(header["migrations"]))
        raise BackupError(
            "The backup was taken at other migrations than this database has. Migrate this database to the "
            f"backup's migrations first (then restore, then migrate on). Only in the backup: {missing or '-'}; "
            f"only here: {extra or '-'}."
        )
    connection = connections[using]
    models = backed_up_models()
    loaded = 0
    with transaction.atomic(using=using):
        # Empty every table first: a migrated database already holds content types, permissions and
        # seeded rows, which the backup brings back with their own keys.
        flush = connection.ops.sql_flush(no_style(), tables(using), reset_sequences=False, allow_cascade=False)
        if connection.vendor == "postgresql":
            # TRUNCATE refuses tables with deferred checks still pending from writes earlier in this
            # transaction: run those checks now, then defer again for the load (rows come in any order).
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        connection.ops.execute_sql_flush(flush)
        with connection.constraint_checks_disabled(), gzip.open(path, "rt", encoding="utf-8") as f:
            f.readline()  # the header
            for obj in serializers.deserialize("jsonl", f, using=using, ignorenonexistent=False):
                obj.save(using=using)
                loaded += 1
        connection.check_constraints(table_names=tables(using))
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
        found = table_fingerprints(using)
        if header["vendor"] != connection.vendor:
            # SQLite and PostgreSQL hand back the same values in other forms: only counts compare.
            found = {t: [count, None] for t, (count, _) in found.items()}
            expected = {t: [count, None] for t, (count, _) in header["tables"].items()}
        else:
            expected = header["tables"]
        differ = sorted(t for t in expected if expected[t] != found.get(t))
        if differ:
            raise BackupError(f"Restored rows differ from the backup in {', '.join(differ)}; nothing was restored.")
    return loaded
