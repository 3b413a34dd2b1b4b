"""The project's URL map as a flat list, for tests that visit every address (access matrix, CSP)."""

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
