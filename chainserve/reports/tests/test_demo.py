"""The demo's reports: the industry scale entered, and the year's bulletin of the demo chain published."""

from django.utils import timezone

from chainserve.chains.models import Chain
from chainserve.core.models import User
from chainserve.demo import CHAIN_NAME, load_demo
from chainserve.reports.figures import Period, Scope, compute_all
from chainserve.reports.models import Bulletin, IndustryScale


def test_the_demo_publishes_the_chain_bulletin(db):
    assert load_demo() is True
    chain, office = Chain.objects.get(name=CHAIN_NAME), User.objects.get(username="office")
    year = timezone.localdate().year
    bulletin = Bulletin.objects.get()
    assert (bulletin.version, bulletin.chain, bulletin.published_by, bulletin.start.year, bulletin.end.year) == \
        (1, chain, office, year, year)
    now = compute_all(Period.year(year), Scope(user=office, chain=chain))
    assert {f["key"]: f["value"] for f in bulletin.data["figures"]} == {v.figure.key: v.value for v in now.values}
    assert list(IndustryScale.objects.order_by("amount_fen").values_list("chain__name", "year", "amount_fen")) == \
        [(CHAIN_NAME, year, 820 * 10**10), (None, year, 6_600 * 10**10)]
