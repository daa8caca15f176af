"""Consent: the public pages a depicted person reaches by a signed link, and the contributor's
actions on a submission."""

from tests.authorization.matrix import Case, case

# anonymous alice bob mod senior admin
POST_ONLY = "302 405 405 405 405 405"
BAD_LINK = "400 400 400 400 400 400"  # a link whose signature does not verify


def on_draft(suffix: str, get: str, post: str | None = None) -> list[Case]:
    return case(lambda w: f"/submissions/{w.item('draft')}/consent/{suffix}", get, post)


RULES = {
    "consent_done": case("/consent/done/", "200 200 200 200 200 200"),
    "consent_page": case("/consent/x/", BAD_LINK),
    "consent_grant": case("/consent/x/grant/", "405 405 405 405 405 405"),
    "consent_refuse": case("/consent/x/refuse/", "405 405 405 405 405 405"),
    "consent_media": case("/consent/x/media/1/", "-  - - - - -"),
    "consent_withdraw": case("/consent/withdraw/x/", BAD_LINK),
    "consent_withdraw_submit": case("/consent/withdraw/x/confirm/", "405 405 405 405 405 405"),
    "consent_release_file": on_draft("releases/999999/", "302 404 404 404 404 404"),
    "consent_release_approve": on_draft("releases/999999/approve/", POST_ONLY, "302 - 404 404 404 404"),
    "consent_release_refuse": on_draft("releases/999999/refuse/", POST_ONLY, "302 - 404 404 404 404"),
    "consent_send": on_draft("persons/x/send/", POST_ONLY, "302 - 404 404 404 404"),
    "consent_remind": on_draft("persons/x/remind/", POST_ONLY, "302 - 404 404 404 404"),
    "consent_resend": on_draft("persons/x/resend/", POST_ONLY, "302 - 404 404 404 404"),
    "consent_release_upload": on_draft("persons/x/release/", POST_ONLY, "302 - 404 404 404 404"),
    "consent_self": on_draft("persons/x/self/", POST_ONLY, "302 - 404 404 404 404"),
}
