"""Validation of identity codes and contact details with clear, field-level messages."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc as stdnum_uscc


def clean_uscc(value: str) -> str:
    """Return the compact 统一社会信用代码 or raise ValidationError saying what is wrong."""
    number = stdnum_uscc.compact(value or "")
    try:
        return stdnum_uscc.validate(number)
    except stdnum_errors.InvalidChecksum:
        expected = stdnum_uscc.calc_check_digit(number[:-1])
        raise ValidationError(
            _("The check character of this unified social credit code is wrong: it should be %(c)s.")
            % {"c": expected},
            code="uscc_checksum",
        ) from None
    except stdnum_errors.InvalidLength:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)d.") % {"n": len(number)},
            code="uscc_length",
        ) from None
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _("This is not a valid unified social credit code (GB 32100-2015)."), code="uscc_format"
        ) from None


# What a contact's phone is on the mainland: a mobile (11 digits, 1…) or a landline with its area code.
MAINLAND_KINDS = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE,
                  phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def clean_phone(value: str) -> str:
    """Return a phone number in E.164 form or raise ValidationError. The one check of every phone field (people,
    activity attendees; forms, the API and workbooks): a mainland number is a mobile or a landline with its
    area code (not a short service number such as 12345 or 95588); a foreign one is given with its +code."""
    value = str(value or "").strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        raise ValidationError(_("This is not a phone number."), code="phone") from None
    mainland = number.country_code == 86
    if not phonenumbers.is_valid_number(number) or (mainland and phonenumbers.number_type(number) not in MAINLAND_KINDS):
        raise ValidationError(_("Enter a mobile number of 11 digits (138 1234 5678) or a landline with its area code "
                                "(027-8765 4321)."), code="phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
