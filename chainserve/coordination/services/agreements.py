"""Agreements — 签约: recorded by the office, or by a partner for the ones it signs (then confirmed by the office)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chainserve.core.choices import Role
from chainserve.core.models import User
from chainserve.core.profiles import profile_changed
from chainserve.core.services import notify, save_record

from ..choices import AgreementStatus
from ..models import Agreement
from .base import CoordinationError, _may_change, _with_author


def record_agreement(user, agreement):
    """Create or update an agreement as user. A partner records only the agreements its own institution signs;
    each of them waits for the chain office's confirmation before it counts in any figure."""
    partner = user.role == Role.PARTNER
    if partner:
        if agreement.institution_id not in (None, user.organization_id):
            raise ValidationError({"institution": _("A partner records only the agreements it signs itself.")})
        agreement.institution_id = user.organization_id
        agreement.status, agreement.confirmed_by, agreement.confirmed_at = AgreementStatus.PENDING, None, None
    created = agreement.pk is None
    with transaction.atomic():
        save_record(user, agreement)
        if partner and created:
            _tell(agreement.chain.staff.all(), f"agreement-pending:{agreement.pk}",
                  gettext_lazy("An agreement to confirm: %(t)s"), agreement)
    return agreement


def confirm_agreement(agreement, user):
    """The chain office confirms an agreement a partner recorded; from now on it counts in the figures."""
    if user.role == Role.PARTNER:
        raise PermissionDenied(_("The chain office confirms agreements."))
    _may_change(user, Agreement, agreement.pk)
    with transaction.atomic():
        row = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if row.status != AgreementStatus.PENDING:
            raise CoordinationError(_("This agreement is already confirmed."))
        row.status, row.confirmed_by, row.confirmed_at = AgreementStatus.CONFIRMED, user, timezone.now()
        _with_author(row, user).save()
        profile_changed(row)  # a rule may read an agreement's status
        _tell(User.objects.filter(organization_id=row.institution_id, role=Role.PARTNER),
              f"agreement-confirmed:{row.pk}", gettext_lazy("Agreement confirmed: %(t)s"), row)
    return row


def _tell(users, key, title, agreement):
    # Stored messages are written in the platform's language, whoever's request led to them.
    with translation.override(settings.LANGUAGE_CODE):
        text = str(title % {"t": agreement})
        body = _("%(institution)s and %(enterprise)s, signed on %(date)s") % {
            "institution": agreement.institution, "enterprise": agreement.enterprise,
            "date": agreement.signed_on.isoformat()}
    notify(list(users), key, text, body, agreement.get_absolute_url())
