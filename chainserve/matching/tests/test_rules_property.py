"""The three evaluators agree: random rules (with conditions over one product, placement or agreement) over random
saved profiles (with missing values and several products, placements and agreements each), compiled to SQL, evaluated in Python one enterprise at a time, and evaluated
over all the profiles at once as columns (the full recompute's), select the same enterprises — on whichever
database the tests run on, on several days and policy years."""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chainserve.chains.choices import PlacementRole
from chainserve.chains.models import Chain, Placement, Segment
from chainserve.coordination.choices import AgreementKind, AgreementStatus
from chainserve.coordination.models import Agreement
from chainserve.matching import rules, vectors
from chainserve.matching.profiles import compile_rule
from chainserve.matching.profiles import profiles as load_profiles
from chainserve.registry.choices import (
    ApprovalType,
    DrugClass,
    Expedited,
    ListingStatus,
    OrgKind,
    OrgSize,
    Phase,
    ProductKind,
)
from chainserve.registry.models import Label, Organization, Product
from chainserve.registry.tests.factories import RegionFactory

DISTRICTS = ["420101", "420102"]
PARKS = ["光谷生物城", "东湖园区"]
LABELS = ["hitech", "srdi", "chain-owner"]
SEGMENTS = ["生物药", "抗体药物", "医疗服务"]  # 抗体药物 sits under 生物药; 医疗服务 is on the second chain
CHAINS = ["测试链", "服务链"]
TODAYS = [datetime.date(2024, 2, 29), datetime.date(2026, 3, 1), datetime.date(2025, 6, 15)]
PERIODS = [None, (datetime.date(2025, 3, 1), datetime.date(2026, 2, 28)), (datetime.date(2024, 1, 1), None)]
EDGES = [datetime.date(2024, 1, 1), datetime.date(2024, 12, 31), datetime.date(2025, 3, 1),
         datetime.date(2026, 2, 28), datetime.date(2026, 1, 1), datetime.date(2025, 12, 31)]

dates = st.dates(datetime.date(1990, 1, 1), datetime.date(2026, 12, 31))
products = st.fixed_dictionaries({  # codes left blank or outside the choices count as unfilled
    "kind": st.sampled_from(["", *ProductKind.values]),
    "drug_class": st.sampled_from(["", "xx", *DrugClass.values]),
    "phase": st.sampled_from(["", *Phase.values]),
    "approval_type": st.sampled_from(["", *ApprovalType.values]),
    "approved_on": st.none() | dates | st.sampled_from(EDGES),
    "expedited": st.lists(st.sampled_from([*Expedited.values, "other"]), max_size=2, unique=True),
})
profiles = st.fixed_dictionaries({
    "district": st.none() | st.sampled_from(DISTRICTS),
    "park": st.none() | st.sampled_from(PARKS),
    "founded_on": st.none() | dates | st.sampled_from([datetime.date(2021, 2, 28), datetime.date(2021, 3, 1),
                                                        datetime.date(2023, 3, 1), datetime.date(2022, 6, 15)]),
    "size": st.sampled_from(["", *OrgSize.values]),
    "employees": st.none() | st.integers(0, 400),
    "listing_status": st.sampled_from(ListingStatus.values),
    "labels": st.sets(st.sampled_from(LABELS)),
    "segment": st.dictionaries(st.sampled_from(SEGMENTS), st.sampled_from(PlacementRole.values)),
    "products": st.lists(products, max_size=3),
    "agreements": st.lists(st.fixed_dictionaries({
        "kind": st.sampled_from(AgreementKind.values), "status": st.sampled_from(AgreementStatus.values),
        "amount_fen": st.none() | st.sampled_from([0, 4_999_999, 5_000_000, 5_000_001, 120_000_000]),
        "signed_on": dates | st.sampled_from(EDGES), "chain": st.sampled_from(CHAINS)}), max_size=3),
})


def _values(name, fields=rules.FIELDS):
    """Values a rule may compare name with: those the profiles use, and one nobody has."""
    texts = {"district": DISTRICTS + ["999999"], "park": PARKS + ["无此园区"], "labels": LABELS + ["none-such"],
             "segment": SEGMENTS + ["原料药"], "chain": CHAINS + ["无此链"]}
    if name in texts:
        return st.sampled_from(texts[name])
    if name == "employees":
        return st.integers(0, 400)
    if name == "amount":  # 万元: 5 is 5,000,000 fen
        return st.sampled_from([0, 1, 5, 6, 120, 12000])
    if fields[name].kind == "date":
        return (dates | st.sampled_from(EDGES)).map(datetime.date.isoformat)
    return st.sampled_from(fields[name].choices)


@st.composite
def comparisons(draw, fields=rules.FIELDS):
    name = draw(st.sampled_from(list(fields)))
    spec = fields[name]
    op = draw(st.sampled_from(spec.ops))
    node = {"field": name, "op": op}
    if op in rules.VALUELESS_OPS:
        return node
    if op in rules.LIST_OPS:
        node["value"] = draw(st.lists(_values(name, fields), min_size=1, max_size=3, unique=True))
    elif op == "between":
        node["value"] = sorted(draw(st.lists(_values(name, fields), min_size=2, max_size=2)))
    elif op in rules.AGE_OPS:
        node["value"] = draw(st.integers(0, 6))
    else:
        node["value"] = draw(_values(name, fields))
    return node


def trees(leaves, max_leaves):
    return st.recursive(leaves, lambda kids: st.one_of(
        st.builds(lambda parts: {"all": parts}, st.lists(kids, min_size=1, max_size=3)),
        st.builds(lambda parts: {"any": parts}, st.lists(kids, min_size=1, max_size=3)),
        st.builds(lambda part: {"not": part}, kids),
    ), max_leaves=max_leaves)


part_conditions = st.one_of(*(trees(comparisons(part.fields), 4).map(lambda inner, key=key: {key: inner})
                              for key, part in rules.PARTS.items()))
rule_trees = trees(comparisons() | part_conditions, 6)


@pytest.fixture
def places(db):
    districts = {code: RegionFactory(code=code, name=f"区{code}") for code in DISTRICTS}
    parks = {name: Organization.objects.create(name=name, kind=OrgKind.PARK) for name in PARKS}
    labels = {slug: Label.objects.create(slug=slug, name=slug.upper()) for slug in LABELS}
    chain, other = (Chain.objects.create(name=name) for name in CHAINS)
    bio = Segment.objects.create(chain=chain, name="生物药", stage="midstream")
    segments = {"生物药": bio,
                "抗体药物": Segment.objects.create(chain=chain, parent=bio, name="抗体药物", stage="midstream"),
                "医疗服务": Segment.objects.create(chain=other, name="医疗服务", stage="downstream")}
    chains = {"测试链": chain, "服务链": other}
    bank = Organization.objects.create(name="测试银行", kind=OrgKind.FINANCIAL)
    return districts, parks, labels, segments, chains, bank


def _save(profile, places, i):
    districts, parks, labels, segments, chains, bank = places
    org = Organization.objects.create(
        name=f"企业{i}", kind=OrgKind.ENTERPRISE, district=districts.get(profile["district"]),
        park=parks.get(profile["park"]), founded_on=profile["founded_on"], size=profile["size"],
        employees=profile["employees"], listing_status=profile["listing_status"])
    org.labels.set([labels[s] for s in profile["labels"]])
    for name, role in profile["segment"].items():
        Placement.objects.create(segment=segments[name], organization=org, role=role)
    for j, agreement in enumerate(profile["agreements"]):
        Agreement.objects.create(enterprise=org, institution=bank, title=f"A{j}",
                                 **dict(agreement, chain=chains[agreement["chain"]]))
    for j, product in enumerate(profile["products"]):  # not cleaned: any mixture an import might have left
        Product.objects.create(organization=org, name=f"P{j}", **product)
    return org


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(rule_list=st.lists(rule_trees, min_size=1, max_size=4), drawn=st.lists(profiles, min_size=1, max_size=6),
       today=st.sampled_from(TODAYS), period=st.sampled_from(PERIODS))
def test_compiled_query_python_and_columns_select_the_same_enterprises(places, rule_list, drawn, today, period):
    with transaction.atomic():
        ids = [_save(p, places, i).pk for i, p in enumerate(drawn)]
        loaded = load_profiles(ids)
        enterprises = Organization.objects.filter(pk__in=ids)
        columns = vectors.Profiles(enterprises, today)
        for rule in rule_list:
            rules.validate(rule)
            in_sql = set(enterprises.filter(compile_rule(rule, today, period)).values_list("pk", flat=True))
            in_python = {pk for pk in ids if rules.evaluate(rule, loaded[pk], today, period) is True}
            assert in_sql == in_python, rule
            assert columns.qualifying(rule, period).tolist() == sorted(in_python), rule
            # explain() reaches the same verdict as evaluate()
            assert {pk for pk in ids if rules.explain(rule, loaded[pk], today, period=period).qualifies} == in_python
            # and so does the rule's negation: certainly false agrees too, not only certainly true
            negated = {"not": rule}
            out_sql = set(enterprises.filter(compile_rule(negated, today, period)).values_list("pk", flat=True))
            assert out_sql == {pk for pk in ids if rules.evaluate(rule, loaded[pk], today, period) is False}, rule
            assert columns.qualifying(negated, period).tolist() == sorted(out_sql), rule
        transaction.set_rollback(True)
