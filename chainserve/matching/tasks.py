"""Background tasks of matching: recomputes, queued by the change that asks for them (core.tasks.enqueue_after_commit)."""

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
def recompute_enterprises_task(organization_ids: list[int]):
    """Recompute the matches of each organisation in organization_ids (those deleted since are skipped); safe
    to run twice."""
    from chainserve.registry.models import Organization

    from .services import recompute_enterprise

    for org in Organization.objects.filter(pk__in=organization_ids).order_by("pk"):
        recompute_enterprise(org)


@task()
def recompute_all_task():
    """Recompute every rule's matches (after a change to many profiles at once: an import)."""
    from .services import recompute_all

    recompute_all()
