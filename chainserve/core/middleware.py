"""Middleware: the language (Chinese first), the Content-Security-Policy, UTF-8 only in queries and forms, no-store."""

from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.utils import translation
from django.utils.deprecation import MiddlewareMixin


class LanguageMiddleware(MiddlewareMixin):
    """The language is the one the user chose (cookie), else zh-hans — never the browser's guess."""

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language

    def process_response(self, request, response):
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class ContentSecurityPolicyMiddleware:
    """Sends settings.CONTENT_SECURITY_POLICY on every response (Django 6 has this built in; 5.2 has not).

    A view that sets its own header keeps it; a path listed in CONTENT_SECURITY_POLICY_PATHS gets that
    policy instead (the API docs page, whose Swagger UI starts from an inline script)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response.headers:
            policy = settings.CONTENT_SECURITY_POLICY
            for prefix, other in getattr(settings, "CONTENT_SECURITY_POLICY_PATHS", {}).items():
                if request.path.startswith(prefix):
                    policy = other
                    break
            if policy:
                response.headers["Content-Security-Policy"] = policy
        return response


class RequireUTF8Middleware:
    """Refuses (400) a query string or form body whose %-escapes are not UTF-8.

    Django would decode them with replacement characters and a form could store "��" in place of what
    was sent; our pages only ever send UTF-8, so such a request is broken or crafted. (Multipart parts
    are decoded the same way by Django and cannot be told apart here; JSON the API's parser refuses.)"""

    FORM = "application/x-www-form-urlencoded"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        parts = [request.META.get("QUERY_STRING", "")]
        if request.method == "POST" and request.content_type == self.FORM:
            parts.append(request.body)
        for part in parts:
            if not _is_utf8(part):
                return HttpResponseBadRequest(
                    "The request is not valid UTF-8.", content_type="text/plain; charset=utf-8"
                )
        return self.get_response(request)


def _is_utf8(encoded):
    if isinstance(encoded, str):  # WSGI hands the query string over as latin-1 text (PEP 3333)
        try:
            encoded = encoded.encode("latin-1")
        except UnicodeEncodeError:
            return True  # already decoded text: nothing undecodable in it
    raw = encoded
    try:
        unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class NumberTooLargeMiddleware:
    """A page asked with a number too large for the database (SQLite raises OverflowError for a filter
    value past 64 bits, e.g. ?organization=99999999999999999999) answers 400, not 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OverflowError):
            return HttpResponseBadRequest(
                "A number in the request is too large.", content_type="text/plain; charset=utf-8"
            )
        return None


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every response to an authenticated request (a session or an API token),
    so no browser, proxy or shared computer keeps a copy of what a logged-in user saw. Anonymous pages and
    static files (WhiteNoise answers those before this runs) keep their own caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)  # DRF sets it here too when a token authenticated the request
        if (user is not None and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META:
            response.headers["Cache-Control"] = "no-store"
        return response
