"""Conditions over one chain placement and over one agreement, end to end: the three recomputes select the same
firms, a firm is not matched by pieces of two placements (agreements), and the match page names the one that
meets the condition; confirming an agreement reaches matching as any profile change does."""

import datetime

import pytest
from django.utils import timezone

from chainserve.coordination.choices import AgreementKind, AgreementStatus
from chainserve.coordination.models import Agreement
from chainserve.coordination.services import confirm_agreement
from chainserve.core.tasks import relay_outbox
from chainserve.matching import services
from chainserve.matching.models import Match

from .test_product_conditions import matched_by_each_recompute

OWNER_ON_BIO = {"placement": {"all": [{"field": "segment", "op": "has", "value": "生物药"},
                                      {"field": "role", "op": "eq", "value": "owner"}]}}
OWNER_ON_SERVICES = {"placement": {"all": [{"field": "segment", "op": "has", "value": "医疗服务"},
                                           {"field": "role", "op": "eq", "value": "owner"}]}}
CREDIT_THIS_YEAR = {"agreement": {"all": [{"field": "kind", "op": "eq", "value": "credit"},
                                          {"field": "status", "op": "eq", "value": "confirmed"},
                                          {"field": "amount", "op": "ge", "value": 500},
                                          {"field": "signed_on", "op": "in_policy_year"}]}}


@pytest.fixture
def agreements(catalogue):
    """纽福斯: a confirmed 800万元 credit line signed this year; 溫州康寧: an 800万元 credit line awaiting
    confirmation, and a confirmed 1000万元 investment intention this year."""
    world, day = catalogue.world, timezone.localdate().replace(month=1, day=2)

    def signed(enterprise, title, kind, status, wan):
        return Agreement.objects.create(chain=world.chain, enterprise=enterprise, institution=world.bank, title=title,
                                        kind=kind, status=status, amount_fen=wan * 1_000_000, signed_on=day)

    catalogue.nfs_credit = signed(world.nfs, "纽福斯授信", AgreementKind.CREDIT, AgreementStatus.CONFIRMED, 800)
    catalogue.wz_credit = signed(world.wz, "康宁授信", AgreementKind.CREDIT, AgreementStatus.PENDING, 800)
    signed(world.wz, "康宁投资意向", AgreementKind.INVESTMENT, AgreementStatus.CONFIRMED, 1000)
    return catalogue


def test_a_chain_owner_on_a_segment_is_one_placement_with_both(catalogue):
    # 纽福斯 is 链主 on 抗体药物 (under 生物药) and supporting on 医疗服务; 溫州康寧 is backbone on 抗体药物
    on_bio = services.save_rule(catalogue.users.office, catalogue.hitech, OWNER_ON_BIO).rule
    on_services = services.save_rule(catalogue.users.office, catalogue.young, OWNER_ON_SERVICES).rule

    assert matched_by_each_recompute(catalogue, on_bio) == [["武汉纽福斯生物科技有限公司"]] * 3
    assert matched_by_each_recompute(catalogue, on_services) == [[], [], []]


def test_a_credit_line_in_the_policy_year_is_one_confirmed_agreement_of_the_amount(agreements):
    rule = services.save_rule(agreements.users.office, agreements.hitech, CREDIT_THIS_YEAR).rule
    assert matched_by_each_recompute(agreements, rule) == [["武汉纽福斯生物科技有限公司"]] * 3

    Agreement.objects.filter(pk=agreements.nfs_credit.pk).update(
        signed_on=datetime.date(timezone.localdate().year - 1, 12, 31))
    assert matched_by_each_recompute(agreements, rule) == [[], [], []]


def test_confirming_an_agreement_reaches_matching(agreements, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    rule = services.save_rule(agreements.users.office, agreements.hitech, CREDIT_THIS_YEAR).rule
    relay_outbox()
    assert sorted(Match.objects.filter(rule=rule).values_list("enterprise__name", flat=True)) == [
        "武汉纽福斯生物科技有限公司"]

    confirm_agreement(agreements.wz_credit, agreements.users.office)
    relay_outbox()

    assert sorted(Match.objects.filter(rule=rule).values_list("enterprise__name", flat=True)) == [
        "武汉纽福斯生物科技有限公司", "溫州康寧醫藥有限公司"]


def test_the_match_page_names_the_placement_and_the_agreement(agreements, client_as, settings):
    expression = {"all": [OWNER_ON_BIO, CREDIT_THIS_YEAR]}
    rule = services.save_rule(agreements.users.office, agreements.hitech, expression).rule
    services.recompute_rule(rule, timezone.localdate())
    client = client_as(agreements.users.office)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    html = client.get(f"/matching/matches/{Match.objects.get(rule=rule).pk}/").content.decode()

    assert "链上位置 明湖市大健康产业链·抗体药物：抗体药物、生物药 ✔，链主 ✔" in html
    day = timezone.localdate().replace(month=1, day=2).isoformat()
    assert f"签约 纽福斯授信：银行授信 ✔，已确认 ✔，800万元 ✔，{day} ✔" in html
    assert "同一链上位置满足：产业链环节包含生物药，且链上角色为链主" in html
