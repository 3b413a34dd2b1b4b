"""Fixtures of the matching tests: published policies and a bank product around the root `world`."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from chainserve.resources.choices import ItemStatus
from chainserve.resources.models import FinancialProduct, Policy

TODAY = datetime.date(2026, 6, 15)

# 纽福斯 (enterprise user's firm): 东湖区 420102, listed, medium, 120 employees, founded 2016-03-18, hitech + srdi.
# 溫州康寧: 西湖区 420103, reserve-listed, small, 30 employees, founded 2020-05-01, hitech.
HITECH_EAST = {"all": [{"field": "district", "op": "eq", "value": "420102"},
                       {"field": "labels", "op": "has", "value": "hitech"}]}
YOUNG_SMALL = {"all": [{"field": "founded_on", "op": "age_years_lt", "value": 8},
                       {"field": "employees", "op": "lt", "value": 200}]}


def published(model, **fields):
    return model.objects.create(status=ItemStatus.PUBLISHED, published_at=timezone.now(), **fields)


@pytest.fixture
def catalogue(world):
    """Two published policies of 经信局 (one granted without application), a draft policy, a bank's loan."""
    c = SimpleNamespace(world=world, users=world.users)
    c.hitech = published(Policy, title="高新技术企业研发费用补贴", issuer=world.dept, benefit="按研发投入10%补贴,最高200万元。",
                         granted_without_application=True, description="支持高新技术企业加大研发投入。")
    c.young = published(Policy, title="初创科技企业房租补贴", issuer=world.dept, benefit="三年内厂房租金减免50%。",
                        description="支持成立不满八年的小型企业租用厂房。")
    c.draft = Policy.objects.create(title="尚未发布的政策", issuer=world.dept)
    c.loan = published(FinancialProduct, title="科技贷款贴息产品", institution=world.bank, benefit="贷款贴息50%。",
                       description="面向科技型企业的信用贷款。")
    return c
