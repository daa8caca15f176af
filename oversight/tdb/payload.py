"""From a decision's statement of reasons to the Statement API's payload (R37).

No personal data goes out: the facts are the policy's own words and what kind of automated check
flagged the content, never the moderator's explanation to the contributor (it may name people),
file names or any account detail. The PUID names the decision ("<prefix>-decision-<id>"): the
database refuses a PUID twice, and one submission can receive several statements over its life.
An account sanction (restriction, suspension, closure) is sent as "<prefix>-sanction-<id>" with
decision_account or decision_provision and the account's type (business when verified by a
Unified Social Credit Code), its content being the submissions it was decided on.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings

from accounts.models import IdentityVerification, Sanction
from moderation.models import (
    Category,
    Decision,
    DecisionOutcome,
    MediaFile,
    PolicyReason,
    Region,
    Submission,
    Tier,
)
from oversight.models import ReasonCategory
from oversight.tdb import vocabulary as v

CONTENT_TYPE_OF_MEDIA = {
    "image": "CONTENT_TYPE_IMAGE",
    "video": "CONTENT_TYPE_VIDEO",
    "audio": "CONTENT_TYPE_AUDIO",
}
# Synthesis of a real person's face, voice or body: a deepfake when that person did not consent.
BIOMETRIC_CATEGORIES = frozenset(
    {
        Category.FACE_GENERATION,
        Category.FACE_SWAP,
        Category.FACE_MANIPULATION,
        Category.VOICE_SYNTHESIS,
        Category.BODY_MANIPULATION,
    }
)
SCOPE = {Region.EU: v.EU_COUNTRY_CODES, Region.OTHER: v.EEA_COUNTRY_CODES}


class NotForDatabase(Exception):
    """This decision has no statement the database takes (none made, or no effect in the EEA)."""


@dataclass(frozen=True)
class Context:
    media_kinds: frozenset[str]
    category: ReasonCategory | None


def puid_for(decision_id: int) -> str:
    return f"{settings.TDB_PUID_PREFIX}-decision-{decision_id}"


def contexts_for(decisions: list[Decision]) -> dict[int, Context]:
    """Media kinds and DSA category of each decision, in two queries for the lot."""
    kinds: dict[int, set[str]] = defaultdict(set)
    for revision_id, kind in MediaFile.objects.filter(
        revision_id__in={d.revision_id for d in decisions}
    ).values_list("revision_id", "kind"):
        kinds[revision_id].add(kind)
    categories = {
        c.reason_id: c
        for c in ReasonCategory.objects.filter(reason_id__in={d.reason_id for d in decisions if d.reason_id})
    }
    return {
        d.pk: Context(frozenset(kinds[d.revision_id]), categories.get(d.reason_id) if d.reason_id else None)
        for d in decisions
    }


def content_types(decision: Decision, context: Context) -> list[str]:
    types = {CONTENT_TYPE_OF_MEDIA[kind] for kind in context.media_kinds if kind in CONTENT_TYPE_OF_MEDIA}
    if decision.revision.body.strip() or not types:
        types.add("CONTENT_TYPE_TEXT")
    if decision.submission.tier != Tier.NONE:
        types.add("CONTENT_TYPE_SYNTHETIC_MEDIA")
    return sorted(types)


def keywords(decision: Decision, context: Context) -> list[str]:
    chosen = [k for k in (context.category.keywords if context.category else []) if k in v.KEYWORDS]
    submission = decision.submission
    biometric = bool(set(Category.from_flags(submission.category_flags)) & BIOMETRIC_CATEGORIES)
    if submission.tier != Tier.NONE and biometric and submission.consent_missing:
        chosen.append(v.DEEPFAKE_KEYWORD)
    return sorted(set(chosen))


def statement_payload(decision: Decision, context: Context) -> dict[str, Any]:
    """The payload of one statement. Needs decision.submission, .revision and .reason loaded."""
    statement = decision.statement or {}
    tdb = statement.get("tdb") or {}
    if not statement or decision.outcome not in (DecisionOutcome.REJECTED, DecisionOutcome.CHANGES_REQUESTED):
        raise NotForDatabase("no statement of reasons was made")
    scope = SCOPE.get(Region(decision.submission.region))
    if scope is None:
        raise NotForDatabase("the decision has no effect in the EEA (region: mainland China)")
    reason: PolicyReason | None = decision.reason
    title = reason.title if reason else ""
    description = reason.description if reason else ""
    facts = " ".join(
        part
        for part in (
            f"{title}. {description}".strip(". ") + ".",
            statement.get("source", ""),
            statement.get("automated_detection", ""),
            statement.get("automated_decision", ""),
        )
        if part
    )
    submitted = decision.revision.submitted_at or decision.submission.created_at
    payload: dict[str, Any] = {
        "decision_visibility": tdb.get("decision_visibility") or ["DECISION_VISIBILITY_CONTENT_REMOVED"],
        "decision_ground": tdb.get("decision_ground", "DECISION_GROUND_INCOMPATIBLE_CONTENT"),
        "content_type": content_types(decision, context),
        "category": context.category.category if context.category else v.DEFAULT_CATEGORY,
        "territorial_scope": list(scope),
        "content_date": submitted.date().isoformat(),
        "application_date": decision.created_at.date().isoformat(),
        "decision_facts": facts[:5000],
        # Own initiative today; a decision on a DSA notice will carry its source in the statement.
        "source_type": tdb.get("source_type")
        if tdb.get("source_type") in v.SOURCE_TYPES
        else "SOURCE_VOLUNTARY",
        "automated_detection": "Yes" if tdb.get("automated_detection") == "Yes" else "No",
        "automated_decision": "AUTOMATED_DECISION_NOT_AUTOMATED",
        "puid": puid_for(decision.pk),
    }
    found = keywords(decision, context)
    if found:
        payload["category_specification"] = found
    if payload["decision_ground"] == "DECISION_GROUND_ILLEGAL_CONTENT":
        payload["illegal_content_legal_ground"] = ((reason.legal_ground if reason else "") or title)[:500]
        payload["illegal_content_explanation"] = (description or title)[:2000]
    else:
        payload["incompatible_content_ground"] = ((reason.terms_clause if reason else "") or title)[:500]
        payload["incompatible_content_explanation"] = (description or title)[:2000]
        payload["incompatible_content_illegal"] = "No"
    return payload


# --- Account sanctions (DSA Art. 24(5) covers decisions on accounts too) ---------------------------

# What each restricting kind does, in the database's words; a warning restricts nothing.
ACCOUNT_DECISIONS: dict[str, dict[str, str]] = {
    "restriction": {"decision_provision": "DECISION_PROVISION_PARTIAL_SUSPENSION"},
    "suspension": {"decision_account": "DECISION_ACCOUNT_SUSPENDED"},
    "closure": {"decision_account": "DECISION_ACCOUNT_TERMINATED"},
}
# The facts, in fixed words: the moderator's reason may name people and never leaves.
ACCOUNT_FACTS = {
    "restriction": "The account may not submit new content.",
    "suspension": "The account is suspended: it cannot log in or use the service.",
    "closure": "The account is closed.",
}


@dataclass(frozen=True)
class SanctionContext:
    """What the payload of a sanction reads beyond the row: the evidence and the account's type."""

    media_kinds: frozenset[str]
    synthetic: bool
    first_content: date | None
    category: ReasonCategory | None
    business: bool


def sanction_puid_for(sanction_id: int) -> str:
    return f"{settings.TDB_PUID_PREFIX}-sanction-{sanction_id}"


def sanction_contexts_for(sanctions: list[Sanction]) -> dict[int, SanctionContext]:
    """The evidence of each sanction (its submissions' media, tier, first date, the category of the
    latest restriction on them) and whether the account is a verified organisation: a few queries
    for the lot."""
    evidence_ids = {pk for s in sanctions for pk in s.evidence_submission_ids if isinstance(pk, int)}
    items = {
        row["pk"]: row
        for row in Submission.objects.filter(pk__in=evidence_ids).values(
            "pk", "tier", "submitted_at", "created_at", "current_revision_id"
        )
    }
    kinds: dict[int, set[str]] = defaultdict(set)
    for revision_id, kind in MediaFile.objects.filter(
        revision_id__in={row["current_revision_id"] for row in items.values()}
    ).values_list("revision_id", "kind"):
        kinds[revision_id].add(kind)
    latest_reason: dict[int, int] = {}
    for submission_id, reason_id in (
        Decision.objects.filter(submission_id__in=evidence_ids, reason__isnull=False)
        .exclude(statement={})
        .order_by("created_at", "id")
        .values_list("submission_id", "reason_id")
    ):
        latest_reason[submission_id] = reason_id
    categories = {
        c.reason_id: c for c in ReasonCategory.objects.filter(reason_id__in=set(latest_reason.values()))
    }
    businesses = set(
        IdentityVerification.objects.filter(
            user_id__in={s.user_id for s in sanctions},
            method=IdentityVerification.Method.USCC,
            status=IdentityVerification.Status.VERIFIED,
        ).values_list("user_id", flat=True)
    )
    contexts = {}
    for sanction in sanctions:
        own = [items[pk] for pk in sanction.evidence_submission_ids if pk in items]
        dates = [(row["submitted_at"] or row["created_at"]).date() for row in own]
        reasons = [latest_reason[row["pk"]] for row in own if row["pk"] in latest_reason]
        contexts[sanction.pk] = SanctionContext(
            media_kinds=frozenset(k for row in own for k in kinds[row["current_revision_id"]]),
            synthetic=any(row["tier"] != Tier.NONE for row in own),
            first_content=min(dates) if dates else None,
            category=categories.get(reasons[-1]) if reasons else None,
            business=sanction.user_id in businesses,
        )
    return contexts


def sanction_payload(sanction: Sanction, context: SanctionContext) -> dict[str, Any]:
    """The payload of an account restriction, suspension or closure (no personal data: the puid
    names the sanction, not the account; the facts are fixed words)."""
    statement = sanction.statement or {}
    tdb = statement.get("tdb") or {}
    if not statement or sanction.kind not in ACCOUNT_DECISIONS:
        raise NotForDatabase("no restriction of the account (a warning), or no statement of reasons")
    types = {CONTENT_TYPE_OF_MEDIA[k] for k in context.media_kinds if k in CONTENT_TYPE_OF_MEDIA}
    if context.synthetic:
        types.add("CONTENT_TYPE_SYNTHETIC_MEDIA")
    payload: dict[str, Any] = {
        **ACCOUNT_DECISIONS[sanction.kind],
        "account_type": "ACCOUNT_TYPE_BUSINESS" if context.business else "ACCOUNT_TYPE_PRIVATE",
        "decision_ground": tdb.get("decision_ground", "DECISION_GROUND_INCOMPATIBLE_CONTENT"),
        # The content behind the sanction; an account without any is the content itself.
        "content_type": sorted(types) or ["CONTENT_TYPE_OTHER"],
        "category": context.category.category if context.category else v.DEFAULT_CATEGORY,
        "territorial_scope": list(v.EEA_COUNTRY_CODES),
        "content_date": (context.first_content or sanction.created_at.date()).isoformat(),
        "application_date": tdb.get("application_date") or sanction.created_at.date().isoformat(),
        "decision_facts": " ".join(
            part
            for part in (
                ACCOUNT_FACTS[sanction.kind],
                f"Decided on {len(sanction.evidence_submission_ids)} earlier restricted submission(s)."
                if sanction.evidence_submission_ids
                else "",
                "Own-initiative decision by a moderator; no automated means.",
            )
            if part
        ),
        "source_type": "SOURCE_VOLUNTARY",
        "automated_detection": "No",
        "automated_decision": "AUTOMATED_DECISION_NOT_AUTOMATED",
        "puid": sanction_puid_for(sanction.pk),
    }
    if payload["content_type"] == ["CONTENT_TYPE_OTHER"]:
        payload["content_type_other"] = "User account"
    for key in ("end_date_account_restriction", "end_date_service_restriction"):
        if tdb.get(key):
            payload[key] = tdb[key]
    keywords_found = [k for k in (context.category.keywords if context.category else []) if k in v.KEYWORDS]
    if keywords_found:
        payload["category_specification"] = sorted(set(keywords_found))
    reference = sanction.ground_reference.strip()
    if payload["decision_ground"] == "DECISION_GROUND_ILLEGAL_CONTENT":
        payload["illegal_content_legal_ground"] = (reference or "Applicable law")[:500]
        payload["illegal_content_explanation"] = (
            "The account was used to publish illegal content; see the legal ground."
        )
    else:
        payload["incompatible_content_ground"] = (reference or "Terms of service: rules on sanctions")[:500]
        payload["incompatible_content_explanation"] = (
            "The account repeatedly or seriously broke the terms of service."
        )
        payload["incompatible_content_illegal"] = "No"
    return payload
