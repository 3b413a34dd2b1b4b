"""Logs without secrets: calendar-feed and password-reset tokens in paths are redacted (gunicorn and Django)."""

import logging
import re

from gunicorn.glogging import Logger

REDACTED = "[redacted]"
# The token segments of coordination:calendar-feed (…/calendar/TOKEN.ics) and of Django's password reset
# confirmation (…/reset/UIDB64/TOKEN/; its "set-password" step carries no token). Either stands for a user.
PATTERNS = [
    (re.compile(r"(/coordination/calendar/)[^/?#\s.]+(\.ics)"), rf"\g<1>{REDACTED}\g<2>"),
    (re.compile(r"(/accounts/reset/[^/?#\s]+/)(?!set-password(?:[/?#\s]|$))[^/?#\s]+"), rf"\g<1>{REDACTED}"),
]


def redact(text):
    """text (a request line, a path, a referrer) with every token segment replaced by [redacted]."""
    if not isinstance(text, str) or "/" not in text:
        return text
    for pattern, replacement in PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingLogger(Logger):
    """gunicorn's logger whose access-log fields (request line, path, referrer, headers) pass redact()."""

    def atoms(self, resp, req, environ, request_time):
        return {key: redact(value) for key, value in super().atoms(resp, req, environ, request_time).items()}


class RedactingFilter(logging.Filter):
    """A logging filter for Django's own log lines ("Not Found: /coordination/calendar/TOKEN.ics", an error's
    path): the message is formatted and redacted here, so no handler writes the token."""

    def filter(self, record):
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True
