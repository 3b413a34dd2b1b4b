"""The users' secret calendar addresses — 日历订阅."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarFeed(models.Model):
    """A user's secret iCalendar address — 日历订阅: the token stands for the user, who may renew it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        ordering = ["pk"]

    def __str__(self):
        return str(self.user)
