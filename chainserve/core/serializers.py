"""Strict request bodies, one mechanism for every serializer of the API.

A field the serializer does not know, or one it would not write, is a 400 naming that field — never dropped without
a word (an integrator sending `"status": "held"` to a meeting used to get 201 and a meeting still scheduled).

- Unknown field: ``{"minuts": ["Unknown field."]}``.
- Read-only field: ``{"status": ["This field cannot be set here."]}`` — unless, on an update, it carries the value the
  record already has, so a client may send back what it read (GET, change one field, PUT).

Every serializer of the project derives from ``StrictSerializer`` or ``StrictModelSerializer``;
``tests/test_strict_api.py`` checks both that and each write operation of the schema.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.fields import SkipField

UNKNOWN_FIELD = _("Unknown field.")
READ_ONLY_FIELD = _("This field cannot be set here.")
# Sent by the browsable API's forms along with the body; not a field of any record.
FORM_KEYS = frozenset({"csrfmiddlewaretoken"})


class StrictMixin:
    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            errors = {name: [self._refusal(name, data[name])] for name in data.keys()
                      if name not in FORM_KEYS and self._refusal(name, data[name])}
            if errors:
                raise serializers.ValidationError(dict(sorted(errors.items())))
        return super().to_internal_value(data)

    def _refusal(self, name, value):
        field = self.fields.get(name)
        if field is None:
            return UNKNOWN_FIELD
        if field.read_only and not self._unchanged(field, value):
            return READ_ONLY_FIELD
        return None

    def _unchanged(self, field, value):
        """True when an update sends back the value the record shows for this field."""
        instance = getattr(self, "instance", None)
        if instance is None or isinstance(instance, (list, tuple)) or hasattr(instance, "model"):
            return False
        try:
            current = field.to_representation(field.get_attribute(instance))
        except (AttributeError, KeyError, SkipField):
            return False
        return current == value or str(current) == str(value)


class StrictSerializer(StrictMixin, serializers.Serializer):
    """A request body serializer that refuses fields it does not take."""


class StrictModelSerializer(StrictMixin, serializers.ModelSerializer):
    """A model serializer that refuses fields it does not take or cannot change."""
