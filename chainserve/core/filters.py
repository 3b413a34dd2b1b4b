"""FilterSet base: the `q` search every list page and endpoint takes (simplified, traditional, pinyin).

Every list FilterSet derives from SearchFilterSet. A term matches where it occurs anywhere in the
`search_text` (core.search.Searchable) of the listed model or, per `search_paths`, of a related one:
a placement is found by its organisation, a lead by its candidate. At a million rows a substring test
over every row is too slow, so a table that can grow that large carries a trigram index
(`trigram_index`): organisations, people and demands (placements, visits, pairings … are searched
through the organisation's index). Smaller tables (chains, segments, meetings, bulletins, the
catalogue …) are scanned.
- PostgreSQL: a pg_trgm GIN index on search_text; the planner uses it for the LIKE by itself.
- SQLite: an FTS5 table `<table>_fts` with the trigram tokenizer, kept in step by triggers
  (`sqlite_trigram_sql`). Terms of three characters or more are first looked up there; the
  `__contains` test still runs on what it finds, so the answer is the same with or without the index.
A Chinese term of one or two characters has no trigram; when each of its characters has a single
reading, its pinyin ("澜泽" → "lanze"), which the record's search_text must then contain too, is used
to narrow the rows first. Other short terms are found by the plain scan on both backends.
"""

import re
from functools import lru_cache

import django_filters
from django.db import connections, migrations
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _
from pypinyin import Style, pinyin

from .text import query_terms

TRIGRAM = 3
_HAN = re.compile(r"[\u3400-\u9fff]+")
_sqlite_fts_ok = set()  # (alias, database name, table) known to have the FTS table and its triggers


def sqlite_trigram_sql(table, column="search_text"):
    """SQL creating (and filling) the FTS5 trigram index of table.column on SQLite, and SQL dropping it."""
    fts = f"{table}_fts"
    create = [
        f'CREATE VIRTUAL TABLE IF NOT EXISTS "{fts}" USING fts5({column}, content=\'{table}\', '
        f"content_rowid='id', tokenize='trigram')",
        f'CREATE TRIGGER IF NOT EXISTS "{fts}_ai" AFTER INSERT ON "{table}" BEGIN '  # nosec B608  # DDL on a model's own table name, no user input
        f'INSERT INTO "{fts}"(rowid, {column}) VALUES (new.id, new.{column}); END',
        f'CREATE TRIGGER IF NOT EXISTS "{fts}_ad" AFTER DELETE ON "{table}" BEGIN '  # nosec B608  # DDL on a model's own table name, no user input
        f"INSERT INTO \"{fts}\"(\"{fts}\", rowid, {column}) VALUES ('delete', old.id, old.{column}); END",
        f'CREATE TRIGGER IF NOT EXISTS "{fts}_au" AFTER UPDATE OF {column} ON "{table}" BEGIN '  # nosec B608  # DDL on a model's own table name, no user input
        f"INSERT INTO \"{fts}\"(\"{fts}\", rowid, {column}) VALUES ('delete', old.id, old.{column}); "
        f'INSERT INTO "{fts}"(rowid, {column}) VALUES (new.id, new.{column}); END',
        f"INSERT INTO \"{fts}\"(\"{fts}\") VALUES ('rebuild')",  # nosec B608  # DDL on a model's own table name, no user input
    ]
    drop = [f'DROP TRIGGER IF EXISTS "{fts}_{t}"' for t in ("ai", "ad", "au")]
    drop.append(f'DROP TABLE IF EXISTS "{fts}"')
    return create, drop


def trigram_index(table, name):
    """A migration step adding the trigram index of table.search_text: pg_trgm GIN on PostgreSQL (the
    planner uses it for search_text LIKE '%term%'), an FTS5 table kept by triggers on SQLite."""
    pg_create = ["CREATE EXTENSION IF NOT EXISTS pg_trgm",
                 f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (search_text gin_trgm_ops)"]
    statements = {"postgresql": (pg_create, [f"DROP INDEX IF EXISTS {name}"]), "sqlite": sqlite_trigram_sql(table)}

    def run(step):
        def operation(apps, schema_editor):
            for sql in statements.get(schema_editor.connection.vendor, ([], []))[step]:
                schema_editor.execute(sql, params=None)
        return operation

    return migrations.RunPython(run(0), run(1), elidable=False)


def _sqlite_fts(connection, table):
    """Whether table has a usable FTS trigram index: the FTS table and all three triggers.
    (Django's SQLite schema editor rebuilds a table for some migrations, which drops its triggers;
    a stale index is never used — the search falls back to the scan.)"""
    key = (connection.alias, str(connection.settings_dict["NAME"]), table)
    if key in _sqlite_fts_ok:
        return True
    fts = f"{table}_fts"
    with connection.cursor() as c:
        c.execute("SELECT name FROM sqlite_master WHERE name IN (%s, %s, %s, %s)",
                  [fts, f"{fts}_ai", f"{fts}_ad", f"{fts}_au"])
        ok = len(c.fetchall()) == 4
    if ok:
        _sqlite_fts_ok.add(key)
    return ok


@lru_cache(maxsize=4096)
def unambiguous_pinyin(term: str) -> str:
    """The pinyin of an all-Chinese term whose every character has one reading (澜泽 → lanze), else "".
    A search_document holding the term then holds this pinyin too, whatever the characters around it."""
    if not _HAN.fullmatch(term):
        return ""
    out = []
    for ch in term:
        readings = set(pinyin(ch, style=Style.NORMAL, heteronym=True)[0])
        if len(readings) != 1:
            return ""
        out.append(readings.pop())
    reading = "".join(out)
    return reading if reading.isascii() and reading.isalpha() else ""


# Longer than any text a record keeps (and SQLite's LIKE refuses a pattern over 50,000 bytes): matches nothing.
LONGEST_TERM = 16_000


def search_queryset(queryset, q, field="search_text"):
    terms = query_terms(q)[:5]
    if any(len(t) > LONGEST_TERM for t in terms):
        return queryset.none()
    connection = connections[queryset.db]
    table = queryset.model._meta.db_table
    long_terms = [t for t in terms if len(t) >= TRIGRAM]
    # A short Chinese term has no trigram; its pinyin (a necessary condition) has, and narrows the rows.
    narrowing = [p for t in terms if field == "search_text" and len(t) < TRIGRAM
                 and len(p := unambiguous_pinyin(t)) >= TRIGRAM]
    long_terms += narrowing
    if long_terms and field == "search_text" and connection.vendor == "sqlite" \
            and _sqlite_fts(connection, table):
        match = " AND ".join('"' + t.replace('"', '""') + '"' for t in long_terms)
        fts = f"{table}_fts"
        in_index = RawSQL(f'SELECT rowid FROM "{fts}" WHERE "{fts}" MATCH %s', [match])  # nosec B608 B611  # table name from the model; the user's terms go in as a parameter
        queryset = queryset.filter(pk__in=in_index)
    for term in narrowing + terms:
        queryset = queryset.filter(**{f"{field}__contains": term})
    return queryset


def related_model(model, path):
    """The model at the end of a relation path ("decision", "candidate__chain")."""
    for name in path.split("__"):
        model = model._meta.get_field(name).related_model
    return model


def _regions(request):
    from .models import Region

    user = getattr(request, "user", None)
    return Region.objects.restrict(user) if user is not None else Region.objects.all()


class RegionFilter(django_filters.ModelChoiceFilter):
    """A region and every region below it (core.Region.path): a city takes in its districts' rows. The choices
    are the regions in the user's subtree, named with their path (core.forms)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", _regions)
        kwargs.setdefault("label", _("Region"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__path__startswith": value.path})


class ChoicesFilter(django_filters.MultipleChoiceFilter):
    """Any of several choices of one column of the listed model, or of a model it points to by a foreign key.
    Such a row matches once or not at all, so no DISTINCT: django-filter's MultipleChoiceFilter adds one by
    default (for paths through to-many relations), and on PostgreSQL that made the database sort every matching
    row, whole, to show one page (issue 21: the demand list by status, 6,573 rows of ~917 bytes)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)


class SearchFilterSet(django_filters.FilterSet):
    """`q` finds the rows whose own search_text ("" in `search_paths`) or whose related record's
    (a relation path to a Searchable model) holds every term."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    search_paths = ("",)

    def search(self, queryset, name, value):
        found = None
        for path in self.search_paths:
            if path:
                related = related_model(queryset.model, path)
                hits = search_queryset(related._default_manager.all(), value).values("pk")
                part = queryset.filter(**{f"{path}__in": hits})
            else:
                part = search_queryset(queryset, value)
            found = part if found is None else found | part
        return found
