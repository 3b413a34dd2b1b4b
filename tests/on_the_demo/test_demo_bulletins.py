"""The demo's reports: the industry scale entered, and the last full quarter's and the year's bulletins of the
demo chain published by the chain office, numbered in turn, each with its typical cases."""

from django.utils import timezone

from chainserve.chains.models import Chain
from chainserve.core.models import User
from chainserve.demo import CHAIN_NAME
from chainserve.reports.demo import last_full_quarter
from chainserve.reports.document import from_bulletin
from chainserve.reports.figures import Period, Scope, compute_all
from chainserve.reports.models import Bulletin, IndustryScale


def test_the_demo_publishes_the_chain_bulletins(db):
    chain, office = Chain.objects.get(name=CHAIN_NAME), User.objects.get(username="office")
    today = timezone.localdate()
    quarter, year = Bulletin.objects.order_by("issue_number")
    assert [(b.version, b.chain, b.published_by, b.issuer, b.issue_year, b.issue_number, b.start, b.end)
            for b in (quarter, year)] == [
        (1, chain, office, chain.office, today.year, 1, *last_full_quarter(today).__dict__.values()),
        (1, chain, office, chain.office, today.year, 2, *Period.year(today.year).__dict__.values())]
    assert year.masthead == f"{CHAIN_NAME}工作简报" and year.summary.startswith(f"本期，{CHAIN_NAME}受理企业诉求")
    assert [c["kind"] for c in year.cases] == ["demand", "agreement"]
    now = compute_all(Period.year(today.year), Scope(user=office, chain=chain))
    assert {f["key"]: f["value"] for f in year.data["figures"]} == {v.figure.key: v.value for v in now.values}
    assert from_bulletin(year).charts == year.data["charts"] != []
    assert list(IndustryScale.objects.order_by("amount_fen").values_list("chain__name", "year", "amount_fen")) == \
        [(CHAIN_NAME, today.year, 820 * 10**10), (None, today.year, 6_600 * 10**10)]
