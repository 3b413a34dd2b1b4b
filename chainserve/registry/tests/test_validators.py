"""clean_uscc and clean_phone: the normal form on success, a message that says what is wrong otherwise."""

import pytest
from django.core.exceptions import ValidationError

from chainserve.registry.tests.factories import make_uscc, wrong_check_char
from chainserve.registry.validators import clean_phone, clean_uscc

VALID = make_uscc(1)  # 91420100MA00000012


def test_make_uscc_gives_the_code_used_below():
    assert VALID == "91420100MA00000012"


@pytest.mark.parametrize("given", ["91420100MA00000012", "91420100ma00000012", " 914201 00MA00000012 "])
def test_clean_uscc_returns_the_compact_upper_case_code(given):
    assert clean_uscc(given) == "91420100MA00000012"


def test_clean_uscc_names_the_right_check_character():
    # given a code whose last character is wrong
    given = wrong_check_char(VALID)
    assert given == "91420100MA00000010"

    # when / then
    with pytest.raises(ValidationError) as raised:
        clean_uscc(given)
    assert raised.value.code == "uscc_checksum"
    assert raised.value.messages == [
        "The check character of this unified social credit code is wrong: it should be 2."
    ]


@pytest.mark.parametrize(
    ("given", "length"),
    [("91420100MA0000001", 17), ("91420100MA000000121", 19), ("", 0)],
)
def test_clean_uscc_refuses_a_wrong_length(given, length):
    with pytest.raises(ValidationError) as raised:
        clean_uscc(given)
    assert raised.value.code == "uscc_length"
    assert raised.value.messages == [
        f"A unified social credit code has 18 characters; this one has {length}."
    ]


@pytest.mark.parametrize(
    "given",
    [
        "91420100MA000000I2",  # I is not in the code's alphabet
        "9142010AMA00000012",  # the first eight characters are digits
        "XXXXXXXXXXXXXXXXXX",
    ],
)
def test_clean_uscc_refuses_characters_outside_the_standard(given):
    with pytest.raises(ValidationError) as raised:
        clean_uscc(given)
    assert raised.value.code == "uscc_format"
    assert raised.value.messages == ["This is not a valid unified social credit code (GB 32100-2015)."]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("13812345678", "+8613812345678"),  # mobile
        ("138 1234 5678", "+8613812345678"),
        ("+86 138-1234-5678", "+8613812345678"),
        ("027-87654321", "+862787654321"),  # landline with its area code
        ("(010) 6552 9988", "+861065529988"),
        ("+1 202 555 0143", "+12025550143"),  # a foreign number given with its country code
        ("", ""),
        (None, ""),
    ],
)
def test_clean_phone_returns_e164(given, expected):
    assert clean_phone(given) == expected


NOT_VALID = "Enter a mobile number of 11 digits (138 1234 5678) or a landline with its area code (027-8765 4321)."


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("87654321", NOT_VALID),  # a landline without its area code
        ("1381234567", NOT_VALID),  # a mobile one digit short
        ("12345", NOT_VALID),  # the government hotline, not a contact's number
        ("95588", NOT_VALID),  # a bank's service number
        ("400-800-8888", NOT_VALID),  # a company's shared-cost hotline, not a person's phone
        ("0571-8888888", NOT_VALID),  # Hangzhou numbers have eight digits
        ("abc", "This is not a phone number."),
    ],
)
def test_clean_phone_refuses_what_is_not_a_number(given, message):
    with pytest.raises(ValidationError) as raised:
        clean_phone(given)
    assert raised.value.code == "phone"
    assert raised.value.messages == [message]
