"""Every change in reports: publishing a bulletin (numbered, frozen, versioned; refused when nothing changed), and
what changed between versions; a new registry stamp when profiles change. The industry scale is entered through
core.services.save_record (the edit view)."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chainserve.chains.models import Chain
from chainserve.core.models import can_change_any
from chainserve.core.services import save_record
from chainserve.demands import proposals

from .document import Composition, compose, from_bulletin, issuer, text_changes
from .figures import display
from .models import Bulletin, IssueCounter


def series_of(period, scope):
    """The key shared by every version of the bulletin of one period and scope."""
    return "|".join([period.start.isoformat(), period.end.isoformat(), str(scope.chain.pk if scope.chain else ""),
                     str(scope.district.pk if scope.district else "")])


def latest_version(user, period, scope):
    """The latest published version of the bulletin of the period and scope that user may see, or None."""
    return Bulletin.objects.restrict(user).filter(series=series_of(period, scope)).order_by("-version").first()


def may_publish(user, chain):
    """Whether user may publish a bulletin of `chain` (None: of no chain): admins any; the chain office the
    bulletins of its own chains and those of no chain."""
    if not can_change_any(Bulletin, user):
        return False
    if chain is None or user.is_admin_role:
        return True
    return Chain.objects.restrict(user, "change").filter(pk=chain.pk).exists()


may_view_proposals = proposals.may_view  # who sees the proposal figures: decided where they are counted


def next_issue_number(issuer, year):
    """The next 期号 of the issuing unit in the year. The counter row stays locked until the publishing
    transaction ends, so that two publishers at once get consecutive numbers."""
    counter, _created = IssueCounter.objects.select_for_update().get_or_create(issuer=issuer, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def publish(user, period, scope, title="", note="", lead="", cases=()):
    """Compose the bulletin as `user` sees the records and freeze it — figures and text together — as the next
    version: a first version takes the issuing unit's next 期号, a later one keeps its number and records which
    version it supersedes (that one stays as it was). `cases`: [(ref, title, text)] of the typical cases,
    a blank title or text is the one generated from the record.

    Refused, nothing written: PermissionDenied when the scope is not the user's to publish; ValidationError
    (naming the field) for a case not of the period, a title too long, or when neither figures nor text changed
    since the latest version."""
    if not may_publish(user, scope.chain):
        raise PermissionDenied
    series = series_of(period, scope)
    with transaction.atomic():
        # Lock the series' latest version so that two publishers get consecutive versions.
        previous = Bulletin.objects.select_for_update().filter(series=series).order_by("-version").first()
        # A published bulletin is a document: frozen in the platform's language, whoever's request (or command)
        # published it.
        with translation.override(settings.LANGUAGE_CODE):
            doc = compose(user, period, scope, Composition(title, lead, list(cases)))
            unchanged = previous is not None and from_bulletin(previous).content() == doc.content()
        if unchanged:
            raise ValidationError(_("Nothing has changed since version %(version)s: the figures and the text are the "
                                    "same, so there is no need to publish it again.") % {"version": previous.version})
        if previous is not None:
            unit, name, year, number = (previous.issuer, previous.issuer_name, previous.issue_year,
                                        previous.issue_number)
        else:
            (unit, name), year = issuer(user, scope), timezone.localdate().year
            number = next_issue_number(unit, year)
        bulletin = Bulletin(
            title=doc.title, start=period.start, end=period.end, chain=scope.chain, district=scope.district,
            series=series, version=previous.version + 1 if previous else 1, supersedes=previous,
            masthead=doc.masthead, issuer=unit, issuer_name=name,
            issue_year=year, issue_number=number, data=doc.data, summary=doc.lead,
            sections={"lead_links": doc.lead_links, "activity": doc.activity, "results": doc.results,
                      "children": doc.children, "proposals": doc.proposals},
            cases=doc.cases, computed_at=doc.computed_at, published_by=user, note=note.strip())
        bulletin.full_clean()  # e.g. a title too long: a ValidationError naming the field, nothing written
        return save_record(user, bulletin)


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


def changed_text(bulletin):
    """The parts of the text that changed from the version this one supersedes: [label]."""
    if bulletin.supersedes is None:
        return []
    return text_changes(from_bulletin(bulletin.supersedes).content(), from_bulletin(bulletin).content())


def _display(entry):
    return display(entry["unit"], entry["value"])
