"""Template tag of a reopened demand's earlier results: what it was closed with, when, by which unit."""

from django import template

from ..services.enterprise import earlier_results as results_of

register = template.Library()


@register.inclusion_tag("demands/_enterprise_earlier_results.html")
def earlier_results(demand):
    """{% earlier_results demand %}: the results before each reopening (nothing asked of a demand never reopened)."""
    return {"results": results_of(demand) if demand.reopen_count else []}
