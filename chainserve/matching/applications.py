"""What resources' policy applications ask of matching, reached through settings.POLICY_MATCH_HOOKS (resources
imports no matching): which enterprises qualify for a policy now, and marking a firm's match applied."""

from .models import Match
from .services import set_state


def qualifying_enterprises(policy):
    """The ids of the enterprises that qualify for the policy now (its rule's current matches)."""
    return set(Match.objects.filter(rule__policy=policy, qualifies=True).values_list("enterprise_id", flat=True))


def mark_applied(policy, user):
    """The enterprise of user applied for the policy: its match (为您匹配) reads 已申报 from now on."""
    for match in Match.objects.filter(rule__policy=policy, enterprise_id=user.organization_id):
        set_state(match, user, "apply")
