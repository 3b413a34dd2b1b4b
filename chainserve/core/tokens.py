"""API tokens — 接口令牌: issued once per `chainserve token USER`, stored hashed, checked in constant time, expiring."""

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from .models import ApiToken

KEYWORD = "Token"
# last_used is written at most this often, so an API client's every request is not also a write.
LAST_USED_EVERY = datetime.timedelta(minutes=5)

INVALID = _("Invalid token.")
EXPIRED = _("The API token has expired; ask an administrator for a new one (chainserve token USER).")
INACTIVE = _("User inactive or deleted.")


def digest(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def issue(user, days=None):
    """A new API token for user, replacing the user's earlier ones; returns (ApiToken, key). The key
    (PREFIX.SECRET) exists only in this return value: the database keeps the prefix and the secret's hash."""
    days = settings.API_TOKEN_DAYS if days is None else days
    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    with transaction.atomic():
        ApiToken.objects.filter(user=user).delete()
        token = ApiToken.objects.create(
            user=user, prefix=prefix, digest=digest(secret), expires=timezone.now() + datetime.timedelta(days=days)
        )
    return token, f"{prefix}.{secret}"


def check(key, now=None):
    """The ApiToken that key stands for; AuthenticationFailed (401) when it is unknown, wrong or expired."""
    prefix, dot, secret = key.partition(".")
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first() if dot and prefix else None
    # The digest is compared even for an unknown prefix, so the time taken does not tell which prefixes exist.
    expected = token.digest if token is not None else digest("")
    if not hmac.compare_digest(expected, digest(secret)) or token is None:
        raise exceptions.AuthenticationFailed(INVALID)
    now = now or timezone.now()
    if token.expires <= now:
        raise exceptions.AuthenticationFailed(EXPIRED)
    if not token.user.is_active:
        raise exceptions.AuthenticationFailed(INACTIVE)
    if token.last_used is None or now - token.last_used >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    return token


class ApiTokenAuthentication(BaseAuthentication):
    """`Authorization: Token PREFIX.SECRET` (DRF's header form, with hashed and expiring keys)."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(INVALID)
        try:
            key = parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(INVALID) from None
        token = check(key)
        return token.user, token

    def authenticate_header(self, request):
        return KEYWORD


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The schema's description of ApiTokenAuthentication (registered by being defined)."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix=KEYWORD)
