"""The API's JSON parser: DRF's, with a bound on how deep a body may nest (the default parser, settings.py).

Its own module, not core/api.py: DRF reads DEFAULT_PARSER_CLASSES when rest_framework.views is imported,
which core/api.py itself imports."""

import codecs
import re

from django.utils.translation import gettext
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json as drf_json

MAX_JSON_DEPTH = 64
# A string (escapes included) or one bracket: brackets inside strings are not nesting.
_JSON_NESTING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def json_depth_exceeds(text, limit=MAX_JSON_DEPTH):
    """Whether JSON text nests arrays and objects deeper than limit, found by counting brackets outside
    strings (a loop, no recursion: the decoder itself recurses once per level and a body nested a thousand
    deep ends in RecursionError)."""
    depth = 0
    for match in _JSON_NESTING.finditer(text):
        bracket = match.group()
        if bracket in ("[", "{"):
            depth += 1
            if depth > limit:
                return True
        elif bracket in ("]", "}"):
            depth -= 1
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing (400) a body nested deeper than MAX_JSON_DEPTH before decoding it."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        try:
            text = codecs.getreader(encoding)(stream).read()
            if json_depth_exceeds(text):
                raise ParseError(gettext("JSON parse error - nested deeper than %(limit)d levels.")
                                 % {"limit": MAX_JSON_DEPTH})
            return drf_json.loads(text, parse_constant=drf_json.strict_constant if self.strict else None)
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
