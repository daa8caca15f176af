"""Identity numbers: validation, normalisation, keyed hashing and masking.

Pure functions, no database. Forms call them to show field errors; services call them again
because they are the authority. Each `normalize_*` returns the canonical form or raises
ValidationError with a translatable message.

Input is forgiving about presentation and strict about content: spaces and hyphens are
dropped and letters upper-cased (people type a lowercase "x" at the end of their ID number),
then the canonical form must pass every check.
"""

import datetime
import hashlib
import hmac
import re

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# --- Mobile phone numbers (E.164) --------------------------------------------------------------

E164_RE = re.compile(r"^\+[1-9]\d{6,14}$")
# Mainland China: SMS only reaches mobile numbers, which are 11 digits starting 13-19.
CN_MOBILE_RE = re.compile(r"^\+861[3-9]\d{9}$")


def normalize_e164(raw: str) -> str:
    number = re.sub(r"[\s\-().]", "", raw or "")
    if number.startswith("00"):
        number = "+" + number[2:]
    if not E164_RE.match(number):
        raise ValidationError(
            _("Enter the number in international format, starting with + and the country code."),
            code="e164",
        )
    if number.startswith("+86") and not CN_MOBILE_RE.match(number):
        raise ValidationError(_("This is not a mainland China mobile number."), code="cn_mobile")
    return number


# --- Resident identity card numbers (GB 11643) -------------------------------------------------

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_MAP = "10X98765432"
# First two digits: province-level divisions, plus 81/82/83 for the Hong Kong, Macao and
# Taiwan residence permits that share the format.
ID_PROVINCES = frozenset(
    {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37"}
    | {"41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64"}
    | {"65", "71", "81", "82", "83"}
)
ID_RE = re.compile(r"^\d{17}[\dX]$")


def id_check_digit(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_MAP[total % 11]


def normalize_resident_id(raw: str, *, today: datetime.date | None = None) -> str:
    number = re.sub(r"[\s\-]", "", raw or "").upper()
    if len(number) != 18:
        raise ValidationError(_("A resident ID number has 18 characters."), code="length")
    if not ID_RE.match(number):
        raise ValidationError(
            _("A resident ID number is 17 digits followed by a digit or X."), code="characters"
        )
    if number[:2] not in ID_PROVINCES or number[2:6] == "0000":
        raise ValidationError(
            _("The region code at the start of this ID number is not valid."), code="region"
        )
    try:
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("The birth date in this ID number does not exist."), code="birth_date"
        ) from None
    today = today or timezone.localdate()
    if born > today or born.year < 1900:
        raise ValidationError(_("The birth date in this ID number is not possible."), code="birth_date")
    if id_check_digit(number[:17]) != number[17]:
        raise ValidationError(_("The check character of this ID number is wrong."), code="check")
    return number


# --- Unified Social Credit Codes (GB 32100) ----------------------------------------------------

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_RE = re.compile(rf"^[{USCC_ALPHABET}]{{2}}\d{{6}}[{USCC_ALPHABET}]{{10}}$")


def uscc_check_character(first17: str) -> str:
    total = sum(
        USCC_ALPHABET.index(char) * weight for char, weight in zip(first17, USCC_WEIGHTS, strict=True)
    )
    return USCC_ALPHABET[(31 - total % 31) % 31]


def normalize_uscc(raw: str) -> str:
    code = re.sub(r"[\s\-]", "", raw or "").upper()
    if len(code) != 18:
        raise ValidationError(_("A Unified Social Credit Code has 18 characters."), code="length")
    if not USCC_RE.match(code):
        # I, O, S, V and Z are not used, so they cannot be confused with 1, 0, 5, U and 2.
        raise ValidationError(
            _("This code contains characters a Unified Social Credit Code never uses."), code="characters"
        )
    if uscc_check_character(code[:17]) != code[17]:
        raise ValidationError(_("The check character of this code is wrong."), code="check")
    return code


# --- Storing without storing -------------------------------------------------------------------


def hmac_key() -> bytes:
    key = settings.IDENTITY_HMAC_KEY
    if not key:
        raise ImproperlyConfigured("IDENTITY_HMAC_KEY must be set when DEBUG is off.")
    return key.encode()


def identifier_hash(method: str, value: str) -> str:
    """Keyed hash of a normalised identifier: equal numbers match, the number cannot be recovered.

    A plain hash of an 18-digit ID number (or worse, a phone number) is reversed by brute
    force in minutes; without the key it cannot be.
    """
    return hmac.new(hmac_key(), f"{method}:{value}".encode(), hashlib.sha256).hexdigest()


def code_hash(salt: object, code: str) -> str:
    return hmac.new(hmac_key(), f"otp:{salt}:{code}".encode(), hashlib.sha256).hexdigest()


def mask(method: str, last4: str) -> str:
    """What screens show: the last four characters. Phone numbers hide their length too."""
    if not last4:
        return ""
    if method == "phone":
        return "+" + "*" * 7 + last4
    return "*" * 14 + last4
