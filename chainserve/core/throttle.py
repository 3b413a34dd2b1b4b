"""Throttling: password-reset requests (忘记密码) per client address and e-mail address, counted in the audit trail;
API requests per user and minute."""

import datetime

from django.conf import settings
from django.utils import timezone
from rest_framework.throttling import UserRateThrottle

from .models import AuditEntry
from .services import audit, client_ip

WINDOW = datetime.timedelta(hours=1)


def password_reset_allowed(request, email):
    """True, and the request recorded in the audit trail, when neither the client's address nor the e-mail
    address has asked PASSWORD_RESET_PER_HOUR times in the last hour; False (nothing recorded) otherwise.

    Counted in the database, not a process's cache, so every web worker sees the same count; a refused
    request is not recorded, so asking on and on does not push the end of the wait further away."""
    email = email.strip().lower()[:500]
    recent = AuditEntry.objects.filter(action=AuditEntry.Action.PASSWORD_RESET, at__gte=timezone.now() - WINDOW)
    limit = settings.PASSWORD_RESET_PER_HOUR
    ip = client_ip(request)
    if ip is not None and recent.filter(ip=ip).count() >= limit:
        return False
    if recent.filter(detail=email).count() >= limit:
        return False
    audit(request, AuditEntry.Action.PASSWORD_RESET, email)
    return True


class ApiRateThrottle(UserRateThrottle):
    """At most settings.API_REQUESTS_PER_MINUTE requests a minute per signed-in user (per address for a request
    without one); past it a 429 with Retry-After. Counted in Django's cache: each process its own until the
    cache is shared (docs/operations.md). None turns it off."""

    def get_rate(self):
        rate = settings.API_REQUESTS_PER_MINUTE
        return None if rate is None else f"{rate}/min"

    def allow_request(self, request, view):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)
