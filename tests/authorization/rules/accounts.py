"""Accounts: login, sign-up, terms, the account page, identity verification, password pages."""

from tests.authorization.matrix import case
from tests.authorization.world import MISSING

# anonymous alice bob mod senior admin
PUBLIC = "200 200 200 200 200 200"
EVERYONE_LOGGED_IN = "302 200 200 200 200 200"
# Verifying an identity is for contributors (reviewers are vetted otherwise).
CONTRIBUTORS = "302 200 200 403 403 403"
POST_ONLY = "302 405 405 405 405 405"

RULES = {
    "login": case("/accounts/login/", "200 200 200 200 200 200"),
    "logout": case("/accounts/logout/", POST_ONLY),
    "signup": case("/accounts/signup/", "200 302 302 302 302 302"),
    "signup_create": case("/accounts/signup/create/", "405 405 405 405 405 405"),
    "terms_accept": case("/accounts/terms/", "302 302 302 302 302 302"),
    "terms_accept_submit": case("/accounts/terms/accept/", POST_ONLY),
    "account": case("/accounts/me/", EVERYONE_LOGGED_IN),
    "account_language": case("/accounts/me/language/", POST_ONLY),
    "password_change": case("/accounts/password_change/", EVERYONE_LOGGED_IN),
    "password_change_done": case("/accounts/password_change/done/", EVERYONE_LOGGED_IN),
    "password_reset": case("/accounts/password_reset/", PUBLIC),
    "password_reset_done": case("/accounts/password_reset/done/", PUBLIC),
    "password_reset_confirm": case("/accounts/reset/x/x/", PUBLIC),
    "password_reset_complete": case("/accounts/reset/done/", PUBLIC),
    "set_language": case("/i18n/setlang/", "R R R R R R"),
    # Verification is the contributor's way to submit; alice and bob are verified already.
    "verify_phone": case("/accounts/verify/phone/", CONTRIBUTORS),
    "verify_phone_send": case("/accounts/verify/phone/send/", POST_ONLY),
    "verify_phone_code": case(f"/accounts/verify/phone/{MISSING}/", "302 404 404 403 403 403"),
    "verify_phone_confirm": case(f"/accounts/verify/phone/{MISSING}/confirm/", POST_ONLY),
    "verify_id_card": case("/accounts/verify/id-card/", CONTRIBUTORS),
    "verify_id_card_submit": case("/accounts/verify/id-card/submit/", POST_ONLY),
    "verify_uscc": case("/accounts/verify/uscc/", CONTRIBUTORS),
    "verify_uscc_submit": case("/accounts/verify/uscc/submit/", POST_ONLY),
    # The national identity service is not configured in tests: 404 for contributors.
    "verify_national": case("/accounts/verify/national/", "302 404 404 403 403 403"),
    "verify_national_start": case("/accounts/verify/national/start/", POST_ONLY),
    "verify_national_callback": case("/accounts/verify/national/callback/", "302 404 404 403 403 403"),
    "verify_document": case("/accounts/verify/document/", CONTRIBUTORS),
    "verify_document_upload": case("/accounts/verify/document/upload/", POST_ONLY),
    "identity_document": case(f"/accounts/identity-documents/{MISSING}/", "302 404 404 403 403 404"),
    "warning_acknowledge": case(f"/accounts/warnings/{MISSING}/acknowledge/", POST_ONLY),
}
