"""The audit trail of logins (Django's user_logged_in / user_login_failed signals are its API for them)
and of exports, from the list pages and the API alike (record_export)."""

from django.contrib.auth.signals import user_logged_in, user_login_failed

from .models import AuditEntry
from .services import audit


def record_export(request, what, count, params):
    """One audit entry for an export of count records of what (a model's label) with the filter params
    (a QueryDict), by request's user: a page's ?export=xlsx and every API list answer, since each one
    carries records (people's phone numbers among them) out of the platform."""
    query = params.urlencode() if hasattr(params, "urlencode") else str(params or "")
    # The count last but never cut off: the detail holds 500 characters and a filter may be longer.
    suffix = f" ({count})"
    return audit(request, AuditEntry.Action.EXPORT, f"{what}?{query}"[: 500 - len(suffix)] + suffix)


def on_login(sender, request, user, **kwargs):
    audit(request, AuditEntry.Action.LOGIN, user=user)


def on_login_failed(sender, credentials, request=None, **kwargs):
    # credentials arrive with the password masked by Django; only the typed name is kept.
    from .models import User

    username = str(credentials.get("username", ""))[:150]
    locked = bool(getattr(request, "axes_locked_out", False))
    user = User.objects.filter(username=username).first() if username else None
    audit(request, AuditEntry.Action.LOGIN_FAILED, "locked out" if locked else "", user=user, username=username)


def connect():
    user_logged_in.connect(on_login, dispatch_uid="chainserve.audit.login")
    user_login_failed.connect(on_login_failed, dispatch_uid="chainserve.audit.login_failed")
