"""Identity number rules: GB 11643 ID cards, GB 32100 credit codes, E.164 phone numbers.

Decisions the tests pin down: spaces and hyphens are ignored, a lowercase x (or lowercase
letters in a credit code) is accepted and upper-cased, and "00" is read as "+".
"""

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from accounts.identifiers import (
    USCC_ALPHABET,
    identifier_hash,
    mask,
    normalize_e164,
    normalize_resident_id,
    normalize_uscc,
)
from tests.accounts.samples import VALID_IDS, VALID_USCCS, resident_id, uscc, with_wrong_last

TODAY = datetime.date(2026, 6, 1)


def error_code(call: object, *args: object, **kwargs: object) -> str:
    with pytest.raises(ValidationError) as excinfo:
        call(*args, **kwargs)
    return str(excinfo.value.code)


@pytest.mark.parametrize("number", VALID_IDS)
def test_it_accepts_valid_resident_ids(number: str) -> None:
    assert normalize_resident_id(number, today=TODAY) == number


def test_it_normalises_a_lowercase_x_spaces_and_hyphens() -> None:
    assert normalize_resident_id(" 110105-19491231-002x ", today=TODAY) == "11010519491231002X"


@pytest.mark.parametrize(
    ("number", "code"),
    [
        (with_wrong_last("11010519491231002X", "0123456789X"), "check"),
        (with_wrong_last("440306199003071232", "0123456789X"), "check"),
        ("11010519491231002", "length"),
        ("11010519491231002X1", "length"),
        ("", "length"),
        ("1101051949123100ZX", "characters"),
        ("X10105194912310021", "characters"),
        (resident_id("11010519990230001"), "birth_date"),  # 30 February
        (resident_id("11010519990229001"), "birth_date"),  # 1999 is not a leap year
        (resident_id("11010519991301001"), "birth_date"),  # month 13
        (resident_id("11010520300101001"), "birth_date"),  # born in the future
        (resident_id("11010518800101001"), "birth_date"),  # before 1900
        (resident_id("99010519900101001"), "region"),  # no province 99
        (resident_id("00010519900101001"), "region"),
        (resident_id("11000019900101001"), "region"),  # a province with no city or county
    ],
)
def test_it_refuses_invalid_resident_ids(number: str, code: str) -> None:
    assert error_code(normalize_resident_id, number, today=TODAY) == code


def test_it_refuses_a_birth_date_of_tomorrow_but_accepts_today() -> None:
    born_today = resident_id("110105" + TODAY.strftime("%Y%m%d") + "001")
    born_tomorrow = resident_id("110105" + (TODAY + datetime.timedelta(days=1)).strftime("%Y%m%d") + "001")
    assert normalize_resident_id(born_today, today=TODAY) == born_today
    assert error_code(normalize_resident_id, born_tomorrow, today=TODAY) == "birth_date"


@pytest.mark.parametrize("code", VALID_USCCS)
def test_it_accepts_valid_credit_codes(code: str) -> None:
    assert normalize_uscc(code) == code


def test_it_upper_cases_a_credit_code() -> None:
    assert normalize_uscc("91350100m000100y43") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (with_wrong_last("91350100M000100Y43", USCC_ALPHABET), "check"),
        (with_wrong_last("91110000100000000R", USCC_ALPHABET), "check"),
        ("91350100M000100Y4", "length"),
        ("91350100M000100Y431", "length"),
        ("91350100M000100I43", "characters"),  # I is not in the alphabet
        ("91350100M000100O43", "characters"),  # nor O
        ("9135010AM000100Y43", "characters"),  # the region code is digits
        ("91350100M000100Y4Z", "characters"),
    ],
)
def test_it_refuses_invalid_credit_codes(code: str, error: str) -> None:
    assert error_code(normalize_uscc, code) == error


def test_it_maps_a_check_value_of_31_to_zero() -> None:
    # Search for a body whose weighted sum is a multiple of 31: its check character is "0".
    body = next(f"91110000{n:09d}" for n in range(10_000) if uscc(f"91110000{n:09d}").endswith("0"))
    assert normalize_uscc(body + "0") == body + "0"


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("+8613800138000", "+8613800138000"),
        ("+86 138 0013 8000", "+8613800138000"),
        ("0086-138-0013-8000", "+8613800138000"),
        ("+44 7700 900123", "+447700900123"),
        ("+1 (202) 555-0143", "+12025550143"),
    ],
)
def test_it_accepts_e164_numbers(raw: str, normalised: str) -> None:
    assert normalize_e164(raw) == normalised


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("13800138000", "e164"),  # no country code
        ("+0861380013800", "e164"),  # country codes never start with 0
        ("+86138001380001234", "e164"),  # more than 15 digits
        ("+12345", "e164"),  # too short
        ("+86 abc", "e164"),
        ("", "e164"),
        ("+861012345678", "cn_mobile"),  # a Beijing landline: cannot receive SMS
        ("+86138001380", "cn_mobile"),  # 10 digits
    ],
)
def test_it_refuses_invalid_phone_numbers(raw: str, code: str) -> None:
    assert error_code(normalize_e164, raw) == code


def test_it_masks_all_but_the_last_four() -> None:
    assert mask("id_card", "002X") == "**************002X"
    assert mask("uscc", "0Y43") == "**************0Y43"
    assert mask("phone", "8000") == "+*******8000"
    assert mask("document", "") == ""


def test_it_hashes_with_a_key_so_equal_numbers_match_and_keys_matter(settings: Any) -> None:
    first = identifier_hash("id_card", "11010519491231002X")
    assert first == identifier_hash("id_card", "11010519491231002X")
    assert first != identifier_hash("uscc", "11010519491231002X")
    assert "11010519491231002X" not in first
    settings.IDENTITY_HMAC_KEY = "another-key"
    assert identifier_hash("id_card", "11010519491231002X") != first


def test_it_refuses_to_hash_without_a_key(settings: Any) -> None:
    from django.core.exceptions import ImproperlyConfigured

    settings.IDENTITY_HMAC_KEY = ""
    with pytest.raises(ImproperlyConfigured):
        identifier_hash("id_card", "11010519491231002X")
