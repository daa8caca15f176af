"""The signed links that open a complaint without logging in: the notifier's (in the decision on
their notice) and the account holder's (in the statement of a sanction: a suspended or closed
account cannot log in). The signature proves we made the link; the service decides whether it
may still be used (the six-month window, one open complaint per person)."""

from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "complaints.link"


class ComplaintLinkError(Exception):
    """A broken or forged link (HTTP 400)."""


def notice_token(notice: Any) -> str:
    return signing.dumps({"n": notice.pk}, salt=SALT)


def sanction_token(sanction: Any) -> str:
    return signing.dumps({"s": sanction.pk}, salt=SALT)


def read_token(token: str) -> tuple[str, int]:
    """("notice", pk) or ("sanction", pk); ComplaintLinkError otherwise."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature as exc:
        raise ComplaintLinkError from exc
    if isinstance(data, dict):
        for key, kind in (("n", "notice"), ("s", "sanction")):
            if isinstance(data.get(key), int):
                return kind, data[key]
    raise ComplaintLinkError


def _absolute(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("complaint_by_link", args=[token])


def notice_complaint_url(notice: Any) -> str:
    return _absolute(notice_token(notice))


def sanction_complaint_url(sanction: Any) -> str:
    return _absolute(sanction_token(sanction))
