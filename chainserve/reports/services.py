"""Every change in reports: publishing a bulletin (frozen, versioned), and what changed between versions.
The industry scale is entered through core.services.save_record (the edit view)."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from chainserve.core.services import save_record

from .figures import FIGURES, compute_all, display
from .models import Bulletin


def series_of(period, scope):
    """The key shared by every version of the bulletin of one period and scope."""
    return "|".join([period.start.isoformat(), period.end.isoformat(), str(scope.chain.pk if scope.chain else ""),
                     str(scope.district.pk if scope.district else "")])


def publish(user, period, scope, title="", note=""):
    """Compute the figures as `user` sees them and freeze them as the next version of the bulletin.
    The version it supersedes stays as it was; the new one records which it supersedes. Refused
    (PermissionDenied, nothing written) when the scope is not the user's to publish (save_record checks)."""
    series = series_of(period, scope)
    with transaction.atomic():
        # Lock the series' latest version so that two publishers get consecutive versions.
        previous = Bulletin.objects.select_for_update().filter(series=series).order_by("-version").first()
        # A published bulletin is a document: frozen in the platform's language, whoever's request (or command)
        # published it.
        with translation.override(settings.LANGUAGE_CODE):
            report = compute_all(period, scope)
            data = report.as_dict()
            title = title.strip() or default_title(period, scope)
        bulletin = Bulletin(
            title=title, start=period.start, end=period.end,
            chain=scope.chain, district=scope.district, series=series,
            version=previous.version + 1 if previous else 1, supersedes=previous, data=data,
            summary=data["summary"], computed_at=report.computed_at, published_by=user, note=note.strip())
        bulletin.full_clean()  # e.g. a title too long: a ValidationError naming the field, nothing written
        return save_record(user, bulletin)


def default_title(period, scope):
    where = scope.chain or scope.district or _("Whole city")
    return _("Industry chain bulletin: %(where)s, %(period)s") % {"where": where, "period": period.label}


@dataclass
class Difference:
    key: str
    label: str
    before: str
    after: str


def differences(bulletin):
    """What changed from the version this one supersedes: [Difference] of the figures whose value differs
    (a breakdown compares item by item)."""
    if bulletin.supersedes is None:
        return []
    old = {f["key"]: f for f in bulletin.supersedes.data["figures"]}
    out = []
    for new in bulletin.data["figures"]:
        before = old.get(new["key"])
        if before is None:
            out.append(Difference(new["key"], new["label"], "—", _display(new)))
        elif new["items"] or before["items"]:
            was = {i["key"]: i for i in before["items"]}
            for item in new["items"]:
                prior = was.get(item["key"], {}).get("value")
                if prior != item["value"]:
                    out.append(Difference(new["key"], f"{new['label']}: {item['label']}",
                                          display(new["unit"], prior), display(new["unit"], item["value"])))
        elif before["value"] != new["value"]:
            out.append(Difference(new["key"], new["label"], _display(before), _display(new)))
    return out


def _display(entry):
    return display(entry["unit"], entry["value"])


def label_of(entry):
    """A frozen figure's label in the reader's language (the registry's), else as it was frozen."""
    fig = FIGURES.get(entry["key"])
    return str(fig.label) if fig else entry["label"]
