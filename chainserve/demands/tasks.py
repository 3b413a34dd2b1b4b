"""Background tasks of the demands app."""

from django_tasks import task


@task()
def notify_demand_event(event_id: int):
    """Notify the people concerned by one demand event; safe to run twice (one message per user and event)."""
    from .services import notify_event

    notify_event(event_id)
