"""The lifecycle moves publishers hear about, announced from the lifecycle's after-transition
hook (registered in WebhooksConfig.ready), inside the transaction of the move:

- into "awaiting review" from "submitted" or "checking": submission.checked;
- a review decision ("review.decided"): submission.decided;
- "publishing" to "approved": publication.published.

Takedowns, restrictions, reinstatements, refutations, notices and complaints are announced by
their services through `moderation.events.emit`, with the data only they know.
"""

import hashlib
from typing import Any

from moderation.lifecycle import TransitionResult
from moderation.models import CheckRun, Decision, PublishedRendition, Status, Submission
from webhooks.events import emit_event


def announce_transition(result: TransitionResult) -> None:
    submission = result.submission
    if submission.integration_id is None:
        return  # the common case costs no query
    if result.to_status == Status.AWAITING_REVIEW and result.from_status in (
        Status.SUBMITTED,
        Status.CHECKING,
    ):
        emit_event("submission.checked", submission=submission, data=checked_data(submission))
    elif result.action == "review.decided" and result.details.get("decision"):
        decision = Decision.objects.select_related("reason").get(pk=result.details["decision"])
        emit_event("submission.decided", submission=submission, data=decided_data(decision))
    elif result.from_status == Status.PUBLISHING and result.to_status == Status.APPROVED:
        emit_event(
            "publication.published",
            submission=submission,
            data=published_data(submission, publication=result.details.get("publication")),
        )


def checked_data(submission: Submission) -> dict[str, Any]:
    latest: dict[str, CheckRun] = {}
    runs = CheckRun.objects.filter(revision=submission.current_revision).prefetch_related("findings")
    for run in runs.order_by("kind", "created_at", "id"):
        latest[run.kind] = run  # a re-run replaces the earlier one
    return {
        "status": Status.AWAITING_REVIEW.value,
        "tier": submission.tier,
        "blocking": submission.has_blocking_findings,
        "checks": [
            {
                "kind": run.kind,
                "status": run.status,
                "findings": [finding.code for finding in run.findings.all()],
            }
            for run in latest.values()
        ],
    }


def decided_data(decision: Decision) -> dict[str, Any]:
    return {
        "decision": decision.pk,
        "outcome": decision.outcome,
        "reason": decision.reason.code if decision.reason else None,
        "explanation": decision.explanation,
        "statement": decision.statement,
    }


def published_data(submission: Submission, *, publication: int | None) -> dict[str, Any]:
    renditions = PublishedRendition.objects.filter(submission=submission)
    if publication is not None:
        renditions = renditions.filter(run_id=publication)
    return {
        "publication": publication,
        "tier": submission.tier,
        "renditions": [
            {
                "id": rendition.pk,
                "kind": rendition_kind(rendition),
                "mime": rendition.mime_type or "text/plain",
                "sha256": rendition_sha256(rendition),
            }
            for rendition in renditions
        ],
    }


def rendition_kind(rendition: PublishedRendition) -> str:
    if not rendition.file:
        return "text"
    major = (rendition.mime_type or "").split("/")[0]
    return major if major in ("image", "video", "audio") else "file"


def rendition_sha256(rendition: PublishedRendition) -> str:
    digest = hashlib.sha256()
    if not rendition.file:
        digest.update(rendition.text.encode())
        return digest.hexdigest()
    with rendition.file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
