"""The project's URL map as a flat list, for tests that visit every address (access matrix, CSP)."""

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver


def url_patterns(skip=(), resolver=None, prefix="", namespace=None):
    """(route, namespaced name, URLPattern) for every URL of the project whose route does not start with
    one of `skip`; the route is the concatenated pattern text ("coordination/visits/<int:pk>/")."""
    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(tuple(skip)):
            continue
        if isinstance(entry, URLResolver):
            ns = ":".join(filter(None, [namespace, entry.namespace])) or None
            found += url_patterns(skip, entry, route, ns)
        elif isinstance(entry, URLPattern):
            found.append((route, ":".join(filter(None, [namespace, entry.name])), entry))
    return found


# The record behind a page whose URL name does not name its model, and how its URL arguments are built:
# app_label.Model, {URL parameter: attribute of the record}; missing parameters are "pk".
PAGE_RECORDS = {
    "demands:action": ("demands.Demand", {}),
    "demands:attachment": ("demands.Attachment", {}),
    "chains:map": ("chains.Chain", {}),
    "chains:gaps": ("chains.Chain", {}),
    "registry:product-add": ("registry.Organization", {"org": "pk"}),
    "registry:product-edit": ("registry.Product", {"org": "organization_id"}),
    "coordination:member-edit": ("coordination.CommitteeMember", {}),
    "coordination:alliance-member-edit": ("coordination.AllianceMember", {}),
    "coordination:meeting-step": ("coordination.Meeting", {}),
    "coordination:sign-up": ("coordination.Activity", {}),
    "coordination:outcome": ("coordination.Activity", {}),
    "coordination:activity-cancel": ("coordination.Activity", {}),
    "coordination:registration-qr": ("coordination.Registration", {}),
    "coordination:evidence": ("coordination.ItemUpdate", {}),
    "coordination:public-list": ("coordination.AnnualList", {}),
    "matching:suggestions": ("demands.Demand", {}),
    "matching:attach": ("demands.Demand", {}),
    "matching:qualifying": ("matching.Rule", {}),
    "matching:declare": ("matching.Match", {}),
    "resources:application": ("resources.PolicyApplication", {}),
    "resources:application-step": ("resources.PolicyApplication", {}),
    "resources:application-document": ("resources.ApplicationDocument", {}),
}
# Values for URL parameters that are not records: a step that changes the record.
WORDS = {"action": "accept", "step": "minutes"}
WORDS_FOR = {"matching:match-state": {"action": "dismiss"}, "match-state": {"action": "dismiss"},
             "resources:application-step": {"step": "approve"}, "resources:policy-applications": {"action": "grant"}}


def page_model(name, view_class):
    """The model of a page's record: PAGE_RECORDS, the view's `model`, or the URL name (app:model-…:
    "resources:policy-status" → resources.PolicyStatus, else resources.Policy)."""
    if name in PAGE_RECORDS:
        return apps.get_model(PAGE_RECORDS[name][0])
    model = getattr(view_class, "model", None)
    if model is not None:
        return model
    app_label, _, rest = name.partition(":")
    parts = rest.split("-")
    while app_label and parts:
        try:
            return apps.get_model(app_label, "".join(parts))
        except LookupError:
            parts.pop()
    return None


def url_kwargs(name, params, obj):
    """The URL arguments of page `name` for record `obj`: a word for a step, else the record's attribute."""
    attrs = PAGE_RECORDS.get(name, (None, {}))[1]
    words = {**WORDS, **WORDS_FOR.get(name, {})}
    return {p: words[p] if p in words else getattr(obj, attrs.get(p, "pk")) for p in params}
