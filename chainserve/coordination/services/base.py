"""What the coordination services share: the refusal, the scope check, the author of a change, cancelling."""


from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from chainserve.core.money import FEN_PER_WAN
from chainserve.core.services import notify, required_text


class CoordinationError(Exception):
    """A step the record's state does not allow; the message says why."""

def _may_change(user, model, pk):
    if not model.objects.restrict(user, "change").filter(pk=pk).exists():
        raise PermissionDenied(_("You may not change this record."))


def _with_author(obj, user):
    obj._history_user = user
    return obj


def wan_to_fen(value):
    """An amount typed in 万元 (a Decimal) as integer fen; refuses more precision than one fen."""
    if value is None:
        return None
    fen = value * FEN_PER_WAN
    if fen != fen.to_integral_value():
        raise ValidationError({"amount": _("Give the amount to the fen at most.")})
    return int(fen)


def _cancel(model, obj, user, reason, open_status, refusal):
    _may_change(user, model, obj.pk)
    reason = required_text(reason, "reason", _("Give the reason for cancelling."))
    with transaction.atomic():
        row = model.objects.select_for_update().get(pk=obj.pk)
        if row.status != open_status:
            raise CoordinationError(refusal)
        row.status, row.cancel_reason = "cancelled", reason
        _with_author(row, user).save()
    return row


def _notify_cancelled(row, users):
    # Stored messages are written in the platform's language, whoever's request (or command) led to them.
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Cancelled: %(t)s") % {"t": row}
    notify(list(users), f"cancelled:{row._meta.model_name}:{row.pk}", title, row.cancel_reason,
           row.get_absolute_url())
