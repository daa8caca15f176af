"""Account transitions. Views, admin actions, commands and other apps all go through these.

Other apps need mostly two things: `assert_can_submit(user)` before accepting content, and
the sanction services for moderators' decisions.
"""

from accounts.services.gate import (
    GateBlock,
    GateReason,
    GateResult,
    SubmissionNotAllowed,
    assert_can_submit,
    submission_gate,
)
from accounts.services.identity import (
    RateLimited,
    VerificationError,
    identity_document_submit,
    identity_documents_purge,
    identity_national_complete,
    identity_national_start,
    identity_verification_approve,
    identity_verification_reject,
    identity_verify_id_card,
    identity_verify_uscc,
    validate_identity_image,
)
from accounts.services.language import is_offered_language, user_set_language
from accounts.services.phone import phone_verification_confirm, phone_verification_start
from accounts.services.roles import RoleChangeRefused, user_set_role
from accounts.services.sanctions import (
    SanctionError,
    sanction_acknowledge,
    sanction_impose,
    sanction_lift,
    sanction_report_to_authority,
)
from accounts.services.terms import terms_accept
from accounts.services.users import user_sign_up

__all__ = [
    "GateBlock",
    "GateReason",
    "GateResult",
    "RateLimited",
    "RoleChangeRefused",
    "SanctionError",
    "SubmissionNotAllowed",
    "VerificationError",
    "assert_can_submit",
    "identity_document_submit",
    "identity_documents_purge",
    "identity_national_complete",
    "identity_national_start",
    "identity_verification_approve",
    "identity_verification_reject",
    "identity_verify_id_card",
    "identity_verify_uscc",
    "is_offered_language",
    "phone_verification_confirm",
    "phone_verification_start",
    "sanction_acknowledge",
    "sanction_impose",
    "sanction_lift",
    "sanction_report_to_authority",
    "submission_gate",
    "terms_accept",
    "user_set_language",
    "user_set_role",
    "user_sign_up",
    "validate_identity_image",
]
