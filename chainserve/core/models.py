"""Base models, the user with its role, and the query scoping every app uses."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import EDITOR_ROLES, STAFF_ROLES, Role

NOTHING = Q(pk__in=[])


class RestrictedQuerySet(models.QuerySet):
    """A queryset that can be narrowed to what one user may see or change (NetBox's restrict())."""

    def restrict(self, user, action="view"):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or user.role == Role.ADMIN:
            return self
        q = self.model.scope(user, action)
        return self if q is None else self.filter(q)


class ScopedModel(models.Model):
    """A model whose rows are scoped per user by its scope() classmethod."""

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def scope(cls, user, action):
        """Q of the rows user may see (action 'view') or change ('change'); None means all."""
        raise NotImplementedError


class TimeStampedModel(models.Model):
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class User(AbstractUser):
    """A person who logs in — 用户. Its role and organisation decide what it sees."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.ENTERPRISE)
    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="users",
        help_text=_("The enterprise, department or partner the user acts for."),
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    @property
    def is_staff_role(self):
        return self.is_superuser or self.role in STAFF_ROLES

    @property
    def is_editor(self):
        return self.is_superuser or self.role in EDITOR_ROLES

    @property
    def is_admin_role(self):
        return self.is_superuser or self.role == Role.ADMIN


def can_change_any(model, user) -> bool:
    """Whether user may change at least some rows of model (so may open its forms at all)."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_admin_role:
        return True
    return model.scope(user, "change") != NOTHING


class IdempotencyKey(models.Model):
    """The answer given to an API create sent with an Idempotency-Key header, replayed if it comes again."""

    user = models.ForeignKey("core.User", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    scope = models.CharField(max_length=200, help_text=_("The endpoint the key was used on."))
    status = models.PositiveSmallIntegerField(null=True)
    body = models.JSONField(null=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key", "scope"], name="idempotency_key_unique"),
        ]
