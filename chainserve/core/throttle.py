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
    without one); past it a 429 with Retry-After. None turns it off.

    Counted in Django's cache: each process its own by default, every process together when the cache is Redis
    (REDIS_URL, docs/operations.md). Not DRF's list of request times, read and written back whole (two servers
    answering at once would each write its own list and lose the other's request; 600 floats a request): one
    counter per user and minute, raised by an atomic increment. A sliding estimate — this minute's count plus the
    last minute's, weighted by how much of it is still within the last 60 seconds — keeps a burst across the turn
    of the minute from passing twice the rate. A refused request is not counted."""

    def get_rate(self):
        rate = settings.API_REQUESTS_PER_MINUTE
        return None if rate is None else f"{rate}/min"

    def allow_request(self, request, view):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        if self.rate is None or (key := self.get_cache_key(request, view)) is None:
            return True
        now = self.timer()
        window, into = divmod(now, self.duration)
        current = f"{key}:{int(window)}"
        self.previous = self.cache.get(f"{key}:{int(window) - 1}", 0)
        self.carried = self.previous * (1 - into / self.duration)
        self.now, self.into = now, into
        self.count = self._increment(current)
        if self.count + self.carried <= self.num_requests:
            return True
        self.cache.decr(current)  # refused: not counted
        self.count -= 1
        return False

    def _increment(self, key):
        """This window's counter, one higher (atomic in Redis and in the local-memory cache alike)."""
        self.cache.add(key, 0, 2 * self.duration)  # kept while it is this window or the previous one
        try:
            return self.cache.incr(key)
        except ValueError:  # expired between the two calls
            self.cache.add(key, 0, 2 * self.duration)
            return self.cache.incr(key)

    def wait(self):
        """Seconds until one more request passes: when the last minute's share has shrunk enough, or at the next
        minute if this minute's count alone is at the rate."""
        room = self.num_requests - self.count - 1
        if room >= 0 and self.previous:
            passes_at = self.duration * (1 - room / self.previous)  # carried <= room from this point of the window
            return max(1.0, passes_at - self.into)
        return max(1.0, self.duration - self.into)
