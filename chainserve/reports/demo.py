"""Demo records of this app, built on the demo cluster of chainserve.demo: the industry scale of the city and
of the demo chain this year, and the year's bulletin of the demo chain, published by the chain office."""

from django.utils import timezone

from chainserve.chains.models import Chain
from chainserve.core.models import User
from chainserve.core.services import save_record

from . import services
from .figures import Period, Scope
from .models import IndustryScale


def load():
    """Add this app's demo records; called once, inside the demo's transaction."""
    from chainserve.demo import CHAIN_NAME

    year = timezone.localdate().year
    office, admin = User.objects.get(username="office"), User.objects.get(username="admin")
    chain = Chain.objects.get(name=CHAIN_NAME)
    save_record(admin, IndustryScale(year=year, amount_fen=6_600 * 10**10, source="明湖市统计局"))
    save_record(office, IndustryScale(chain=chain, year=year, amount_fen=820 * 10**10, source="明湖市经济和信息化局"))
    services.publish(office, Period.year(year), Scope(user=office, chain=chain))
