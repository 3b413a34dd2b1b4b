"""Background tasks of matching: recomputes, enqueued after the transaction that caused them commits."""

from django_tasks import task


@task()
def recompute_rule_task(rule_id: int):
    """Recompute one rule's matches; safe to run twice (the second run changes and notifies nothing)."""
    from .models import Rule
    from .services import recompute_rule

    rule = Rule.objects.select_related("policy", "product").filter(pk=rule_id).first()
    if rule is not None:
        recompute_rule(rule)


@task()
def recompute_enterprise_task(organization_id: int):
    """Recompute one enterprise's matches; safe to run twice."""
    from chainserve.registry.models import Organization

    from .services import recompute_enterprise

    org = Organization.objects.filter(pk=organization_id).first()
    if org is not None:
        recompute_enterprise(org)


@task()
def recompute_all_task():
    """Recompute every rule's matches (nightly, and after a bulk import)."""
    from .services import recompute_all

    recompute_all()
