"""Consent services: every change to consent goes through one of these, views and demo alike.

Each is typed, keyword-only and atomic; each audits what it did and re-runs the consent check
when a submission on its way to a decision is affected.
"""

from consent.access import ConsentActionError
from consent.services.documents import (
    release_document_approve,
    release_document_refuse,
    release_document_upload,
    release_document_view,
)
from consent.services.records import consent_self_confirm, consent_withdraw
from consent.services.requests import (
    consent_grant,
    consent_refuse,
    consent_request_remind,
    consent_request_resend,
    consent_request_send,
    consent_request_view,
)

__all__ = [
    "ConsentActionError",
    "consent_grant",
    "consent_refuse",
    "consent_request_remind",
    "consent_request_resend",
    "consent_request_send",
    "consent_request_view",
    "consent_self_confirm",
    "consent_withdraw",
    "release_document_approve",
    "release_document_refuse",
    "release_document_upload",
    "release_document_view",
]
