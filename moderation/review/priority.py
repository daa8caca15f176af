"""What the review queue knows about a submission once its checks are done: its AI tier, its
flags, its priority and its SLA due time. Computed here, stored on the Submission row."""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils import timezone

from accounts.selectors import strike_count
from labels.tier import combine_tiers
from moderation.models import CheckRun, Finding, Queue, Severity, Submission, Tier

# Priority points. Age adds AGE_POINTS_PER_HOUR on top, through the rank (see `rank_for`).
POINTS = {
    "blocking": 40,
    "contradiction": 25,
    "tampered": 20,
    "consent_missing": 15,
    "strike": 5,
    "takedown_queue": 100,
}
TIER_POINTS = {Tier.CONFIRMED: 10, Tier.SUSPECTED: 8, Tier.POSSIBLE: 5, Tier.NONE: 0}
MAX_STRIKE_POINTS = 25
AGE_POINTS_PER_HOUR = 1.0
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


def hours_since_epoch(moment: datetime) -> float:
    return (moment - EPOCH).total_seconds() / 3600


def rank_for(score: float, waiting_since: datetime) -> float:
    """A time-independent sort key: ordering by it equals ordering by score plus age points now."""
    return score - AGE_POINTS_PER_HOUR * hours_since_epoch(waiting_since)


def score_now(rank: float, now: datetime | None = None) -> float:
    return rank + AGE_POINTS_PER_HOUR * hours_since_epoch(now or timezone.now())


def base_score(submission: Submission, strikes: int) -> float:
    score = float(TIER_POINTS.get(Tier(submission.tier), 0))
    score += POINTS["blocking"] if submission.has_blocking_findings else 0
    score += POINTS["contradiction"] if submission.contradicts_declaration else 0
    score += POINTS["tampered"] if submission.is_tampered else 0
    score += POINTS["consent_missing"] if submission.consent_missing else 0
    score += min(MAX_STRIKE_POINTS, POINTS["strike"] * strikes)
    score += POINTS["takedown_queue"] if submission.queue == Queue.TAKEDOWN else 0
    return score


def due_at(queue: str, waiting_since: datetime) -> datetime:
    return waiting_since + timedelta(hours=settings.SLA_HOURS[queue])


# The checks whose result states an Art. 6 tier ("tier" in CheckRun.result): the label check
# (metadata labels, traces, the text) and the visible-mark check (OCR of the pixels). Each has
# already applied the declaration (labels.tier.decide_tier), so the item's tier is simply the
# strongest of their newest runs' tiers; a run still pending states none yet.
TIER_CHECKS = ("label", "visible")


def item_tier(run_tiers: dict[str, str | None]) -> str:
    """The item's tier from the newest run of each check (kind -> its stated tier, or None)."""
    return combine_tiers([tier for kind, tier in run_tiers.items() if kind in TIER_CHECKS and tier])


def newest_outcome(revision_id: int) -> tuple[str, list[tuple[str, str, str]]]:
    """The item's tier (`item_tier`) and the (check, code, severity) of each finding of the newest
    run of each check. Two light queries: no run results or finding messages are loaded."""
    tier, findings = _newest(revision_id)
    return tier, [(kind, code, severity) for kind, code, severity, _route in findings]


def _newest(revision_id: int) -> tuple[str, list[tuple[str, str, str, str | None]]]:
    newest: dict[str, tuple[int, str | None]] = {}
    runs = (
        CheckRun.objects.filter(revision_id=revision_id)
        .order_by("kind", "-created_at", "-id")
        .values_list("id", "kind", "result__tier")
    )
    for run_id, kind, tier in runs:
        newest.setdefault(kind, (run_id, tier))
    kind_of = {run_id: kind for kind, (run_id, _tier) in newest.items()}
    findings = [
        (kind_of[run_id], code, severity, route)
        for run_id, code, severity, route in Finding.objects.filter(run_id__in=kind_of).values_list(
            "run_id", "code", "severity", "evidence__route"
        )
    ]
    return item_tier({kind: tier for kind, (_run_id, tier) in newest.items()}), findings


OUTCOME_FIELDS = [
    "queue",
    "tier",
    "has_blocking_findings",
    "is_tampered",
    "contradicts_declaration",
    "consent_missing",
    "region",
    "category_flags",
    "awaiting_since",
    "priority_score",
    "priority_rank",
    "due_at",
]


def apply_outcome(submission: Submission, *, save: bool = True) -> dict[str, object]:
    """Recompute tier, flags, priority and due time from the newest runs; return them, and save
    them unless the caller writes them with its own update."""
    revision = submission.current_revision
    tier, routed = _newest(submission.current_revision_id or 0)
    findings = [(kind, code, severity) for kind, code, severity, _route in routed]
    codes = {code for _kind, code, _severity in findings}
    # A finding may send the item to the senior queue (a bank that escalates, a fictional person
    # stated for a face or voice synthesis): from the ordinary queue only, never back.
    if submission.queue == Queue.REVIEW and any(route == Queue.ESCALATED for *_f, route in routed):
        submission.queue = Queue.ESCALATED
    submission.tier = tier
    submission.has_blocking_findings = any(
        severity == Severity.BLOCKING for _kind, _code, severity in findings
    )
    submission.is_tampered = "c2pa_tampered" in codes
    submission.contradicts_declaration = "declaration_contradicts_metadata" in codes
    submission.consent_missing = any(
        kind == "consent" and severity == Severity.BLOCKING for kind, _code, severity in findings
    )
    if revision is not None:
        submission.region = revision.region
        submission.category_flags = revision.category_flags
    if submission.awaiting_since is None:
        submission.awaiting_since = (revision.submitted_at if revision else None) or timezone.now()
    # Read with the submission when its reader annotated it (the check pipeline's locked read).
    strikes = getattr(submission, "contributor_strike_count", None)
    if strikes is None:
        strikes = strike_count(submission.contributor)
    submission.priority_score = base_score(submission, strikes)
    submission.priority_rank = rank_for(submission.priority_score, submission.awaiting_since)
    submission.due_at = due_at(submission.queue, submission.awaiting_since)
    if save:
        submission.save(update_fields=OUTCOME_FIELDS)
    return {field: getattr(submission, field) for field in OUTCOME_FIELDS}
