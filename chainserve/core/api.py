"""API plumbing shared by every app: error shape, scoped viewsets, creates through save_record, Idempotency-Key."""

import hashlib
import json

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView
from rest_framework import permissions, status, viewsets
from rest_framework.exceptions import APIException, ParseError, PermissionDenied, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from .audit import record_export
from .models import IDEMPOTENCY_KEY_MAX_LENGTH, IdempotencyKey, can_change_any, can_create
from .serializers import StrictModelSerializer
from .services import RecordInUse, delete_record, expired_idempotency_keys, save_record


def drf_detail(exc):
    """A Django ValidationError as DRF's {"field": ["message"]}; "__all__" becomes non_field_errors."""
    if not hasattr(exc, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
    return {api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name: messages
            for name, messages in exc.message_dict.items()}


NUMBER_TOO_LARGE = _("A number in the request is too large.")


def exception_handler(exc, context):
    """Answer a model's ValidationError as 400 {"field": ["message"]}, like a serializer's; a number too
    large for the database (SQLite raises OverflowError for a filter value past 64 bits) is a 400 too."""
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(drf_detail(exc))
    elif isinstance(exc, OverflowError):
        exc = ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [NUMBER_TOO_LARGE]})
    return drf_exception_handler(exc, context)



class RecordInUseConflict(APIException):
    """409 {"detail": "…"}: a delete refused while other records use the record (core.services.RecordInUse)."""

    status_code = 409
    default_code = "record_in_use"


class AuditedListMixin:
    """A list endpoint is the API's export: each answer is audited (core.audit.record_export) with the rows
    it carries and the filter, as a page's ?export=xlsx is."""

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        if response.status_code == 200:
            data = response.data
            rows = data.get("results", ()) if isinstance(data, dict) else data
            record_export(request, self.get_queryset().model._meta.label, len(rows), request.query_params)
        return response


class ScopedPermission(permissions.BasePermission):
    """Reads are scoped by the queryset (what the user may not see is 404); writes need 'change'."""

    def has_permission(self, request, view):
        if request.method == "POST" and getattr(view, "action", None) == "create":
            return can_create(view.model, request.user)
        return request.method in permissions.SAFE_METHODS or can_change_any(view.model, request.user)

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        return view.model.objects.restrict(request.user, "change").filter(pk=obj.pk).exists()


class ScopedViewSet(AuditedListMixin, viewsets.ModelViewSet):
    """A model viewset whose queryset is always restricted to the requesting user."""

    model = None
    select_related = ()
    prefetch_related = ()
    permission_classes = [permissions.IsAuthenticated, ScopedPermission]

    def get_queryset(self):
        qs = self.model.objects.restrict(self.request.user, "view")
        return qs.select_related(*self.select_related).prefetch_related(*self.prefetch_related)

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        fields = getattr(serializer, "fields", {})
        # A write may only point at records the user can see.
        for field in fields.values():
            # `is None`, never `or`: a queryset's truth value would load every row of the table.
            queryset = getattr(field, "queryset", None)
            if queryset is None:
                queryset = getattr(getattr(field, "child_relation", None), "queryset", None)
            if queryset is not None and hasattr(queryset, "restrict"):
                target = field.child_relation if hasattr(field, "child_relation") else field
                target.queryset = queryset.restrict(self.request.user, "view")
        return serializer

    def create(self, request, *args, **kwargs):
        return idempotent_create(request, lambda: super(ScopedViewSet, self).create(request, *args, **kwargs))

    def perform_destroy(self, instance):
        try:
            delete_record(self.request.user, instance)
        except DjangoPermissionDenied:
            raise PermissionDenied from None
        except RecordInUse as e:
            raise RecordInUseConflict(str(e)) from None


class ScopedSerializer(StrictModelSerializer):
    """Validates with the model's clean() (the API refuses what the forms refuse, field by field)
    and saves through save_record, so a write outside the user's scope is refused and rolled back."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        instance = model() if self.instance is None else model.objects.get(pk=self.instance.pk)
        for key, value in attrs.items():
            field = model._meta.get_field(key)
            if not field.many_to_many:
                setattr(instance, key, value)
        try:
            instance.clean()
            # The model's check constraints too, so a broken rule is a 400 with its sentence, not a 500.
            instance.validate_constraints()
        except DjangoValidationError as e:
            raise ValidationError(drf_detail(e)) from None
        return attrs

    def _write(self, instance, validated_data):
        m2m = {}
        for key, value in validated_data.items():
            if instance._meta.get_field(key).many_to_many:
                m2m[key] = value
            else:
                setattr(instance, key, value)

        def save_related():
            for key, value in m2m.items():
                getattr(instance, key).set(value)

        try:
            return save_record(self.context["request"].user, instance, save_related)
        except DjangoPermissionDenied:
            raise PermissionDenied from None

    def create(self, validated_data):
        return self._write(self.Meta.model(), validated_data)

    def update(self, instance, validated_data):
        return self._write(instance, validated_data)


IDEMPOTENCY_KEY_TOO_LONG = _("The Idempotency-Key header is longer than %(limit)d characters.")
IDEMPOTENCY_KEY_REUSED = _("This Idempotency-Key was already used for a different request (another body, "
                           "method or address). Send a new key with a new request.")


class _NotStored(Exception):
    def __init__(self, response):
        self.response = response


def _file_digest(value):
    """An uploaded file in a request's fingerprint: its name, size and content's SHA-256."""
    if not hasattr(value, "chunks"):
        return str(value)
    digest = hashlib.sha256()
    for chunk in value.chunks():
        digest.update(chunk)
    value.seek(0)
    return {"name": value.name, "size": value.size, "sha256": digest.hexdigest()}


def request_fingerprint(request):
    """SHA-256 of what makes a request this request: method, path and body. The body as parsed, so the
    same JSON with other spacing or its keys in another order is the same request; a file by its content."""
    data = request.data
    if hasattr(data, "lists"):  # a form or multipart body: a QueryDict, a list of values per name
        data = dict(data.lists())
    body = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_file_digest)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def idempotent_create(request, produce):
    """Answer a create: produce() once per Idempotency-Key header (IETF draft "The Idempotency-Key HTTP
    Header Field"), every time without one. A key longer than the column is a 400, never cut (two keys
    would collide); a key that comes again with another request is a 422, nothing created."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return produce()
    if len(key) > IDEMPOTENCY_KEY_MAX_LENGTH:
        raise ParseError(IDEMPOTENCY_KEY_TOO_LONG % {"limit": IDEMPOTENCY_KEY_MAX_LENGTH})
    return idempotent(request.user, key, request.path, produce, fingerprint=request_fingerprint(request))


def _claim(user, key, scope, fingerprint=""):
    """Insert the key's record, or find it there: one statement (INSERT … ON CONFLICT DO NOTHING RETURNING).
    The id if this request claimed the key; None if another did — an unfinished claim makes the INSERT wait
    until that request commits (its answer is then there) or rolls back (the key is then ours). An expired
    record of the key is deleted first, so the key is new again."""
    expired_idempotency_keys().filter(user=user, key=key, scope=scope).delete()
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {q(IdempotencyKey._meta.db_table)} "  # nosec B608  # names from the model's meta, values as parameters
            f"({q('user_id')}, {q('key')}, {q('scope')}, {q('fingerprint')}, {q('created')}) "
            f"VALUES (%s, %s, %s, %s, %s) ON CONFLICT ({q('user_id')}, {q('key')}, {q('scope')}) DO NOTHING RETURNING {q('id')}",
            [user.pk, key, scope, fingerprint, connection.ops.adapt_datetimefield_value(timezone.now())])
        row = cursor.fetchone()
    return row[0] if row else None


def idempotent(user, key, scope, produce, fingerprint=""):
    """Run produce() once per (user, key, scope); a repeat with the same fingerprint gets the first answer
    again, a repeat with another a 422; a concurrent repeat waits for the first to commit. A failed create
    keeps no key, so it can be retried."""
    try:
        with transaction.atomic():
            claimed = _claim(user, key, scope, fingerprint)
            if claimed is None:
                record = IdempotencyKey.objects.get(user=user, key=key, scope=scope)
                # A record kept from before fingerprints were stored ("") replays as it did then.
                if record.fingerprint and record.fingerprint != fingerprint:
                    return Response({"detail": str(IDEMPOTENCY_KEY_REUSED)},
                                    status=status.HTTP_422_UNPROCESSABLE_ENTITY)
                return Response(record.body, status=record.status, headers={"Idempotent-Replayed": "true"})
            response = produce()
            if response.status_code >= 300:
                raise _NotStored(response)
            IdempotencyKey.objects.filter(pk=claimed).update(
                status=response.status_code, body=json.loads(JSONRenderer().render(response.data)))
            return response
    except _NotStored as e:
        return e.response


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, generated once per process, language and version and then served from memory.

    Generating it walks every serializer of the API: about five seconds on an idle server, three times that beside
    other work, for a document that changes only with the code (it is the same for every user: SERVE_PUBLIC). The
    docs page (Swagger UI) asks for it on every visit."""

    _generated = {}

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (get_language(), version)
        if key not in self._generated:
            generator = self.generator_class(urlconf=self.urlconf, api_version=version, patterns=self.patterns)
            self._generated[key] = generator.get_schema(request=request, public=self.serve_public)
        return Response(data=self._generated[key],
                        headers={"Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'})
