"""The API's JSON parser: a bound on nesting, counted without recursion; everything else as DRF parses it."""

import io
import json

import pytest
from rest_framework.exceptions import ParseError

from chainserve.core.parsers import MAX_JSON_DEPTH, JSONParser, json_depth_exceeds

ORGS = "/api/v1/organizations/"


def nested(depth):
    return "[" * depth + "]" * depth


def parse(text, encoding="utf-8"):
    return JSONParser().parse(io.BytesIO(text.encode(encoding)), parser_context={"encoding": encoding})


@pytest.mark.parametrize(("text", "deeper"), [
    (nested(64), False),
    (nested(65), True),
    ('{"a": ' * 64 + "1" + "}" * 64, False),
    ('{"a": ' * 65 + "1" + "}" * 65, True),
    # brackets in strings are text, escaped quotes included
    (json.dumps({"note": "[" * 1000, "q": 'say "[[[" \\ ' + "{" * 100}), False),
    (json.dumps(["\\\"", "[" * 70]), False),
    ("[" * 65, True),  # unbalanced: refused before the decoder says it is broken
])
def test_nesting_is_counted_outside_strings(text, deeper):
    assert json_depth_exceeds(text) is deeper


def test_the_limit_is_64():
    assert MAX_JSON_DEPTH == 64
    assert parse(nested(64)) == json.loads(nested(64))
    with pytest.raises(ParseError) as refused:
        parse(nested(65))
    assert str(refused.value.detail) == "JSON parse error - nested deeper than 64 levels."


@pytest.mark.parametrize(("body", "message"), [
    ("{", "JSON parse error - Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
    ('{"a": NaN}', "JSON parse error - Out of range float values are not JSON compliant: 'NaN'"),
])
def test_other_errors_read_as_drf_s(body, message):
    with pytest.raises(ParseError) as refused:
        parse(body)
    assert str(refused.value.detail) == message


def test_a_body_in_gbk_is_read_in_gbk():
    assert parse('{"name": "纽福斯"}', "gbk") == {"name": "纽福斯"}


def test_a_deep_body_is_a_400_and_creates_nothing(world, api_as):
    from chainserve.registry.models import Organization

    count = Organization.objects.count()

    response = api_as(world.users.office).post(ORGS, '{"name": ' + nested(5000) + "}",
                                               content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": "JSON parse error - nested deeper than 64 levels."}
    assert Organization.objects.count() == count
