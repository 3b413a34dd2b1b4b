"""The sample history workbook that ships (docs/samples/history-sample.xlsx), loaded on the demo as the user guide
says: every row good with --check and nothing written, then imported, and the 2024 bulletin shows that year."""

from io import StringIO

from django.core.management import call_command
from openpyxl import load_workbook

from bench.history_sample import SAMPLE, sample_sheets
from chainserve.coordination.models import Activity, Agreement, AnnualList, ListItem, Meeting, Pairing
from chainserve.demands.models import Demand, DemandEvent
from chainserve.reports.figures import Period, Scope, compute_all

KEYS = ["demands_received", "demands_resolved", "meetings_held", "activities_held", "agreements_credit_n",
        "agreements_credit_fen", "agreements_cooperation_n", "pairings"]
MODELS = [Demand, DemandEvent, Meeting, Activity, Agreement, Pairing, AnnualList, ListItem]


def counts():
    return [m.objects.count() for m in MODELS]


def year_2024():
    year = compute_all(Period.year(2024), Scope(), KEYS)
    return [year.value(k) for k in KEYS]


def test_the_sample_is_what_its_script_writes():
    wb = load_workbook(SAMPLE, read_only=True)
    shipped = {ws.title: [[c.date().isoformat() if hasattr(c, "date") else c for c in row]
                          for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    written = {title: [header] + [[c.isoformat() if hasattr(c, "isoformat") else c for c in row] for row in rows]
               for title, (header, rows) in sample_sheets().items()}
    assert shipped == written


def test_the_sample_year_checks_then_goes_in_and_its_bulletin_shows_it():
    before, figures = counts(), year_2024()
    out = StringIO()

    call_command("import_history", "history", str(SAMPLE), "--check", stdout=out)

    assert out.getvalue().strip() == "All 13 rows are good."
    assert counts() == before

    call_command("import_history", "history", str(SAMPLE), "--user", "admin", stdout=StringIO())

    assert [n - b for n, b in zip(counts(), before, strict=True)] == [3, 6 + 5 + 2, 2, 1, 2, 1, 1, 4]
    # the rejected demand counts in no figure, the cancelled meeting neither; 3,000 万元 of credit in fen
    assert [n - b for n, b in zip(year_2024(), figures, strict=True)] == [2, 1, 1, 1, 1, 3_000_000_000, 1, 1]
