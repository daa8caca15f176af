"""The signed links in consent messages: one to answer a request, one to withdraw a consent.

A link carries the row id and the row's random nonce, signed with SECRET_KEY under its own salt.
The signature proves we made it; the nonce, compared with the database, proves it is this row's
link; the row's state decides whether it may still be used. A broken or forged link is a 400; a
link that was real but may no longer be used (answered, resent, expired, withdrawn) is a 410.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

REQUEST_SALT = "consent.request"
WITHDRAW_SALT = "consent.withdraw"


class ConsentLinkError(Exception):
    """A consent link that cannot be used. `status` is the HTTP status to answer with."""

    INVALID = "invalid"
    USED = "used"
    SUPERSEDED = "superseded"
    EXPIRED = "expired"
    OUTDATED = "outdated"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"

    MESSAGES: dict[str, StrOrPromise] = {
        INVALID: _("This link is not valid. Check that you opened the whole link from the message."),
        USED: _("This link has already been used: your answer was recorded. A link works only once."),
        SUPERSEDED: _(
            "A newer link was sent to you for this request. Please use the link in the latest message."
        ),
        EXPIRED: _(
            "This link has expired. If you still want to answer, ask the person who contacted you to send "
            "a new one."
        ),
        OUTDATED: _(
            "The content changed after this link was sent, so it cannot be answered any more. The person "
            "who contacted you has to send a new link for the new version."
        ),
        CLOSED: _(
            "This content was withdrawn or rejected. It will not be published, so nothing is needed from you."
        ),
        WITHDRAWN: _("This consent has already been withdrawn. Nothing more is needed from you."),
    }

    def __init__(self, code: str, *, when: datetime | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.when = when

    @property
    def status(self) -> int:
        return 400 if self.code == self.INVALID else 410

    @property
    def message(self) -> StrOrPromise:
        return self.MESSAGES[self.code]


def new_nonce() -> str:
    return secrets.token_hex(16)


def make_token(salt: str, key: str, pk: int, nonce: str) -> str:
    return signing.dumps({key: pk, "n": nonce}, salt=salt)


def read_token(token: str, salt: str, key: str, *, max_age: timedelta | None = None) -> tuple[int, str]:
    """The id and nonce a link carries, or ConsentLinkError: 400 if altered, 410 if too old."""
    try:
        payload: Any = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise ConsentLinkError(ConsentLinkError.EXPIRED) from None
    except signing.BadSignature:
        raise ConsentLinkError(ConsentLinkError.INVALID) from None
    if not isinstance(payload, dict):
        raise ConsentLinkError(ConsentLinkError.INVALID)
    pk, nonce = payload.get(key), payload.get("n")
    if not isinstance(pk, int) or not isinstance(nonce, str):
        raise ConsentLinkError(ConsentLinkError.INVALID)
    return pk, nonce


def nonce_matches(stored: str, given: str) -> bool:
    return constant_time_compare(stored, given)


def request_token(request_id: int, nonce: str) -> str:
    return make_token(REQUEST_SALT, "r", request_id, nonce)


def read_request_token(token: str) -> tuple[int, str]:
    # The row's own expiry decides; the signature's age is a backstop with a day of slack.
    return read_token(token, REQUEST_SALT, "r", max_age=timedelta(days=settings.CONSENT_LINK_DAYS + 1))


def withdraw_token(record_id: int, nonce: str) -> str:
    return make_token(WITHDRAW_SALT, "w", record_id, nonce)


def read_withdraw_token(token: str) -> tuple[int, str]:
    return read_token(token, WITHDRAW_SALT, "w")
