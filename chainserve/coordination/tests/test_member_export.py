"""An alliance's and a committee's member units exported to Excel from their pages, current and former, for those
who see them; the export is audited like every list's."""

import datetime
from io import BytesIO

from openpyxl import load_workbook

from chainserve.coordination.choices import MemberRole
from chainserve.coordination.models import Alliance, AllianceMember
from chainserve.core.models import AuditEntry


def _rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))


def _alliance(coord):
    alliance = Alliance.objects.create(chain=coord.chain, name="明湖市生物医药产业党建联盟")
    other = Alliance.objects.create(chain=coord.chain, name="另一个联盟")
    AllianceMember.objects.create(alliance=alliance, organization=coord.world.nfs, role=MemberRole.CONVENER,
                                  started_on=datetime.date(2025, 1, 1))
    AllianceMember.objects.create(alliance=alliance, organization=coord.world.bank, role=MemberRole.MEMBER,
                                  started_on=datetime.date(2025, 1, 1), ended_on=datetime.date(2026, 3, 31))
    AllianceMember.objects.create(alliance=other, organization=coord.world.wz, role=MemberRole.MEMBER,
                                  started_on=datetime.date(2025, 1, 1))
    return alliance


def test_the_alliance_page_exports_its_member_units(coord, client_as):
    alliance = _alliance(coord)
    client = client_as(coord.users.office)

    page = client.get(f"/coordination/alliances/{alliance.pk}/").content.decode()
    link = f"/coordination/alliance-members/?alliance={alliance.pk}&amp;export=xlsx"
    rows = _rows(client.get(link.replace("&amp;", "&")))

    assert link in page
    assert rows == [
        ("Alliance", "Organisation", "Unified social credit code", "Role", "From date", "To date"),
        ("明湖市生物医药产业党建联盟", "明湖农商银行", None, "Member unit", "2025-01-01", "2026-03-31"),
        ("明湖市生物医药产业党建联盟", "武汉纽福斯生物科技有限公司", coord.world.nfs.uscc, "Convening unit", "2025-01-01", None),
    ]
    assert list(AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).values_list("detail", flat=True)) == [
        f"coordination.AllianceMember?alliance={alliance.pk}&export=xlsx (2)"]


def test_the_committee_page_exports_its_member_units_with_their_representatives(coord, client_as):
    client = client_as(coord.users.office)

    page = client.get(f"/coordination/committees/{coord.committee.pk}/").content.decode()
    rows = _rows(client.get(f"/coordination/members/?committee={coord.committee.pk}&export=xlsx"))

    assert f"/coordination/members/?committee={coord.committee.pk}&amp;export=xlsx" in page
    assert [row[1:5] for row in rows] == [
        ("Organisation", "Unified social credit code", "Role", "Representative"),
        ("明湖市经济和信息化局", None, "Convening unit", None),
        ("武汉纽福斯生物科技有限公司", coord.world.nfs.uscc, "Member unit", None),
    ]


def test_an_enterprise_exports_no_member_units(coord, client_as):
    _alliance(coord)

    rows = _rows(client_as(coord.users.enterprise).get("/coordination/alliance-members/?export=xlsx"))

    assert rows == [("Alliance", "Organisation", "Unified social credit code", "Role", "From date", "To date")]
