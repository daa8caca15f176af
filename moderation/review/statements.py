"""Statements of reasons (DSA Art. 17): what was restricted and where, the facts, whether
automated means were used, the ground, and how to seek redress. Frozen on the Decision when it
is made; the keys beside the prose follow the EU Transparency Database's vocabulary (R36, R37)."""

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from moderation.models import DecisionOutcome, Finding, PolicyReason, Queue, Region, Submission, Tier

SCOPES = {
    Region.CN: (_("Mainland China"), ["CN"]),
    Region.EU: (_("the European Union"), ["EU"]),
    Region.OTHER: (_("all regions where the publisher operates"), ["WORLD"]),
}


def _restriction(outcome: str, queue: str) -> tuple[str, str, str]:
    """(what is restricted, its duration, the Transparency Database visibility key)."""
    if outcome == DecisionOutcome.CHANGES_REQUESTED:
        return (
            _("The content is not published until the requested changes are made."),
            _("until a corrected revision is approved"),
            "DECISION_VISIBILITY_CONTENT_DISABLED",
        )
    if queue == Queue.TAKEDOWN:
        return (
            _("The content was taken down and stays unpublished."),
            _("indefinite"),
            "DECISION_VISIBILITY_CONTENT_REMOVED",
        )
    return (_("The content will not be published."), _("indefinite"), "DECISION_VISIBILITY_CONTENT_REMOVED")


def build_statement(
    *,
    submission: Submission,
    outcome: str,
    reason: PolicyReason,
    explanation: str,
    findings: list[Finding],
    queue: str,
) -> dict[str, Any]:
    restriction, duration, visibility = _restriction(outcome, queue)
    scope, scope_codes = SCOPES[Region(submission.region)]
    automated = [
        f"{finding.get_severity_display()}: {finding.message}"
        for finding in findings
        if finding.severity != "info"
    ]
    facts = explanation.strip()
    if automated:
        facts += "\n" + _("Automated checks reported:") + "\n" + "\n".join(f"- {line}" for line in automated)
    if reason.ground == PolicyReason.Ground.ILLEGAL:
        ground = _("Illegal content: %(law)s") % {"law": reason.legal_ground or reason.title}
    else:
        ground = _("Incompatible with our terms of service: %(clause)s") % {
            "clause": reason.terms_clause or reason.title
        }
    redress = _(
        "You can complain about this decision free of charge within six months by writing to %(contact)s; we "
        "answer within %(days)s days and a different moderator reviews it. You may also turn to a certified "
        "out-of-court dispute settlement body (DSA Art. 21) or to a court."
    ) % {"contact": settings.APPEALS_CONTACT, "days": settings.APPEALS_RESPONSE_DAYS}
    return {
        "restriction": restriction,
        "territorial_scope": scope,
        "duration": duration,
        "facts": facts,
        "source": _("Own-initiative review before publication"),
        "automated_detection": (
            _("Yes: automated checks (AI labels, consent, prohibited content) flagged the content.")
            if automated
            else _("No automated check flagged the content.")
        ),
        "automated_decision": _("No: a human moderator decided."),
        "ground": ground,
        "explanation": f"{reason.title}. {reason.description}",
        "redress": redress,
        # Transparency Database fields (no personal data).
        "tdb": {
            "puid": f"provenant-submission-{submission.pk}",
            "decision_visibility": [visibility],
            "decision_ground": (
                "DECISION_GROUND_ILLEGAL_CONTENT"
                if reason.ground == PolicyReason.Ground.ILLEGAL
                else "DECISION_GROUND_INCOMPATIBLE_CONTENT"
            ),
            "content_type": ["CONTENT_TYPE_SYNTHETIC_MEDIA"] if submission.tier != Tier.NONE else [],
            "automated_detection": "Yes" if automated else "No",
            "automated_decision": "AUTOMATED_DECISION_NOT_AUTOMATED",
            "source_type": "SOURCE_VOLUNTARY",
            "territorial_scope": scope_codes,
            "reason_code": reason.code,
        },
    }
