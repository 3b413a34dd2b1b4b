"""Fixtures of the catalogue tests: a few items of the world's department and bank, published and drafts."""

from types import SimpleNamespace

import pytest

from chainserve.registry.choices import OrgKind
from chainserve.registry.tests.factories import OrganizationFactory
from chainserve.resources import services
from chainserve.resources.models import FinancialProduct, Policy


def snapshot(item):
    """Everything stored about an item: its row, its tags and its history rows."""
    model = type(item)
    row = model.objects.get(pk=item.pk)
    return {
        "row": {f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields},
        "tags": sorted(row.tag_names()),
        "history": row.history.count(),
    }


@pytest.fixture
def cat(world):
    """经信局 (the department of office, handler and specialist) issued a published policy and a draft; the bank
    (the partner's) has a published product and a draft; another bank has a draft; 科技局 has a published policy."""
    u = world.users
    c = SimpleNamespace(world=world, users=u)
    c.other_bank = OrganizationFactory(name="明湖银行生物城支行", kind=OrgKind.FINANCIAL)
    c.sci = OrganizationFactory(name="明湖市科学技术局", kind=OrgKind.DEPARTMENT)
    c.policy = services.save_item(u.admin, Policy(title="明湖市科技贷款贴息办法", issuer=world.dept,
                                                  document_number="明科规〔2025〕1号",
                                                  benefit="按实际支付利息的50%给予贴息。"), ["融资", "贴息"])
    services.publish(c.policy, u.admin)
    c.draft = services.save_item(u.admin, Policy(title="首台套医疗器械支持政策", issuer=world.dept), ["医疗器械"])
    c.sci_policy = services.save_item(u.admin, Policy(title="科技型中小企业研发补助", issuer=c.sci), [])
    services.publish(c.sci_policy, u.admin)
    c.product = services.save_item(u.admin, FinancialProduct(title="科创贷", institution=world.bank,
                                                             amount_min=1_000_000, amount_max=30_000_000), ["融资"])
    services.publish(c.product, u.admin)
    c.product_draft = services.save_item(u.admin, FinancialProduct(title="知识产权质押贷", institution=world.bank), [])
    c.other_draft = services.save_item(u.admin, FinancialProduct(title="研发担保贷", institution=c.other_bank), [])
    return c
