"""Statements of reasons (DSA Art. 17): what was restricted and where, the facts, whether
automated means were used, the ground, and how to seek redress. Frozen on the Decision (or the
Sanction) when it is made; the keys beside the prose follow the EU Transparency Database's
vocabulary (R36, R37).

One builder per kind of restriction, all through `compose`: a review decision before
publication (`build_statement`), a takedown or regional restriction of published content
(`build_takedown_statement`), the takedown that follows a depicted person's withdrawn or expired
consent (`build_consent_takedown_statement`), a refutation label (`build_refutation_statement`)
and an account sanction (`build_sanction_statement`).

The "tdb" keys stored since the first statements stay as they were (puid, decision_visibility,
decision_ground, content_type, automated_detection, automated_decision, source_type,
territorial_scope, reason_code); later kinds add the Transparency Database's own names for what
they restrict (decision_account, decision_provision, end_date_*_restriction, application_date).

`require_statement` is the lifecycle's guard (registered in ModerationConfig.ready): a move
that restricts content (choices.STATEMENT_REQUIRED) must name, in its details, a Decision on
the same submission carrying a statement made no later than the move; otherwise the move is
refused and nothing changes. A takedown without its statement cannot exist.
"""

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from moderation.lifecycle import InvalidTransition, TransitionResult
from moderation.models import (
    Decision,
    DecisionOutcome,
    DecisionSource,
    Finding,
    PolicyReason,
    Queue,
    Region,
    Submission,
    Tier,
)
from moderation.models.choices import STATEMENT_REQUIRED

if TYPE_CHECKING:
    from accounts.models import Sanction


class Msg(str):
    """A sentence rendered now (the prose stored, as before) that remembers how to render it again:
    its msgid and parameters (strings, other Msgs, days). The statement keeps these under "i18n",
    so the fixed parts read in the reader's language (`localized`), the moderator's words as written."""

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, params: dict[str, Any] | None = None) -> "Msg":
        params = params or {}
        text = _(msgid) % {key: _render_param(value) for key, value in params.items()} if params else _(msgid)
        made = super().__new__(cls, text)
        made.msgid = msgid
        made.params = params
        return made

    def spec(self) -> dict[str, Any]:
        params = {key: _spec_param(value) for key, value in self.params.items()}
        return {"msgid": self.msgid, "params": params}


class Day(str):
    """A day, written in the active language's date format (and again in the reader's)."""

    moment: datetime.datetime

    def __new__(cls, moment: datetime.datetime) -> "Day":
        made = super().__new__(cls, formats.date_format(timezone.localtime(moment), "DATE_FORMAT"))
        made.moment = moment
        return made


def _render_param(value: Any) -> str:
    return str(value)


def _spec_param(value: Any) -> Any:
    if isinstance(value, Msg):
        return value.spec()
    if isinstance(value, Day):
        return {"day": value.moment.isoformat()}
    if isinstance(value, _Joined):
        return {"join": [_spec_param(item) for item in value.items]}
    return str(value)


def _render_spec(spec: Any) -> str:
    """A stored spec rendered in the active language."""
    if isinstance(spec, str):
        return spec
    if "day" in spec:
        return _day(datetime.datetime.fromisoformat(spec["day"]))
    if "join" in spec:
        return ", ".join(_render_spec(item) for item in spec["join"])
    if "reason" in spec:
        reason = PolicyReason.objects.filter(code=spec["reason"]).first()
        return f"{reason.display_title}. {reason.display_description}" if reason else spec.get("text", "")
    params = spec.get("params") or {}
    if not params:
        return _(spec["msgid"])
    return _(spec["msgid"]) % {key: _render_spec(value) for key, value in params.items()}


# The statement's parts that are the platform's own words (rendered again in the reader's
# language); "facts" and a sanction's explanation are the moderator's and stay as written.
LOCALIZABLE = (
    "restriction",
    "territorial_scope",
    "duration",
    "source",
    "automated_detection",
    "automated_decision",
    "ground",
    "explanation",
    "redress",
)


def localized(statement: dict[str, Any] | None) -> dict[str, Any]:
    """The statement as the reader should see it: its fixed parts in the active language.

    Statements stored before the parts were kept (no "i18n") read as they were written."""
    if not statement:
        return statement or {}
    specs = statement.get("i18n") or {}
    if not specs:
        return statement
    shown = dict(statement)
    for key, spec in specs.items():
        try:
            shown[key] = _render_spec(spec)
        except (KeyError, TypeError, ValueError):  # a damaged spec: the text as stored
            continue
    return shown


class _Joined(str):
    """Several Msgs, comma-separated (the regions a restriction covers)."""

    items: list[Msg]

    def __new__(cls, items: list[Msg]) -> "_Joined":
        made = super().__new__(cls, ", ".join(items))
        made.items = items
        return made


def _reason_explanation(reason: PolicyReason) -> "_Stored":
    """The taxonomy's title and description, rendered again from the reason's code."""
    text = f"{reason.display_title}. {reason.display_description}"
    return _Stored(text, {"reason": reason.code, "text": f"{reason.title}. {reason.description}"})


class _Stored(str):
    """Prose with a ready-made spec (not a msgid): the reason's explanation."""

    _spec: dict[str, Any]

    def __new__(cls, text: str, spec: dict[str, Any]) -> "_Stored":
        made = super().__new__(cls, text)
        made._spec = spec
        return made

    def spec(self) -> dict[str, Any]:
        return self._spec


SCOPES = {
    Region.CN: (gettext_noop("Mainland China"), ["CN"]),
    Region.EU: (gettext_noop("the European Union"), ["EU"]),
    Region.OTHER: (gettext_noop("all regions where the publisher operates"), ["WORLD"]),
}


def scope_words(region: str) -> tuple[Msg, list[str]]:
    msgid, codes = SCOPES[Region(region)]
    return Msg(msgid), codes


# What started the decision, in the statement and in the Transparency Database's words.
SOURCE_TYPES = {
    DecisionSource.OWN_INITIATIVE: "SOURCE_VOLUNTARY",
    DecisionSource.NOTICE: "SOURCE_ARTICLE_16",
    DecisionSource.TRUSTED_FLAGGER: "SOURCE_TRUSTED_FLAGGER",
    DecisionSource.CONSENT_WITHDRAWAL: "SOURCE_TYPE_OTHER_NOTIFICATION",
    DecisionSource.COMPLAINT: "SOURCE_ARTICLE_16",
    DecisionSource.PUBLISHER: "SOURCE_TYPE_OTHER_NOTIFICATION",
}


def source_text(source: str) -> Msg:
    return Msg(
        {
            DecisionSource.OWN_INITIATIVE: gettext_noop("Own-initiative review of published content"),
            DecisionSource.NOTICE: gettext_noop("A notice about the content (DSA Art. 16)"),
            DecisionSource.TRUSTED_FLAGGER: gettext_noop("A notice from a trusted flagger (DSA Art. 22)"),
            DecisionSource.CONSENT_WITHDRAWAL: gettext_noop(
                "A person depicted in the content withdrew their consent, or it ended"
            ),
            DecisionSource.COMPLAINT: gettext_noop(
                "A complaint about an earlier decision, found well founded (DSA Art. 20)"
            ),
            DecisionSource.PUBLISHER: gettext_noop(
                "The publisher that submitted the content removed it or asked us to"
            ),
        }[DecisionSource(source)]
    )


class MissingStatement(InvalidTransition):
    """A restricting move without a statement of reasons made no later than it (R36)."""


def require_statement(result: TransitionResult) -> None:
    """After-transition guard: see the module docstring."""
    if (result.from_status, result.to_status) not in STATEMENT_REQUIRED:
        return
    decision_id = result.details.get("decision")
    decision = (
        Decision.objects.filter(pk=decision_id, submission_id=result.submission.pk).first()
        if isinstance(decision_id, int)
        else None
    )
    if decision is None or not decision.statement or decision.created_at > result.at:
        raise MissingStatement(
            _("This submission cannot be %(to)s without a statement of reasons issued with it.")
            % {"to": result.submission.get_status_display().lower()}
        )


def complaint_until(moment: datetime.datetime) -> datetime.datetime:
    return moment + datetime.timedelta(days=settings.COMPLAINTS_WINDOW_DAYS)


def _day(moment: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "DATE_FORMAT")


def redress_text(*, account: bool = False, now: datetime.datetime | None = None) -> Msg:
    until = Day(complaint_until(now or timezone.now()))
    where = Msg(
        gettext_noop("use the link in our message or on your account page")
        if account
        else gettext_noop(
            "use “Complain about this decision” beside this statement on your submission's page, "
            "or the link in our message"
        )
    )
    return Msg(
        gettext_noop(
            "You can complain about this decision free of charge until %(until)s: %(where)s. A senior "
            "moderator who did not take the decision answers within %(days)s days. You may also turn to a "
            "certified out-of-court dispute settlement body (DSA Art. 21) or to a court."
        ),
        {"until": until, "where": where, "days": str(settings.APPEALS_RESPONSE_DAYS)},
    )


def ground_of(reason: PolicyReason) -> tuple[Msg, str]:
    """(the statement's ground sentence, the Transparency Database's decision_ground).

    The legal ground and the terms clause go through the catalog (the shipped taxonomy's are in
    it), as the reason's title does."""
    if reason.ground == PolicyReason.Ground.ILLEGAL:
        return (
            Msg(gettext_noop("Illegal content: %(law)s"), {"law": Msg(reason.legal_ground or reason.title)}),
            "DECISION_GROUND_ILLEGAL_CONTENT",
        )
    return (
        Msg(
            gettext_noop("Incompatible with our terms of service: %(clause)s"),
            {"clause": Msg(reason.terms_clause or reason.title)},
        ),
        "DECISION_GROUND_INCOMPATIBLE_CONTENT",
    )


def automated_findings(findings: Iterable[Finding]) -> list[str]:
    return [
        f"{finding.get_severity_display()}: {finding.display_message}"
        for finding in findings
        if finding.severity != "info"
    ]


def compose(
    *,
    puid: str,
    restriction: str,
    territorial_scope: str,
    scope_codes: list[str],
    duration: str,
    facts: str,
    source: str,
    automated_detection: bool,
    automated_decision: str,
    ground: str,
    decision_ground: str,
    explanation: str,
    redress: str,  # the platform's words are Msgs (str): kept with how to render them again
    content_type: list[str],
    reason_code: str,
    tdb: dict[str, Any],
) -> dict[str, Any]:
    """The statement as stored: the prose the person reads, and the Transparency Database fields.

    `automated_decision` is a Transparency Database value (AUTOMATED_DECISION_NOT_AUTOMATED,
    _PARTIALLY or _FULLY)."""
    decided = Msg(
        {
            "AUTOMATED_DECISION_NOT_AUTOMATED": gettext_noop("No: a human moderator decided."),
            "AUTOMATED_DECISION_PARTIALLY": gettext_noop(
                "Partly: a moderator confirmed what an automated step did."
            ),
            "AUTOMATED_DECISION_FULLY": gettext_noop(
                "Yes: the content was hidden automatically, at once; a moderator reviews it next."
            ),
        }[automated_decision]
    )
    detected = Msg(
        gettext_noop("Yes: automated checks (AI labels, consent, prohibited content) flagged the content.")
        if automated_detection
        else gettext_noop("No automated check flagged the content.")
    )
    parts: dict[str, Any] = {
        "restriction": restriction,
        "territorial_scope": territorial_scope,
        "duration": duration,
        "source": source,
        "automated_detection": detected,
        "automated_decision": decided,
        "ground": ground,
        "explanation": explanation,
        "redress": redress,
    }
    return {
        **{key: str(value) for key, value in parts.items()},
        "facts": facts,
        # How to render the platform's own words again, in the reader's language (`localized`).
        "i18n": {key: value.spec() for key, value in parts.items() if isinstance(value, (Msg, _Stored))},
        # Transparency Database fields (no personal data).
        "tdb": {
            "puid": puid,
            "decision_ground": decision_ground,
            "content_type": content_type,
            "automated_detection": "Yes" if automated_detection else "No",
            "automated_decision": automated_decision,
            "territorial_scope": scope_codes,
            "reason_code": reason_code,
            **tdb,
        },
    }


def _content_puid(submission: Submission) -> str:
    return f"provenant-submission-{submission.pk}"


def _content_type(submission: Submission) -> list[str]:
    return ["CONTENT_TYPE_SYNTHETIC_MEDIA"] if submission.tier != Tier.NONE else []


def _restriction(outcome: str, queue: str) -> tuple[Msg, Msg, str]:
    """(what is restricted, its duration, the Transparency Database visibility key)."""
    if outcome == DecisionOutcome.CHANGES_REQUESTED:
        return (
            Msg(gettext_noop("The content is not published until the requested changes are made.")),
            Msg(gettext_noop("until a corrected revision is approved")),
            "DECISION_VISIBILITY_CONTENT_DISABLED",
        )
    if queue == Queue.TAKEDOWN:
        return (
            Msg(gettext_noop("The content was taken down and stays unpublished.")),
            Msg(gettext_noop("indefinite")),
            "DECISION_VISIBILITY_CONTENT_REMOVED",
        )
    return (
        Msg(gettext_noop("The content will not be published.")),
        Msg(gettext_noop("indefinite")),
        "DECISION_VISIBILITY_CONTENT_REMOVED",
    )


def build_statement(
    *,
    submission: Submission,
    outcome: str,
    reason: PolicyReason,
    explanation: str,
    findings: list[Finding],
    queue: str,
) -> dict[str, Any]:
    """A review decision: rejected or sent back for changes before publication."""
    restriction, duration, visibility = _restriction(outcome, queue)
    scope, scope_codes = scope_words(submission.region)
    automated = automated_findings(findings)
    facts = explanation.strip()
    if automated:
        facts += "\n" + _("Automated checks reported:") + "\n" + "\n".join(f"- {line}" for line in automated)
    ground, decision_ground = ground_of(reason)
    statement = compose(
        puid=_content_puid(submission),
        restriction=restriction,
        territorial_scope=scope,
        scope_codes=scope_codes,
        duration=duration,
        facts=facts,
        source=Msg(gettext_noop("Own-initiative review before publication")),
        automated_detection=bool(automated),
        automated_decision="AUTOMATED_DECISION_NOT_AUTOMATED",
        ground=ground,
        decision_ground=decision_ground,
        explanation=_reason_explanation(reason),
        redress=redress_text(),
        content_type=_content_type(submission),
        reason_code=reason.code,
        tdb={"decision_visibility": [visibility], "source_type": "SOURCE_VOLUNTARY"},
    )
    return statement


def scope_of(regions: list[str], submission: Submission) -> tuple[Msg, list[str]]:
    """The territorial scope in words and codes: the regions named, or everywhere it was published."""
    if not regions:
        return scope_words(submission.region)
    names = [Msg(SCOPES[Region(region)][0]) for region in regions]
    codes = [code for region in regions for code in SCOPES[Region(region)][1]]
    return Msg("%(regions)s", {"regions": _Joined(names)}), codes


def build_takedown_statement(
    *,
    submission: Submission,
    reason: PolicyReason,
    explanation: str,
    source: str,
    regions: list[str],
    ends_at: datetime.datetime | None,
    findings: Iterable[Finding] = (),
    now: datetime.datetime | None = None,
) -> dict[str, Any]:
    """Published content taken down (everywhere) or withheld in some regions, by a moderator."""
    now = now or timezone.now()
    scope, scope_codes = scope_of(regions, submission)
    if regions:
        restriction = Msg(
            gettext_noop("The content is withheld in %(regions)s; it stays available elsewhere."),
            {"regions": scope},
        )
    else:
        restriction = Msg(
            gettext_noop("The content was taken down: its page and its media are no longer available.")
        )
    duration = (
        Msg(gettext_noop("until %(date)s"), {"date": Day(ends_at)})
        if ends_at
        else Msg(gettext_noop("permanent"))
    )
    visibility = (
        "DECISION_VISIBILITY_CONTENT_DISABLED"
        if regions or ends_at
        else "DECISION_VISIBILITY_CONTENT_REMOVED"
    )
    automated = automated_findings(findings)
    facts = explanation.strip()
    if automated:
        facts += "\n" + _("Automated checks reported:") + "\n" + "\n".join(f"- {line}" for line in automated)
    ground, decision_ground = ground_of(reason)
    tdb: dict[str, Any] = {
        "decision_visibility": [visibility],
        "source_type": SOURCE_TYPES[DecisionSource(source)],
        "application_date": timezone.localdate(now).isoformat(),
    }
    if ends_at:
        tdb["end_date_visibility_restriction"] = timezone.localdate(ends_at).isoformat()
    return compose(
        puid=_content_puid(submission),
        restriction=restriction,
        territorial_scope=scope,
        scope_codes=scope_codes,
        duration=duration,
        facts=facts,
        source=source_text(source),
        automated_detection=bool(automated),
        automated_decision="AUTOMATED_DECISION_NOT_AUTOMATED",
        ground=ground,
        decision_ground=decision_ground,
        explanation=_reason_explanation(reason),
        redress=redress_text(now=now),
        content_type=_content_type(submission),
        reason_code=reason.code,
        tdb=tdb,
    )


CONSENT_REASON_CODE = "missing-consent"


def build_consent_takedown_statement(
    *, submission: Submission, facts: str, detected: bool, now: datetime.datetime | None = None
) -> dict[str, Any]:
    """Published content hidden at once because a depicted person's consent was withdrawn
    (`detected` False: they told us) or ran out (`detected` True: the expiry sweep found it)."""
    now = now or timezone.now()
    reason = PolicyReason.objects.filter(code=CONSENT_REASON_CODE).first()
    explanation: Msg | _Stored
    if reason is not None:
        ground, decision_ground = ground_of(reason)
        explanation = _reason_explanation(reason)
    else:  # the taxonomy no longer has it: the law still applies
        ground = Msg(
            gettext_noop("Illegal content: %(law)s"),
            {"law": "Deep Synthesis Provisions Art. 14; PIPL Art. 28-29"},
        )
        decision_ground = "DECISION_GROUND_ILLEGAL_CONTENT"
        explanation = Msg(
            gettext_noop("A real person's face or voice is synthesised without their separate consent.")
        )
    scope, scope_codes = scope_words(submission.region)
    return compose(
        puid=_content_puid(submission),
        restriction=Msg(
            gettext_noop(
                "The content was hidden at once: its page and media are no longer available while a "
                "moderator reviews it."
            )
        ),
        territorial_scope=scope,
        scope_codes=scope_codes,
        duration=Msg(
            gettext_noop("until a moderator decides; then either published again or taken down for good")
        ),
        facts=facts.strip(),
        source=source_text(DecisionSource.CONSENT_WITHDRAWAL),
        automated_detection=detected,
        automated_decision="AUTOMATED_DECISION_FULLY",
        ground=ground,
        decision_ground=decision_ground,
        explanation=explanation,
        redress=redress_text(now=now),
        content_type=_content_type(submission),
        reason_code=reason.code if reason else CONSENT_REASON_CODE,
        tdb={
            "decision_visibility": ["DECISION_VISIBILITY_CONTENT_DISABLED"],
            "source_type": SOURCE_TYPES[DecisionSource.CONSENT_WITHDRAWAL],
            "application_date": timezone.localdate(now).isoformat(),
        },
    )


def build_refutation_statement(
    *,
    submission: Submission,
    reason: PolicyReason,
    refutation: str,
    explanation: str,
    source: str,
    now: datetime.datetime | None = None,
) -> dict[str, Any]:
    """Published content labelled as false information, with the refutation shown above it."""
    now = now or timezone.now()
    scope, scope_codes = scope_words(submission.region)
    ground, decision_ground = ground_of(reason)
    return compose(
        puid=_content_puid(submission),
        restriction=Msg(
            gettext_noop(
                "The content stays published with a notice above it saying that it is false information: "
                "“%(refutation)s”"
            ),
            {"refutation": refutation},
        ),
        territorial_scope=scope,
        scope_codes=scope_codes,
        duration=Msg(gettext_noop("until the notice is withdrawn")),
        facts=explanation.strip(),
        source=source_text(source),
        automated_detection=False,
        automated_decision="AUTOMATED_DECISION_NOT_AUTOMATED",
        ground=ground,
        decision_ground=decision_ground,
        explanation=_reason_explanation(reason),
        redress=redress_text(now=now),
        content_type=_content_type(submission),
        reason_code=reason.code,
        tdb={
            "decision_visibility": ["DECISION_VISIBILITY_CONTENT_LABELLED"],
            "source_type": SOURCE_TYPES[DecisionSource(source)],
            "application_date": timezone.localdate(now).isoformat(),
        },
    )


def build_sanction_statement(*, sanction: "Sanction") -> dict[str, Any]:
    """An account restricted, suspended or closed (DS Art. 10; DSA Art. 17(1)(c)-(d))."""
    kind = sanction.kind
    until = (
        Msg(gettext_noop("until %(date)s"), {"date": Day(sanction.expires_at)})
        if sanction.expires_at
        else None
    )
    restriction_msgid, tdb = {
        "restriction": (
            gettext_noop("Your account may not submit new content."),
            {"decision_provision": "DECISION_PROVISION_PARTIAL_SUSPENSION"},
        ),
        "suspension": (
            gettext_noop("Your account is suspended: you cannot log in or use the service."),
            {"decision_account": "DECISION_ACCOUNT_SUSPENDED"},
        ),
        "closure": (
            gettext_noop("Your account is closed."),
            {"decision_account": "DECISION_ACCOUNT_TERMINATED"},
        ),
    }[kind]
    restriction = Msg(restriction_msgid)
    if sanction.expires_at:
        key = "end_date_service_restriction" if kind == "restriction" else "end_date_account_restriction"
        tdb[key] = timezone.localdate(sanction.expires_at).isoformat()
    if sanction.ground == PolicyReason.Ground.ILLEGAL:
        ground = Msg(
            gettext_noop("Illegal content: %(law)s"), {"law": sanction.ground_reference or sanction.reason}
        )
        decision_ground = "DECISION_GROUND_ILLEGAL_CONTENT"
    else:
        ground = Msg(
            gettext_noop("Incompatible with our terms of service: %(clause)s"),
            {"clause": sanction.ground_reference or Msg(gettext_noop("the rules on sanctions"))},
        )
        decision_ground = "DECISION_GROUND_INCOMPATIBLE_CONTENT"
    evidence = ", ".join(f"#{pk}" for pk in sanction.evidence_submission_ids)
    facts = sanction.reason + (
        "\n" + _("Submissions concerned: %(ids)s") % {"ids": evidence} if evidence else ""
    )
    return compose(
        # The account is what is restricted (the statement is written before the row has an id).
        puid=f"provenant-account-{sanction.user_id}",
        restriction=restriction,
        territorial_scope=scope_words(Region.OTHER)[0],
        scope_codes=SCOPES[Region.OTHER][1],
        duration=until or Msg(gettext_noop("until lifted")),
        facts=facts,
        source=source_text(DecisionSource.OWN_INITIATIVE),
        automated_detection=False,
        automated_decision="AUTOMATED_DECISION_NOT_AUTOMATED",
        ground=ground,
        decision_ground=decision_ground,
        explanation=sanction.reason,
        redress=redress_text(account=True, now=sanction.created_at),
        content_type=[],
        reason_code=f"sanction-{kind}",
        tdb={
            **tdb,
            "source_type": "SOURCE_VOLUNTARY",
            "application_date": timezone.localdate(sanction.created_at).isoformat(),
        },
    )
