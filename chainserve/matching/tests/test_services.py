"""Saving rules, recomputing matches (per rule, per enterprise, all), the enterprise's choices, attaching
resources to a demand."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chainserve.core.models import Notification
from chainserve.matching import services
from chainserve.matching.models import ENTERPRISE_INDEX, Match, Rule, RuleVersion
from chainserve.resources.choices import ItemStatus

from .conftest import HITECH_EAST, TODAY, YOUNG_SMALL


def matched(rule):
    return sorted(Match.objects.filter(rule=rule).values_list("enterprise__name", "state", "qualifies"))


def test_saving_a_rule_adds_a_version_and_schedules_its_recompute(catalogue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        v1 = services.save_rule(catalogue.users.office, catalogue.hitech, HITECH_EAST, note="first")
    v2 = services.save_rule(catalogue.users.office, catalogue.hitech, YOUNG_SMALL)
    assert (v1.number, v2.number, v1.rule_id) == (1, 2, v2.rule_id)
    assert list(v1.rule.versions.values_list("number", "expression", "note")) == [
        (2, YOUNG_SMALL, ""), (1, HITECH_EAST, "first")]
    assert len(callbacks) == 1


def test_a_malformed_rule_is_refused_and_nothing_is_saved(catalogue):
    with pytest.raises(ValidationError) as e:
        services.save_rule(catalogue.users.office, catalogue.hitech, {"all": [{"field": "age", "op": "lt"}]})
    assert e.value.message_dict["expression"][0].startswith("all[0].field: Unknown field 'age'.")
    assert (Rule.objects.count(), RuleVersion.objects.count()) == (0, 0)


def test_an_enterprise_or_another_bank_may_not_write_rules(catalogue):
    for user in (catalogue.users.enterprise, catalogue.users.partner):
        with pytest.raises(PermissionDenied):
            services.save_rule(user, catalogue.hitech, HITECH_EAST)
    assert Rule.objects.count() == 0


def test_a_recompute_matches_notifies_once_and_a_second_run_changes_nothing(catalogue):
    version = services.save_rule(catalogue.users.office, catalogue.hitech, HITECH_EAST)
    first = services.recompute_rule(version.rule, TODAY)
    assert first == services.Recomputed(created=1, deleted=0, notified=1)
    assert matched(version.rule) == [("武汉纽福斯生物科技有限公司", "new", True)]
    note = Notification.objects.get(user=catalogue.users.enterprise)
    assert (note.key, note.url) == (f"match:{version.rule.pk}:{catalogue.world.nfs.pk}", "/matching/mine/")
    assert services.recompute_rule(version.rule, TODAY) == services.Recomputed()
    assert Notification.objects.filter(user=catalogue.users.enterprise).count() == 1


@pytest.mark.parametrize("recompute", [services.recompute_rule, lambda _rule, day: services.recompute_all(day)],
                         ids=["one rule, in SQL", "all rules, as columns"])
def test_a_new_version_moves_the_matches_and_keeps_what_the_enterprise_acted_on(catalogue, recompute):
    rule = services.save_rule(catalogue.users.office, catalogue.hitech, HITECH_EAST).rule
    assert recompute(rule, TODAY) == services.Recomputed(created=1, deleted=0, notified=1)
    services.set_state(Match.objects.get(rule=rule), catalogue.users.enterprise, "save")
    v2 = services.save_rule(catalogue.users.office, catalogue.hitech, YOUNG_SMALL)
    assert recompute(rule, TODAY) == services.Recomputed(created=1, deleted=0, notified=0)
    assert matched(rule) == [("武汉纽福斯生物科技有限公司", "saved", False), ("溫州康寧醫藥有限公司", "new", True)]
    assert Match.objects.get(rule=rule, qualifies=True).version == v2
    assert recompute(rule, TODAY) == services.Recomputed()
    services.save_rule(catalogue.users.office, catalogue.hitech, HITECH_EAST)
    assert recompute(rule, TODAY) == services.Recomputed(created=0, deleted=1, notified=0)
    assert matched(rule) == [("武汉纽福斯生物科技有限公司", "saved", True)]
    assert Notification.objects.filter(key__startswith="match:").count() == 1  # 纽福斯 was told once, ever


def test_a_draft_or_withdrawn_item_matches_nobody(catalogue):
    draft_rule = services.save_rule(catalogue.users.office, catalogue.draft, {"field": "employees", "op": "ge",
                                                                              "value": 0}).rule
    assert services.recompute_rule(draft_rule, TODAY) == services.Recomputed()
    rule = services.save_rule(catalogue.users.office, catalogue.young, YOUNG_SMALL).rule
    services.recompute_rule(rule, TODAY)
    assert matched(rule) == [("溫州康寧醫藥有限公司", "new", True)]
    catalogue.young.status = ItemStatus.WITHDRAWN
    catalogue.young.save()
    assert services.recompute_rule(rule, TODAY) == services.Recomputed(deleted=1)
    assert matched(rule) == []


def test_a_profile_change_is_followed_by_the_enterprise_recompute(catalogue):
    east = services.save_rule(catalogue.users.office, catalogue.hitech, HITECH_EAST).rule
    young = services.save_rule(catalogue.users.office, catalogue.young, YOUNG_SMALL).rule
    loan = services.save_rule(catalogue.users.partner, catalogue.loan,
                              {"field": "listing_status", "op": "in", "value": ["listed", "reserve"]}).rule
    services.recompute_all(TODAY)
    nfs = catalogue.world.nfs
    assert sorted(Match.objects.filter(enterprise=nfs).values_list("rule_id", flat=True)) == [east.pk, loan.pk]
    nfs.employees, nfs.founded_on, nfs.listing_status = 50, TODAY.replace(year=2022), "none"
    nfs.save()
    result = services.recompute_enterprise(nfs, TODAY)
    assert result == services.Recomputed(created=1, deleted=1, notified=1)
    assert sorted(Match.objects.filter(enterprise=nfs).values_list("rule_id", flat=True)) == [east.pk, young.pk]
    assert services.recompute_enterprise(nfs, TODAY) == services.Recomputed()
    # the per-rule recompute agrees with the per-enterprise one
    assert services.recompute_all(TODAY) == services.Recomputed()


def test_only_the_enterprise_itself_changes_a_match_state(catalogue):
    rule = services.save_rule(catalogue.users.office, catalogue.hitech, HITECH_EAST).rule
    services.recompute_rule(rule, TODAY)
    match = Match.objects.get(rule=rule)
    for user in (catalogue.users.office, catalogue.users.handler):
        with pytest.raises(PermissionDenied):
            services.set_state(match, user, "dismiss")
    match.refresh_from_db()
    assert (match.state, match.opened_at) == ("new", None)
    assert services.set_state(match, catalogue.users.enterprise, "dismiss").state == "dismissed"
    assert services.set_state(match, catalogue.users.enterprise, "open").state == "dismissed"
    applied = services.set_state(match, catalogue.users.enterprise, "apply")
    assert applied.state == "applied" and applied.applied_at is not None and applied.opened_at is not None


def test_item_changed_schedules_the_recompute_of_the_item_rule(catalogue, django_capture_on_commit_callbacks):
    services.save_rule(catalogue.users.office, catalogue.hitech, HITECH_EAST)
    with django_capture_on_commit_callbacks() as callbacks:
        services.item_changed(catalogue.hitech)
        services.item_changed(catalogue.young)  # no rule: nothing to do
    assert len(callbacks) == 1


def test_an_organisation_that_is_no_longer_an_enterprise_loses_its_untouched_matches(catalogue):
    services.save_rule(catalogue.users.office, catalogue.hitech, HITECH_EAST)
    services.recompute_all(TODAY)
    nfs = catalogue.world.nfs
    nfs.kind = "hospital"
    nfs.save()
    assert services.recompute_enterprise(nfs, TODAY) == services.Recomputed(deleted=1)
    assert Match.objects.filter(enterprise=nfs).count() == 0


def test_the_nightly_command_recomputes_everything_once(catalogue):
    from io import StringIO

    from django.core.management import call_command

    services.save_rule(catalogue.users.office, catalogue.hitech, HITECH_EAST)
    out = StringIO()
    call_command("matching_recompute", stdout=out)
    call_command("matching_recompute", stdout=out)
    assert out.getvalue() == "created 1, deleted 0, notified 1\ncreated 0, deleted 0, notified 0\n"


def test_a_profile_saved_through_the_services_schedules_its_recompute(catalogue, django_capture_on_commit_callbacks):
    """Editing an enterprise (the page and API save through core.services.save_record), its products or its
    chain placements enqueues the recompute of its matches after commit; running it makes the match."""
    from django_tasks_db.models import DBTaskResult

    from chainserve.core.services import save_record
    from chainserve.registry.services import save_product
    from chainserve.registry.tests.factories import ProductFactory

    rule = services.save_rule(catalogue.users.office, catalogue.hitech, HITECH_EAST).rule
    wz = catalogue.world.wz
    wz.district = catalogue.world.dong
    with django_capture_on_commit_callbacks(execute=True):
        save_record(catalogue.users.admin, wz, lambda: wz.labels.add(catalogue.world.hitech))
        save_product(catalogue.users.admin, ProductFactory.build(organization=wz))
    queued = DBTaskResult.objects.filter(task_path="chainserve.matching.tasks.recompute_enterprises_task")
    assert [r.args_kwargs["args"] for r in queued] == [[[wz.pk]], [[wz.pk]]]
    assert not Match.objects.filter(rule=rule, enterprise=wz).exists()
    services.recompute_enterprise(wz, TODAY)
    assert matched(rule) == [("溫州康寧醫藥有限公司", "new", True)]


def test_deleting_an_enterprise_or_a_policy_deletes_their_matches(catalogue):
    east = services.save_rule(catalogue.users.office, catalogue.hitech, HITECH_EAST).rule
    loan = services.save_rule(catalogue.users.partner, catalogue.loan,
                              {"field": "listing_status", "op": "in", "value": ["listed", "reserve"]}).rule
    services.recompute_all(TODAY)
    assert sorted(set(Match.objects.values_list("rule_id", flat=True))) == [east.pk, loan.pk]
    nfs = catalogue.world.nfs
    assert Match.objects.filter(enterprise=nfs).count() == 2

    catalogue.hitech.delete()  # its rule, the rule's versions and matches go with it (the ORM's cascade)
    assert (Rule.objects.filter(pk=east.pk).exists(), RuleVersion.objects.filter(rule_id=east.pk).exists(),
            set(Match.objects.values_list("rule_id", flat=True))) == (False, False, {loan.pk})
    others = Match.objects.exclude(enterprise=nfs).count()
    nfs.delete()
    assert (Match.objects.filter(enterprise_id=nfs.pk).count(), Match.objects.count()) == (0, others)



def enterprise_index_present():
    with connection.cursor() as cursor:
        return ENTERPRISE_INDEX in connection.introspection.get_constraints(cursor, Match._meta.db_table)


def test_a_first_build_makes_the_enterprise_index_last_and_the_matches_of_the_rule_by_rule_path(catalogue,
                                                                                                monkeypatch):
    """With no match yet, recompute_all writes without the enterprise index and makes it at the end; the
    matches and notifications are those recompute_rule makes one rule at a time."""
    from chainserve.registry.tests.factories import OrganizationFactory

    office = catalogue.users.office
    for n in range(3):
        OrganizationFactory(name=f"新企业{n}", kind="enterprise", employees=10 + n)
    rules = [services.save_rule(office, catalogue.hitech, HITECH_EAST).rule,
             services.save_rule(office, catalogue.young, YOUNG_SMALL).rule,
             services.save_rule(catalogue.users.partner, catalogue.loan, {"field": "employees", "op": "ge", "value": 0}).rule,
             services.save_rule(office, catalogue.draft, {"field": "employees", "op": "ge", "value": 0}).rule]
    seen, bring_to = [], services._bring_to
    monkeypatch.setattr(services, "_bring_to", lambda *a: seen.append(enterprise_index_present()) or bring_to(*a))

    with CaptureQueriesContext(connection) as queries:
        assert services.recompute_all(TODAY) == services.Recomputed(created=7, deleted=0, notified=2)
    assert (seen, enterprise_index_present()) == ([False] * 4, True)
    statements = [q["sql"].split(" ")[0] for q in queries if q["sql"].startswith(("CREATE INDEX", "ANALYZE"))]
    assert statements == (["CREATE", "ANALYZE"] if connection.vendor == "postgresql" else ["CREATE"])
    built = sorted(Match.objects.values_list("enterprise_id", "rule_id", "version_id", "state"))
    told = sorted(Notification.objects.values_list("key", flat=True))
    # 纽福斯: east and the loan; 溫州康寧: young and small and the loan (the new firms' founding dates are unknown)
    assert (len(built), told) == (7, sorted([f"match:{rules[0].pk}:{catalogue.world.nfs.pk}",
                                            f"match:{rules[2].pk}:{catalogue.world.nfs.pk}"]))

    Match.objects.all().delete()
    Notification.objects.all().delete()
    assert [services.recompute_rule(rule, TODAY).created for rule in rules] == [1, 1, 5, 0]
    assert sorted(Match.objects.values_list("enterprise_id", "rule_id", "version_id", "state")) == built
    assert sorted(Notification.objects.values_list("key", flat=True)) == told
    seen.clear()  # with matches in place the index stays
    assert (services.recompute_all(TODAY), seen, enterprise_index_present()) == (services.Recomputed(), [True] * 4, True)


def test_the_enterprise_index_is_made_again_after_a_failed_or_killed_build(catalogue, monkeypatch):
    services.save_rule(catalogue.users.office, catalogue.hitech, HITECH_EAST)
    monkeypatch.setattr(services, "_bring_to", lambda *a: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        services.recompute_all(TODAY)
    assert (Match.objects.count(), enterprise_index_present()) == (0, True)
    monkeypatch.undo()

    services.recompute_all(TODAY)
    with connection.cursor() as cursor:  # a killed build leaves the matches it committed and no index
        cursor.execute(f"DROP INDEX {ENTERPRISE_INDEX}")
    assert services.recompute_all(TODAY) == services.Recomputed()
    assert (Match.objects.count(), enterprise_index_present()) == (1, True)


def test_a_group_that_meets_a_concurrent_match_is_done_again_once(catalogue, monkeypatch):
    """A concurrent recompute that commits a match between the full run's read and its insert makes the
    insert fail on the unique index: the group of rules is done again from what is there; a second failure
    is raised, with nothing of the group written."""
    from django.db import IntegrityError

    rule = services.save_rule(catalogue.users.office, catalogue.hitech, HITECH_EAST).rule
    failures, insert = [], services._bulk_insert

    def meets_a_concurrent_match(*args):
        if len(failures) < fail_times:
            failures.append(args[0])
            raise IntegrityError("UNIQUE constraint failed: matching_match.rule_id, matching_match.enterprise_id")
        return insert(*args)

    monkeypatch.setattr(services, "_bulk_insert", meets_a_concurrent_match)
    fail_times = 2
    with pytest.raises(IntegrityError):
        services.recompute_all(TODAY)
    assert (failures, Match.objects.count(), Notification.objects.count()) == ([rule, rule], 0, 0)

    failures.clear()
    fail_times = 1
    assert services.recompute_all(TODAY) == services.Recomputed(created=1, deleted=0, notified=1)
    assert (failures, matched(rule)) == ([rule], [("武汉纽福斯生物科技有限公司", "new", True)])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_on_postgresql_two_connections_write_the_groups_at_once(catalogue, monkeypatch):
    import threading

    monkeypatch.setattr(services, "RULES_PER_TRANSACTION", 1)
    office, nfs, wz = catalogue.users.office, catalogue.world.nfs, catalogue.world.wz
    east, young, loan = (services.save_rule(office, catalogue.hitech, HITECH_EAST).rule,
                         services.save_rule(office, catalogue.young, YOUNG_SMALL).rule,
                         services.save_rule(catalogue.users.partner, catalogue.loan,
                                            {"field": "employees", "op": "ge", "value": 0}).rule)
    calls, both, bring = [], threading.Barrier(2, timeout=10), services._bring_group

    def together(group, *rest):
        calls.append(threading.get_ident())
        if len(calls) <= 2:
            both.wait()  # the first two groups are written at the same time, or the barrier breaks
        return bring(group, *rest)

    monkeypatch.setattr(services, "_bring_group", together)
    assert services.recompute_all(TODAY) == services.Recomputed(created=4, deleted=0, notified=2)
    assert (len(calls), len(set(calls)), threading.get_ident() in calls) == (3, 2, False)
    assert sorted(Match.objects.values_list("rule_id", "enterprise_id")) == sorted(
        [(east.pk, nfs.pk), (young.pk, wz.pk), (loan.pk, nfs.pk), (loan.pk, wz.pk)])
    assert services.recompute_all(TODAY) == services.Recomputed()
