"""Notices (the public report form, the policy page, the notices queue) and complaints."""

from tests.authorization.matrix import case
from tests.authorization.world import MISSING

# anonymous alice bob mod senior admin
PUBLIC = "200 200 200 200 200 200"
REVIEWERS = "302 403 403 200 200 200"
SENIORS = "302 403 403 403 200 200"
POST_ONLY = "302 405 405 405 405 405"

RULES = {
    "notice_form": case("/report/", PUBLIC),
    "notice_received": case("/report/received/", PUBLIC),
    "moderation_policy": case("/policy/", PUBLIC),
    "notice_queue": case("/notices/", REVIEWERS),
    "notice_claim_next": case("/notices/claim-next/", POST_ONLY, "302 403 403 - - -"),
    "notice_case": case(f"/notices/cases/{MISSING}/", "302 404 404 404 404 404"),
    "notice_case_claim": case(f"/notices/cases/{MISSING}/claim/", POST_ONLY, "302 404 404 404 404 404"),
    "notice_case_release": case(f"/notices/cases/{MISSING}/release/", POST_ONLY, "302 404 404 404 404 404"),
    "notice_case_decide": case(f"/notices/cases/{MISSING}/decide/", POST_ONLY, "302 404 404 404 404 404"),
    "complaint_new": case(
        lambda w: f"/complaints/decisions/{w.decisions['rejected'].pk}/", "302 200 404 403 403 403"
    ),
    "complaint_by_link": case("/complaints/link/x/", "400 400 400 400 400 400"),
    "complaint_queue": case("/complaints/", SENIORS),
    "complaint_claim_next": case("/complaints/claim-next/", POST_ONLY, "302 403 403 403 - -"),
    "complaint_detail": case(f"/complaints/{MISSING}/", "302 404 404 404 404 404"),
    "complaint_claim": case(f"/complaints/{MISSING}/claim/", POST_ONLY, "302 404 404 404 404 404"),
    "complaint_release": case(f"/complaints/{MISSING}/release/", POST_ONLY, "302 404 404 404 404 404"),
    "complaint_decide": case(f"/complaints/{MISSING}/decide/", POST_ONLY, "302 404 404 404 404 404"),
}
