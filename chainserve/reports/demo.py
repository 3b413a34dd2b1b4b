"""Demo records of this app, built on the demo cluster of chainserve.demo: the industry scale of the city and
of the demo chain this year, and two bulletins of the demo chain published by the chain office — the last full
quarter's and the year's — each telling a resolved demand and a signed agreement as its typical cases."""

from django.utils import timezone

from chainserve.chains.models import Chain
from chainserve.core.models import User
from chainserve.core.services import save_record

from . import services
from .cases import candidates
from .figures import Period, Scope
from .models import IndustryScale


def last_full_quarter(today):
    quarter = (today.month - 1) // 3  # the quarter before this one, 0 meaning the last of the year before
    return Period.quarter(today.year, quarter) if quarter else Period.quarter(today.year - 1, 4)


def publish_with_cases(office, period, scope):
    """Publish with the first resolved demand and the first agreement offered (where the period has them)."""
    offered = candidates(period, scope)
    picked = [next((c for c in offered if c.kind == kind), None) for kind in ("demand", "agreement")]
    return services.publish(office, period, scope, cases=[(c.ref, "", "") for c in picked if c is not None])


def load():
    """Add this app's demo records; called once, inside the demo's transaction."""
    from chainserve.demo import CHAIN_NAME

    today = timezone.localdate()
    office, admin = User.objects.get(username="office"), User.objects.get(username="admin")
    chain = Chain.objects.get(name=CHAIN_NAME)
    save_record(admin, IndustryScale(year=today.year, amount_fen=6_600 * 10**10, source="明湖市统计局"))
    save_record(office, IndustryScale(chain=chain, year=today.year, amount_fen=820 * 10**10, source="明湖市经济和信息化局"))
    scope = Scope(user=office, chain=chain)
    publish_with_cases(office, last_full_quarter(today), scope)
    publish_with_cases(office, Period.year(today.year), scope)
