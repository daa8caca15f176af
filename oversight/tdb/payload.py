"""From a decision's statement of reasons to the Statement API's payload (R37).

No personal data goes out: the facts are the policy's own words and what kind of automated check
flagged the content, never the moderator's explanation to the contributor (it may name people),
file names or any account detail. The PUID names the decision ("<prefix>-decision-<id>"): the
database refuses a PUID twice, and one submission can receive several statements over its life.
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from moderation.models import Category, Decision, DecisionOutcome, MediaFile, PolicyReason, Region, Tier
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
