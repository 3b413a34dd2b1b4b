"""A delete through core.services.delete_record: a record others use (by PROTECT, a cascade or SET_NULL) is
refused with what uses it — 409 {"detail": …} in the API, never a 500 — and nothing is deleted."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from chainserve.chains.models import Candidate, Lead
from chainserve.chains.tests.factories import PlacementFactory
from chainserve.coordination.models import (
    AnnualList,
    Committee,
    CommitteeMember,
    InstructorAssignment,
    ListItem,
    Meeting,
)
from chainserve.core.backup import table_fingerprints
from chainserve.core.services import RecordInUse, delete_record, record_uses
from chainserve.registry.models import Organization
from chainserve.registry.tests.factories import OrganizationFactory


@pytest.fixture
def used(world):
    """Records that others point at with PROTECT: a segment and a candidate with a lead, a person who is an
    instructor, a committee with a meeting (and the chain with the committee), an association that sits on
    the committee, a list item with a child item."""
    u = world
    u.candidate = Candidate.objects.create(chain=world.chain, name="上海澄元原料药有限公司", region="上海")
    u.lead = Lead.objects.create(candidate=u.candidate, segment=world.s_raw)
    InstructorAssignment.objects.create(enterprise=world.wz, person=world.p_wz, started_on=datetime.date(2025, 1, 1))
    u.committee = Committee.objects.create(chain=world.chain, name="协调委员会")
    Meeting.objects.create(committee=u.committee, title="第一次联席会议", starts_at=timezone.now())
    u.association = OrganizationFactory(name="明湖市生物医药行业协会", kind="association")
    CommitteeMember.objects.create(committee=u.committee, organization=u.association, role="member",
                                   started_on=datetime.date(2025, 1, 1))
    annual = AnnualList.objects.create(chain=world.chain, year=2026, kind="service", title="2026年服务项目清单")
    u.item = ListItem.objects.create(annual_list=annual, code="1", title="园区建设", owner=world.dept)
    ListItem.objects.create(annual_list=annual, parent=u.item, code="1.1", title="标准厂房", owner=world.dept)
    return u


PROTECTED = [
    # (endpoint, record, what uses it)
    ("segments", "s_raw", "investment leads (1)"),
    ("candidates", "candidate", "investment leads (1)"),
    ("people", "p_wz", "instructor assignments (1)"),
    ("committees", "committee", "committee members (1), joint meetings (1)"),
    ("organizations", "association", "committee members (1)"),
    ("list-items", "item", "list items (1)"),
]


@pytest.mark.parametrize(("endpoint", "name", "uses"), PROTECTED)
def test_deleting_a_protected_record_is_a_409_with_what_uses_it_not_a_500(used, api_as, endpoint, name, uses):
    record = getattr(used, name)
    before = table_fingerprints()

    response = api_as(used.users.admin).delete(f"/api/v1/{endpoint}/{record.pk}/")

    assert response.status_code == 409
    model = type(record)._meta.verbose_name
    assert response.json() == {
        "detail": f"This {model} is still used by other records and cannot be deleted: {uses}."}
    assert table_fingerprints() == before


def test_a_chain_in_use_lists_what_uses_it_largest_first(used):
    uses = dict(record_uses(used.chain))

    assert uses["segments"] == 5 and uses["placements"] == 5 and uses["coordination committees"] == 1
    assert list(uses.values()) == sorted(uses.values(), reverse=True)


def test_a_refused_delete_keeps_everything_and_the_record_itself(used):
    before = table_fingerprints()

    with pytest.raises(RecordInUse) as refused:
        delete_record(used.users.admin, used.nfs)

    assert refused.value.uses == [("placements", 2), ("people", 1), ("relationships", 1), ("users", 1)]
    assert table_fingerprints() == before


def test_a_delete_outside_the_scope_is_refused_as_permission_not_as_use(used):
    # given a firm used by nothing and a firm placed only on the district chain, which `office` does not staff
    unused = OrganizationFactory(name="无人使用的公司")
    elsewhere = OrganizationFactory(name="西湖临床研究有限公司")
    PlacementFactory(segment=used.s_trial, organization=elsewhere)

    with pytest.raises(PermissionDenied):
        delete_record(used.users.specialist, unused)  # a specialist deletes no organisation
    with pytest.raises(PermissionDenied):
        delete_record(used.users.office, elsewhere)
    assert Organization.objects.filter(pk__in=[unused.pk, elsewhere.pk]).count() == 2
    delete_record(used.users.office, unused)  # while the office deletes the unused one
    assert not Organization.objects.filter(pk=unused.pk).exists()
