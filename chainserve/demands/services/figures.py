"""The metrics' summary table (DemandFigures) kept in step with the demands: counter upserts and the rebuild."""

from collections import Counter, defaultdict

from django.db import connection, transaction

from .. import metrics
from ..models import Demand, DemandFigures


def count(demand, new=False):
    """Keep DemandFigures in step: take back what demand counted before this change (noted by
    transitions._lock) and count it as it is now."""
    before = None if new else demand._share
    demand._share = after = metrics.share(demand)
    changes = defaultdict(Counter)
    if before is not None:
        changes[before[0]].subtract(before[1])
    changes[after[0]].update(after[1])
    add_figures(changes)


def add_figures(changes):
    """Add {(day, department, category, chain, district): Counter} to the day and month rows of DemandFigures,
    in one statement (an upsert with increments); rows in key order, so that two transactions never wait
    for each other's rows in opposite orders."""
    rows = {key: counts for key, counts in metrics.with_months(changes).items() if any(counts.values())}
    if not rows:
        return
    q = connection.ops.quote_name
    table, cols = q(DemandFigures._meta.db_table), [*metrics.KEY, *metrics.COLUMNS]
    values = ", ".join(["(" + ", ".join(["%s"] * len(cols)) + ")"] * len(rows))
    sql = (f"INSERT INTO {table} ({', '.join(map(q, cols))}) VALUES {values} "  # nosec B608  # names from the model, values as parameters
           f"ON CONFLICT ({', '.join(map(q, metrics.KEY))}) DO UPDATE SET "
           + ", ".join(f"{q(c)} = {table}.{q(c)} + excluded.{q(c)}" for c in metrics.COLUMNS))
    params = []
    for (month, day, *rest), counts in sorted(rows.items()):
        params += [month, connection.ops.adapt_datefield_value(day), *rest, *(counts[c] for c in metrics.COLUMNS)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def rebuild_figures():
    """Write DemandFigures afresh from the demands and their events (after a bulk load, or to check it);
    returns the number of rows. One transaction: readers see the old rows until it commits, and on PostgreSQL
    the table is locked first, so that no change counted meanwhile is lost (they wait for the rebuild)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {connection.ops.quote_name(DemandFigures._meta.db_table)} IN EXCLUSIVE MODE")
        rows = [(key, counts) for key, counts in metrics.with_months(metrics.summarise(Demand.objects.all())).items()
                if any(counts.values())]
        DemandFigures.objects.all().delete()
        DemandFigures.objects.bulk_create(
            (DemandFigures(**dict(zip(metrics.KEY, key, strict=True)), **{c: counts[c] for c in metrics.COLUMNS})
             for key, counts in rows), batch_size=2000)
    return len(rows)
