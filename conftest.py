"""Shared fixtures: English messages, fast hashing, one user per role and a small world to look at."""

import datetime
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from chainserve.core import reference
from chainserve.core.choices import Role

ROLES = [r.value for r in Role]


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Fast password hashing, uploads in a temporary folder, no login lock-outs, no API rate limit (a test's users
    share ids with the tests before it, and the rate's count lives in the process's cache)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AXES_ENABLED = False
    settings.API_REQUESTS_PER_MINUTE = None
    reference.forget()  # no calendar or SLA policy kept from another test's database
    cache.clear()  # nor cached figures (a database loaded once for several tests keeps its registry stamp)


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English, whatever catalogues the project ships."""
    with translation.override("en"):
        yield


@pytest.fixture
def users(db):
    """One user per role, named after it; `office` staffs the city chain only (see `world`)."""
    from chainserve.registry.tests.factories import UserFactory

    return SimpleNamespace(**{role: UserFactory(username=role, role=role) for role in ROLES})


@pytest.fixture
def world(db, users):
    """A small cluster every scoping and listing test can name exactly.

    Organisations: two enterprises (纽福斯 stored in simplified, 溫州康寧 in traditional characters),
    a bank, a department, a hospital and a park. The enterprise user belongs to 纽福斯, the partner to
    the bank. The city chain (office staff: `office`) has segments 原料药 (empty), 生物药 › 抗体药物 (two
    firms), 生物药 › 细胞与基因治疗 (one hospital) and 医疗服务 (import-dependent, two firms); the district
    chain (no office staff) has 临床试验服务 with one firm.
    """
    from chainserve.chains.choices import ChainLevel, PlacementRole, Stage
    from chainserve.chains.tests.factories import ChainFactory, PlacementFactory, SegmentFactory
    from chainserve.registry.choices import ListingStatus, OrgKind, OrgSize, RelationKind
    from chainserve.registry.tests.factories import (
        LabelFactory,
        OrganizationFactory,
        PersonFactory,
        RegionFactory,
        RelationshipFactory,
        make_uscc,
    )

    w = SimpleNamespace(users=users)
    w.dong = RegionFactory(code="420102", name="东湖区")
    w.xi = RegionFactory(code="420103", name="西湖区")
    w.hitech = LabelFactory(slug="hitech", name="高新技术企业")
    w.srdi = LabelFactory(slug="srdi", name="专精特新")
    w.owner_label = LabelFactory(slug="chain-owner", name="链主")

    w.park = OrganizationFactory(name="光谷生物城", kind=OrgKind.PARK, district=w.dong)
    w.nfs = OrganizationFactory(
        name="武汉纽福斯生物科技有限公司",
        short_name="纽福斯",
        uscc=make_uscc(1),
        district=w.dong,
        park=w.park,
        listing_status=ListingStatus.LISTED,
        size=OrgSize.MEDIUM,
        employees=120,
        founded_on=datetime.date(2016, 3, 18),
        labels=[w.hitech, w.srdi],
    )
    w.wz = OrganizationFactory(
        name="溫州康寧醫藥有限公司",
        uscc=make_uscc(2),
        district=w.xi,
        listing_status=ListingStatus.RESERVE,
        size=OrgSize.SMALL,
        employees=30,
        founded_on=datetime.date(2020, 5, 1),
        labels=[w.hitech],
    )
    w.bank = OrganizationFactory(name="明湖农商银行", kind=OrgKind.FINANCIAL, district=w.dong)
    w.dept = OrganizationFactory(name="明湖市经济和信息化局", kind=OrgKind.DEPARTMENT)
    w.hospital = OrganizationFactory(name="明湖市第一人民医院", kind=OrgKind.HOSPITAL, district=w.xi)
    w.orgs = [w.park, w.nfs, w.wz, w.bank, w.dept, w.hospital]

    for user, org in [
        (users.office, w.dept),
        (users.handler, w.dept),
        (users.specialist, w.dept),
        (users.enterprise, w.nfs),
        (users.partner, w.bank),
    ]:
        user.organization = org
        user.save()

    w.p_nfs = PersonFactory(
        name="王思远", organization=w.nfs, title="总经理", phone="+8613812345678", email="wsy@example.cn"
    )
    w.p_wz = PersonFactory(
        name="陈杰", organization=w.wz, title="办公室主任", phone="+8613900001111", email="cj@example.cn"
    )
    w.p_bank = PersonFactory(
        name="刘芳", organization=w.bank, title="客户经理", phone="+862787654321", email="lf@example.cn"
    )
    w.people = [w.p_nfs, w.p_wz, w.p_bank]

    w.r_supply = RelationshipFactory(
        source=w.wz, kind=RelationKind.SUPPLIES, target=w.nfs, started_on=datetime.date(2024, 1, 1)
    )
    w.r_bank = RelationshipFactory(
        source=w.bank, kind=RelationKind.COOPERATES, target=w.wz, started_on=datetime.date(2023, 6, 1)
    )
    w.r_dept = RelationshipFactory(
        source=w.dept, kind=RelationKind.INSTRUCTOR, target=w.wz, started_on=datetime.date(2025, 1, 1)
    )
    w.relationships = [w.r_supply, w.r_bank, w.r_dept]

    w.chain = ChainFactory(
        name="明湖市大健康产业链", level=ChainLevel.CITY, office=w.dept, staff=[users.office]
    )
    w.dchain = ChainFactory(
        name="西湖区生物医药产业链", level=ChainLevel.DISTRICT, region=w.xi, parent=w.chain
    )
    w.s_raw = SegmentFactory(chain=w.chain, name="原料药", stage=Stage.UPSTREAM, position=1)
    w.s_bio = SegmentFactory(chain=w.chain, name="生物药", stage=Stage.MIDSTREAM, position=2, gbt_code="C276")
    w.s_ab = SegmentFactory(chain=w.chain, parent=w.s_bio, name="抗体药物", stage=Stage.MIDSTREAM, position=1)
    w.s_cgt = SegmentFactory(
        chain=w.chain, parent=w.s_bio, name="细胞与基因治疗", stage=Stage.MIDSTREAM, position=2
    )
    w.s_svc = SegmentFactory(
        chain=w.chain, name="医疗服务", stage=Stage.DOWNSTREAM, position=3, import_dependent=True
    )
    w.s_trial = SegmentFactory(chain=w.dchain, name="临床试验服务", stage=Stage.MIDSTREAM, position=1)
    w.segments = [w.s_raw, w.s_bio, w.s_ab, w.s_cgt, w.s_svc, w.s_trial]

    w.pl_ab_nfs = PlacementFactory(segment=w.s_ab, organization=w.nfs, role=PlacementRole.CHAIN_OWNER)
    w.pl_ab_wz = PlacementFactory(segment=w.s_ab, organization=w.wz, role=PlacementRole.BACKBONE)
    w.pl_cgt_hospital = PlacementFactory(segment=w.s_cgt, organization=w.hospital, role=PlacementRole.CARRIER)
    w.pl_svc_nfs = PlacementFactory(segment=w.s_svc, organization=w.nfs, role=PlacementRole.SUPPORTING)
    w.pl_svc_wz = PlacementFactory(segment=w.s_svc, organization=w.wz, role=PlacementRole.SUPPORTING)
    w.pl_trial_wz = PlacementFactory(segment=w.s_trial, organization=w.wz, role=PlacementRole.SUPPORTING)
    w.placements = [w.pl_ab_nfs, w.pl_ab_wz, w.pl_cgt_hospital, w.pl_svc_nfs, w.pl_svc_wz, w.pl_trial_wz]
    return w


@pytest.fixture
def client_as(db):
    """client_as(user): a page client logged in as user, reading English."""

    def make(user):
        client = Client()
        client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


@pytest.fixture
def api_as(db):
    """api_as(user): an API client authenticated as user, reading English."""

    def make(user):
        client = APIClient()
        client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
        if user is not None:
            client.force_authenticate(user)
        return client

    return make
