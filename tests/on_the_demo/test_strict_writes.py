"""Strict writes on the demo, where a record of every kind exists: every write operation of the API's schema,
on a collection and on a record, answers 400 naming a field it does not take — and changes nothing."""

import re

from django.conf import settings
from django.contrib.auth import get_user_model
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from .test_access_matrix import table_counts

RAW_SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
WRITES = sorted((method.upper(), path) for path, operations in RAW_SCHEMA["paths"].items()
                for method, operation in operations.items()
                if method in ("post", "put", "patch") and "requestBody" in operation)
UNKNOWN = {"no_such_field": 1}
UNKNOWN_FIELD = (400, {"no_such_field": ["Unknown field."]})
# Steps only someone other than the admin takes: who may act is answered before what was sent.
REFUSED_BEFORE_THE_BODY = {
    ("POST", "/api/v1/matches/{id}/state/"): (403, {"detail": "Only the enterprise itself may do this."}),
    ("POST", "/api/v1/matches/{id}/declare/"): (403, {"detail": "Only the enterprise itself may do this."}),
    ("POST", "/api/v1/policy-applications/"): (403, {"detail": "Only an enterprise applies for a policy."}),
    ("POST", "/api/v1/corrections/"): (403, {"detail": "Only the enterprise itself may do this."}),
    ("POST", "/api/v1/policy-applications/{id}/answer/"): (
        403, {"detail": "You may not take this step on this application."}),
    ("POST", "/api/v1/policy-applications/{id}/receive/"): (
        403, {"detail": "You may not take this step on this application."}),
}


def _record_ids(api):
    """For each path on a record, the id of one the admin sees (the first of the list the path hangs under)."""
    ids = {}
    for path in {p for _, p in WRITES if "{id}" in p}:
        answer = api.get(path.split("{", 1)[0])
        rows = answer.json().get("results", []) if answer.status_code == 200 else []
        if rows:
            ids[path] = rows[0]["id"]
    return ids


def _url(path, ids):
    return re.sub(r"\{step\}", "accept", path.replace("{id}", str(ids.get(path))))


def test_every_write_operation_names_the_field_it_does_not_take():
    api = APIClient()
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    api.force_authenticate(get_user_model().objects.get(username="admin"))
    ids = _record_ids(api)
    before = table_counts()

    answers = {(method, path): getattr(api, method.lower())(_url(path, ids), UNKNOWN,
                                                            format="json")
               for method, path in WRITES}

    assert len(answers) == len(WRITES) >= 100
    assert {op: (r.status_code, r.json()) for op, r in answers.items()
            if (r.status_code, r.json()) != REFUSED_BEFORE_THE_BODY.get(op, UNKNOWN_FIELD)} == {}
    assert table_counts() == before
