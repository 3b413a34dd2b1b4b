"""Parity: what a page can do, the API can do. Every page that takes a POST is listed against the API operation
that does the same, or excused with its reason, or named as a gap still open; a new POST page fails here until
it is one of the three."""

from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator

from chainserve.coordination.views.annual_lists import ITEM_STEPS
from chainserve.coordination.views.meetings import MEETING_STEPS
from chainserve.demands.forms import ACTION_FORMS
from chainserve.matching.services import STATE_ACTIONS
from chainserve.resources.application_views import STEPS as APPLICATION_STEPS

API = "/api/v1"


def _pages(namespace, name, plural):
    """The add page and the edit page of a record kept by a plain model endpoint."""
    return {f"{namespace}:{name}-add": f"POST {API}/{plural}/", f"{namespace}:{name}-edit": f"PATCH {API}/{plural}/{{id}}/"}


CATALOGUE = {"policy": "policies", "financialproduct": "financial-products", "space": "spaces",
             "equipment": "equipment", "expert": "experts", "talentprogramme": "talent-programmes",
             "achievement": "achievements"}

# url name → the API operation(s) that do what the page's POST does. A page with several steps (one URL whose last
# part, or a posted field, names the step) maps each step; the test checks the steps are the page's own.
PARITY = {
    **_pages("registry", "organization", "organizations"),
    **_pages("registry", "product", "products"),
    "registry:organization-delete": f"DELETE {API}/organizations/{{id}}/",
    "registry:correction-add": f"POST {API}/corrections/",
    "registry:correction": (f"POST {API}/corrections/{{id}}/approve/", f"POST {API}/corrections/{{id}}/refuse/"),
    **_pages("registry", "person", "people"),
    **_pages("registry", "relationship", "relationships"),
    **_pages("chains", "chain", "chains"),
    **_pages("chains", "segment", "segments"),
    "chains:placement-add": f"POST {API}/placements/",
    **_pages("chains", "candidate", "candidates"),
    **_pages("chains", "lead", "leads"),
    "chains:lead": f"POST {API}/leads/{{id}}/transition/",
    "demands:demand-add": f"POST {API}/demands/",
    "portal:demand-add": f"POST {API}/demands/",
    "demands:queue-dispatch": f"POST {API}/demands/dispatch-selected/",
    "demands:action": {step: f"POST {API}/demands/{{id}}/steps/{{step}}/" for step in ACTION_FORMS},
    **_pages("demands", "rule", "dispatch-rules"),
    **_pages("demands", "standard-reply", "standard-replies"),
    **_pages("coordination", "committee", "committees"),
    "coordination:committee": f"POST {API}/committee-members/",
    "coordination:member-edit": f"PATCH {API}/committee-members/{{id}}/",
    **_pages("coordination", "meeting", "meetings"),
    "coordination:meeting-step": {
        "agenda": f"POST {API}/meetings/{{id}}/build-agenda/",
        "topic": f"POST {API}/meetings/{{id}}/topics/",
        "attendance": f"POST {API}/meetings/{{id}}/attendance/",
        "minutes": f"POST {API}/meetings/{{id}}/minutes/",
        "decide": f"POST {API}/meetings/{{id}}/decide/",
        "cancel": f"POST {API}/meetings/{{id}}/cancel/",
    },
    "coordination:action-item": f"POST {API}/action-items/{{id}}/progress/",
    **_pages("coordination", "activity", "activities"),
    "coordination:sign-up": f"POST {API}/registrations/",
    "coordination:outcome": f"POST {API}/activities/{{id}}/outcome/",
    "coordination:activity-cancel": f"POST {API}/activities/{{id}}/cancel/",
    "coordination:registration": f"POST {API}/registrations/{{id}}/check-in/",
    "coordination:registration-cancel": f"POST {API}/registrations/{{id}}/cancel/",
    **_pages("coordination", "agreement", "agreements"),
    "coordination:agreement-confirm": f"POST {API}/agreements/{{id}}/confirm/",
    **_pages("coordination", "visit", "visits"),
    "coordination:visit": f"POST {API}/visits/{{id}}/demands/",
    "coordination:visit-files": f"POST {API}/visits/{{id}}/files/",
    **_pages("coordination", "alliance", "alliances"),
    "coordination:alliance": f"POST {API}/alliance-members/",
    "coordination:alliance-member-edit": f"PATCH {API}/alliance-members/{{id}}/",
    **_pages("coordination", "pairing", "pairings"),
    **_pages("coordination", "instructor", "instructors"),
    **_pages("coordination", "coverage", "coverages"),
    **_pages("coordination", "annual-list", "annual-lists"),
    **_pages("coordination", "list-item", "list-items"),
    "coordination:list-item": {
        "update": f"POST {API}/list-items/{{id}}/updates/",
        "milestone": f"POST {API}/list-items/{{id}}/milestones/",
        "milestone-done": f"POST {API}/list-items/{{id}}/milestones/{{milestone}}/done/",
    },
    **{key: value for name, plural in CATALOGUE.items() for key, value in _pages("resources", name, plural).items()},
    **{f"resources:{name}-status": (f"POST {API}/{plural}/{{id}}/publish/", f"POST {API}/{plural}/{{id}}/withdraw/")
       for name, plural in CATALOGUE.items()},
    "resources:policy-apply": f"POST {API}/policy-applications/",
    "resources:application-step": {step: f"POST {API}/policy-applications/{{id}}/{step.replace('_', '-')}/"
                                   for step in APPLICATION_STEPS},
    "resources:policy-applications": (f"POST {API}/policy-applications/grant/",
                                      f"POST {API}/policy-applications/publicise/"),
    "matching:rule-add": f"POST {API}/rules/",
    "matching:rule-edit": f"POST {API}/rules/",  # a rule changes by a new version, as on the page
    "matching:rule-preview": f"POST {API}/rules/validate/",  # the builder's count: qualifying and examples
    # the benefits editor's check and worked amounts; what one firm may get is on its match (GET /matches/{id}/)
    "matching:benefits-preview": f"POST {API}/rules/validate/",
    "matching:match-state": {action: f"POST {API}/matches/{{id}}/state/" for action in STATE_ACTIONS},
    "matching:declare": f"POST {API}/matches/{{id}}/declare/",
    "matching:attach": f"POST {API}/demand-resources/",
    "reports:compose": f"POST {API}/bulletins/publish/",
    **_pages("reports", "scale", "industry-scales"),
}

# The page's steps, as the page itself declares them.
STEPS = {"demands:action": set(ACTION_FORMS), "coordination:meeting-step": set(MEETING_STEPS),
         "coordination:list-item": set(ITEM_STEPS), "matching:match-state": set(STATE_ACTIONS),
         "resources:application-step": set(APPLICATION_STEPS)}

_SIGN_IN = "The browser's sign-in and password pages; an API client authenticates with a token (chainserve token USER)."
_WORKBOOK = ("An Excel workbook uploaded by a person, checked and confirmed on the page; the API takes the same "
             "records one by one through their create operations.")

# POST pages the API does not repeat, by design.
EXCUSED = {
    "login": _SIGN_IN,
    "logout": _SIGN_IN,
    "password_change": _SIGN_IN,
    "password_reset": _SIGN_IN,
    "password_reset_confirm": _SIGN_IN,
    "inbox": "Marks the signed-in person's in-app messages read; the inbox is for people, not for integrations.",
    "inbox-open": "Opens one in-app message (marks it read, then follows its link); the inbox is for people.",
    "coordination:calendar": "Renews the signed-in person's secret calendar-feed address for a calendar app; "
                             "it is a setting of that person, not a record of the platform.",
    "registry:import": _WORKBOOK,
    "chains:candidate-import": _WORKBOOK,
    "resources:import": _WORKBOOK,
    "coordination:annual-list-import": _WORKBOOK,
}

# POST pages whose API operation is still missing, each with what is missing, listed so that it is seen (none now).
GAPS: dict[str, str] = {}


def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = ":".join(n for n in (namespace, p.namespace) if n)
            yield from _walk(p.url_patterns, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), f"{namespace}:{p.name}" if namespace else p.name, p.callback


def post_pages():
    """url name → route of every page (not the API, not the admin) whose class-based view takes a POST."""
    pages = {}
    for route, name, callback in _walk(get_resolver().url_patterns):
        view = getattr(callback, "view_class", None)
        if route.startswith(("api/", "admin/")) or view is None:
            continue
        if hasattr(view, "post") and "post" in view.http_method_names:
            pages[name] = route
    return pages


def api_operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops}


def _ops(entry):
    if isinstance(entry, str):
        return [entry]
    if isinstance(entry, dict):
        return list(entry.values())
    return list(entry)


def test_every_post_page_has_its_api_operation_or_a_stated_reason():
    pages = post_pages()

    unlisted = sorted(set(pages) - set(PARITY) - set(EXCUSED) - set(GAPS))

    assert unlisted == [], "POST pages with no API operation and no reason: " + ", ".join(
        f"{name} ({pages[name]})" for name in unlisted)


def test_the_table_names_only_post_pages_and_each_once():
    pages = post_pages()
    listed = [*PARITY, *EXCUSED, *GAPS]

    assert sorted(set(listed) - set(pages)) == []
    assert len(listed) == len(set(listed))
    assert all(reason.strip() for reason in [*EXCUSED.values(), *GAPS.values()])


def test_each_operation_named_is_in_the_schema():
    operations = api_operations()

    missing = sorted({op for entry in PARITY.values() for op in _ops(entry)} - operations)

    assert missing == []


def test_a_page_with_steps_maps_each_of_its_steps():
    for name, steps in STEPS.items():
        assert set(PARITY[name]) == steps, name
    assert {name for name, entry in PARITY.items() if isinstance(entry, dict)} == set(STEPS)
