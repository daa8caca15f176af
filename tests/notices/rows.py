"""Notices, cases, decisions and complaints written directly with fixed times (figures and
retention are about time); the services are tested in test_notice_services and test_complaints."""

from datetime import date, datetime, timedelta
from typing import Any

from accounts.models import Sanction, User
from complaints.models import Complaint
from moderation.models import Decision, PolicyReason, Submission
from notices.models import Notice, NoticeCase
from oversight.metrics.days import day_bounds

H = timedelta(hours=1)


def at(day: date, hours: float) -> datetime:
    return day_bounds(day)[0] + hours * H


def case_on(item: Submission, opened: datetime, category: str) -> NoticeCase:
    return NoticeCase.objects.create(submission=item, opened_at=opened, top_category=category, notice_count=1)


def notice_in(case: NoticeCase, received: datetime, category: str, *, trusted: bool = False) -> Notice:
    anonymous = category == "csam"
    return Notice.objects.create(
        case=case,
        submission=case.submission,
        urls=[f"http://testserver/p/{case.submission_id}/"],
        category=category,
        explanation="Look at it.",
        name="" if anonymous else "Nina Notifier",
        email="" if anonymous else "nina@example.com",
        good_faith=True,
        trusted_flagger=trusted,
        received_at=received,
    )


def decide_case(
    case: NoticeCase,
    moderator: User | None,
    outcome: str,
    when: datetime,
    *,
    reason: str | None,
    automated: str = "",
) -> Decision:
    policy = PolicyReason.objects.get(code=reason) if reason else None
    statement: dict[str, Any] = {}
    if outcome != "no_action" or automated:
        statement = {
            "restriction": "r",
            "tdb": {"automated_decision": automated or "AUTOMATED_DECISION_NOT_AUTOMATED"},
        }
    decision = Decision.objects.create(
        submission=case.submission,
        revision=case.submission.current_revision,
        moderator=moderator,
        outcome=outcome,
        reason=policy,
        explanation="Because.",
        statement=statement,
        from_queue="",
        created_at=when,
    )
    NoticeCase.objects.filter(pk=case.pk).update(
        state="decided",
        decided_at=when,
        decided_by=moderator,
        outcome=outcome,
        decision=decision,
        reasons="R.",
    )
    return decision


def complaint(
    received: datetime,
    kind: str,
    *,
    decision: Decision | None = None,
    sanction: Sanction | None = None,
    answered: datetime | None = None,
    overturned: bool = False,
    reviewer: User | None = None,
    notice: Notice | None = None,
    complainant: User | None = None,
) -> Complaint:
    state = "open" if answered is None else ("overturned" if overturned else "upheld")
    return Complaint.objects.create(
        decision=decision,
        sanction=sanction,
        submission=decision.submission if decision else None,
        complainant_kind=kind,
        complainant=complainant,
        notice=notice,
        complainant_key=f"{kind}:{received.isoformat()}",
        email="c@example.com",
        explanation="It is wrong.",
        received_at=received,
        informed_at=received - H,
        state=state,
        reviewer=reviewer if answered else None,
        resolution="Looked again." if answered else "",
        decided_at=answered,
    )
