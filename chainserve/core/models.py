"""Base models, the user with its role, and the query scoping every app uses."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
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


class RegionLevel(models.TextChoices):
    """The administrative levels of a region, from the top (GB/T 2260 codes down to the county)."""

    PROVINCE = "province", _("Province")
    CITY = "city", pgettext_lazy("region level", "City")
    DISTRICT = "district", _("District or county")
    TOWN = "town", _("Town or street")


# The level a region's children are at; a town has none.
CHILD_LEVEL = {RegionLevel.PROVINCE: RegionLevel.CITY, RegionLevel.CITY: RegionLevel.DISTRICT,
               RegionLevel.DISTRICT: RegionLevel.TOWN}
PATH_SEPARATOR = "/"


class Region(ScopedModel):
    """An administrative region — 行政区划 — in a tree: province → city → district or county → town or street.

    `path` is the codes from the top down, each followed by "/" (420000/420900/420906/): the region's subtree is
    the regions whose path starts with its own, one indexed prefix condition (region_q), never a recursive
    query. Kept by save(): a region moved or recoded takes its subtree's paths with it."""

    code = models.CharField(
        _("code"), max_length=12, unique=True,
        help_text=_("GB/T 2260 code: six digits from the province to the county; nine for a town or street."))
    name = models.CharField(_("name"), max_length=50)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey("self", verbose_name=_("parent region"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    # db_index: on PostgreSQL Django adds the varchar_pattern_ops index that LIKE 'prefix%' uses.
    path = models.CharField(_("path"), max_length=120, editable=False, db_index=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="region_unique_name_in_parent",
                                    violation_error_message=_("This region already has a region with this name.")),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        old = self.path
        self.path = (self.parent.path if self.parent_id else "") + self.code + PATH_SEPARATOR
        with transaction.atomic():
            super().save(*args, **kwargs)
            if old and old != self.path:
                for child in self.children.all():
                    child.save(update_fields=["path"])

    def clean(self):
        digits = 9 if self.level == RegionLevel.TOWN else 6
        if self.code and (not self.code.isdigit() or len(self.code) != digits):
            raise ValidationError({"code": _("The code of this level has %(n)s digits.") % {"n": digits}})
        if self.parent_id is None:
            if self.level != RegionLevel.PROVINCE and Region.objects.exists():
                raise ValidationError({"parent": _("Only a province has no parent region.")})
            return
        if CHILD_LEVEL.get(self.parent.level) != self.level:
            raise ValidationError({"level": _("A region under a %(parent)s is a %(child)s.") % {
                "parent": self.parent.get_level_display(),
                "child": RegionLevel(CHILD_LEVEL.get(self.parent.level, self.parent.level)).label}})
        if self.pk and self.parent.path.startswith(self.path or "-"):
            raise ValidationError({"parent": _("A region cannot sit under itself.")})

    @property
    def label(self):
        """The region with the regions above it: 江南省／明湖市／生物城新区 (one query, or none if labelled)."""
        return region_labels([self])[self.pk]

    def subtree(self):
        return Region.objects.filter(path__startswith=self.path)

    @classmethod
    def scope(cls, user, action):
        """Reference data: read by everyone, narrowed to the user's subtree when it has a region (what it may
        choose on a form, a filter, the API); kept by admins."""
        if action != "view":
            return NOTHING
        return None if user.region_id is None else Q(path__startswith=user.region.path)


def region_labels(regions):
    """{region id: 江南省／明湖市／生物城新区} for regions, naming their ancestors with one query."""
    regions = list(regions)
    codes = {c for r in regions for c in r.path.split(PATH_SEPARATOR) if c}
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    return {r.pk: "／".join(names.get(c, c) for c in r.path.split(PATH_SEPARATOR) if c) for r in regions}


def region_names(regions):
    """{name: region} to look a region up as a workbook writes it: by its path (江南省／明湖市／东岸区), its code,
    or its name alone where no other region of regions has that name."""
    regions = list(regions)
    labels = region_labels(regions)
    names = {}
    for r in regions:
        names[r.name] = None if r.name in names else r
    found = {name: r for name, r in names.items() if r is not None}
    return found | {r.code: r for r in regions} | {labels[r.pk]: r for r in regions}


def region_q(user, prefix="region"):
    """Q over a model reaching a Region through prefix ("district", "chain__region" …) of the rows in user's
    region subtree; None when user is not narrowed by region: no region (the whole platform: superusers, admins,
    a one-city install), or a role that is not staff (an enterprise or a partner is scoped by its organisation).
    A row with no region is the platform's, outside every subtree."""
    if user.region_id is None or user.is_superuser or user.role not in STAFF_ROLES or user.role == Role.ADMIN:
        return None
    return Q(**{f"{prefix}__path__startswith": user.region.path})


def below_region_q(user, prefix="region"):
    """Q over a model reaching a Region through prefix of the rows in the regions strictly below user's own (its
    subtree without the region itself): what a chain office oversees — reads, never changes — besides the
    chains it staffs (chains.chain_scope, demands.demand_scope); prefix "" over Region itself. None when user
    oversees nothing more: not a chain office, or of no region (a one-city install: its chains are all it has)."""
    if user.role != Role.OFFICE or user.is_superuser or user.region_id is None:
        return None
    path, region = (f"{prefix}__path", prefix) if prefix else ("path", "pk")  # "": over Region itself
    return Q(**{f"{path}__startswith": user.region.path}) & ~Q(**{region: user.region_id})


def oversees(user):
    """Whether user sees more than it acts on (below_region_q): its view and change scopes then differ."""
    return below_region_q(user) is not None


def seeing_region(region):
    """Q over User of those whose region subtree holds region — its own region or one above it — or who have none:
    whom a record of that region may be shown or notified to (the converse of region_q)."""
    if region is None:
        return Q(region__isnull=True)
    codes = [c for c in region.path.split(PATH_SEPARATOR) if c]
    above = ["".join(f"{c}{PATH_SEPARATOR}" for c in codes[:i]) for i in range(1, len(codes) + 1)]
    return Q(region__isnull=True) | Q(region__path__in=above)


def check_region_given(user, region, field):
    """Refuse a record of no region from a region-scoped user: once saved it would be outside their sight
    (the forms require the field: core.forms.region_field)."""
    if region is None and region_q(user, "region") is not None:
        raise ValidationError({field: gettext("Choose the region: a record of no region is outside yours.")})


def in_region(q, user, prefix="region"):
    """A scope q (a Q, None for every row, NOTHING) narrowed to user's region subtree (region_q): the one place
    where every scope() meets the region."""
    region = region_q(user, prefix)
    if region is None or q == NOTHING:
        return q
    return region if q is None else q & region


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
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT, related_name="users",
        help_text=_("Staff see the records of this region and the regions below it; empty: the whole platform."),
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self):
        """The person's name; the username only for an account that keeps no name."""
        return self.get_full_name() or self.username

    @property
    def label(self):
        """The person as a choice or a report names them: the name with the unit when known
        (周敏（明湖市大健康产业链办公室）)."""
        if self.organization_id is None:
            return str(self)
        return gettext("%(name)s (%(unit)s)") % {"name": self, "unit": self.organization.name}

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


def can_create(model, user) -> bool:
    """Whether user may add a record of model: those who may change some rows, unless the model narrows it
    with a `may_create(user)` classmethod (an organisation is added by an admin or a chain office, not by a
    specialist who may only change the enterprises it serves)."""
    if not can_change_any(model, user):
        return False
    may_create = getattr(model, "may_create", None)
    return user.is_admin_role or may_create is None or may_create(user)


IDEMPOTENCY_KEY_MAX_LENGTH = 255


class IdempotencyKey(models.Model):
    """The answer given to an API create sent with an Idempotency-Key header, replayed if the same request
    comes again with it within settings.IDEMPOTENCY_KEY_HOURS (after that the key is new again)."""

    user = models.ForeignKey("core.User", on_delete=models.CASCADE, related_name="+")
    # The whole key: a longer one is refused (400), never cut, so two keys never collide.
    key = models.CharField(max_length=IDEMPOTENCY_KEY_MAX_LENGTH)
    scope = models.CharField(max_length=200, help_text=_("The endpoint the key was used on."))
    fingerprint = models.CharField(
        max_length=64, blank=True,
        help_text=_("SHA-256 of the request's method, path and body: the key may only come again with the same."))
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
        # The sweep deletes expired keys by age.
        indexes = [models.Index(fields=["created"], name="idempotency_key_created")]

    def __str__(self):
        return self.key


class CalendarYear(models.Model):
    """A year whose holidays and 调休 days are in the calendar (from chinese-calendar or entered by an admin)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=40, default="chinese-calendar")

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self):
        return str(self.year)


class CalendarDay(models.Model):
    """A day that differs from Monday–Friday: a holiday on a weekday or a 调休 working weekend day."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.name}"


class Notification(models.Model):
    """An in-app message — 站内消息; key makes one event notify each user at most once."""

    user = models.ForeignKey("core.User", on_delete=models.CASCADE, related_name="notifications")
    key = models.CharField(max_length=120, help_text=_("The event this notification is for."))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_event")]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]

    def __str__(self):
        return self.title


class ApiToken(models.Model):
    """An API key — 接口令牌: `Authorization: Token PREFIX.SECRET`. Only the secret's SHA-256 is stored, so a
    database, a backup or an admin page never shows a key that works; the key is shown once, when made."""

    user = models.ForeignKey(
        "core.User", verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, help_text=_("Finds the token; not secret."))
    digest = models.CharField(_("SHA-256 of the secret"), max_length=64)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    expires = models.DateTimeField(_("expires"))
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created", "-pk"]

    def __str__(self):
        return f"{self.user} {self.prefix}"


class AuditEntry(models.Model):
    """One line of the audit trail — 审计日志: a login (or a failed one) or an export of records.

    Written once and never changed; the admin shows it read-only."""

    class Action(models.TextChoices):
        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Login failed")
        EXPORT = "export", _("Exported")
        PASSWORD_RESET = "password_reset", _("Password reset asked")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        "core.User", verbose_name=_("user"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(
        _("user name"), max_length=150, blank=True, help_text=_("As typed at login; kept when the user is deleted.")
    )
    action = models.CharField(_("what"), max_length=20, choices=Action.choices)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["action", "at"], name="audit_action_at_idx")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()}"


class ImportRun(TimeStampedModel):
    """One workbook uploaded on an import page — 导入: checked, shown, confirmed, written (core.importing).

    The workbook waits in MEDIA_ROOT/imports/ between the preview and the confirmation; a large one is checked
    and written by a task, and the run's page shows how far it is."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking the rows")
        CHECKED = "checked", _("Every row is good")
        REFUSED = "refused", pgettext_lazy("import", "Refused")
        IMPORTING = "importing", pgettext_lazy("import", "Importing the rows")
        DONE = "done", pgettext_lazy("import", "Imported")

    token = models.CharField(max_length=32, unique=True)
    user = models.ForeignKey("core.User", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40, help_text=_("The importer's kind (core.importing.Importer.kind)."))
    module = models.CharField(max_length=200, help_text=_("The module that declares the importer."))
    options = models.JSONField(default=dict, blank=True)
    page = models.CharField(max_length=300, help_text=_("The import page the workbook was uploaded on."))
    language = models.CharField(max_length=10)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CHECKING)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("workbook import")
        verbose_name_plural = _("workbook imports")
        ordering = ["-created", "-pk"]

    def __str__(self):
        return f"{self.kind} {self.token}"


class OutboxTask(models.Model):
    """A background task to enqueue, written in the transaction of the change that asks for it — 待发任务
    (core.tasks.enqueue_after_commit): it commits or rolls back with the change, and is handed to the task
    backend once the change is committed, then deleted."""

    task_path = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list)
    created = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("task to enqueue")
        verbose_name_plural = _("tasks to enqueue")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.task_path}{tuple(self.args)}"
