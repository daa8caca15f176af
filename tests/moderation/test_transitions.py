"""The lifecycle table and its one writer: every (from, to) pair, concurrent movers, the audit
event and the after-transition hooks."""

import itertools
import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from moderation.lifecycle import (
    AFTER_TRANSITION_HOOKS,
    InvalidTransition,
    TransitionResult,
    register_after_transition,
    submission_transition,
)
from moderation.models import Decision, DecisionOutcome, Status, Submission
from moderation.models.choices import STATEMENT_REQUIRED, TRANSITIONS, WITHDRAWABLE, can_move
from moderation.review.statements import MissingStatement, require_statement
from tests.moderation.builders import draft

ALLOWED = {
    (Status.DRAFT, Status.SUBMITTED),
    (Status.DRAFT, Status.WITHDRAWN),
    (Status.SUBMITTED, Status.CHECKING),
    (Status.SUBMITTED, Status.AWAITING_REVIEW),
    (Status.SUBMITTED, Status.WITHDRAWN),
    (Status.CHECKING, Status.AWAITING_REVIEW),
    (Status.CHECKING, Status.WITHDRAWN),
    (Status.AWAITING_REVIEW, Status.CHECKING),
    (Status.AWAITING_REVIEW, Status.PUBLISHING),
    (Status.AWAITING_REVIEW, Status.REJECTED),
    (Status.AWAITING_REVIEW, Status.CHANGES_REQUESTED),
    (Status.AWAITING_REVIEW, Status.WITHDRAWN),
    (Status.AWAITING_REVIEW, Status.DRAFT),
    (Status.PUBLISHING, Status.APPROVED),
    (Status.PUBLISHING, Status.AWAITING_REVIEW),
    (Status.PUBLISHING, Status.TAKEN_DOWN),
    (Status.APPROVED, Status.AWAITING_REVIEW),
    (Status.APPROVED, Status.TAKEN_DOWN),
    (Status.APPROVED, Status.RESTRICTED),
    (Status.RESTRICTED, Status.AWAITING_REVIEW),
    (Status.RESTRICTED, Status.TAKEN_DOWN),
    (Status.RESTRICTED, Status.PUBLISHING),
    (Status.TAKEN_DOWN, Status.PUBLISHING),
    (Status.REJECTED, Status.PUBLISHING),
    (Status.CHANGES_REQUESTED, Status.DRAFT),
    (Status.CHANGES_REQUESTED, Status.WITHDRAWN),
    (Status.CHANGES_REQUESTED, Status.PUBLISHING),
}
# Moves that restrict content: refused without a statement of reasons (R36).
NEED_A_STATEMENT = {
    (Status.AWAITING_REVIEW, Status.REJECTED),
    (Status.AWAITING_REVIEW, Status.CHANGES_REQUESTED),
    (Status.APPROVED, Status.AWAITING_REVIEW),
    (Status.APPROVED, Status.TAKEN_DOWN),
    (Status.APPROVED, Status.RESTRICTED),
    (Status.RESTRICTED, Status.AWAITING_REVIEW),
    (Status.RESTRICTED, Status.TAKEN_DOWN),
    (Status.PUBLISHING, Status.TAKEN_DOWN),
}


def in_status(contributor: User, status: str) -> Submission:
    submission = draft(contributor)
    Submission.objects.filter(pk=submission.pk).update(status=status)  # test set-up, not a move
    submission.refresh_from_db()
    return submission


def with_statement(submission: Submission, mod: User) -> dict[str, int]:
    """A decision carrying a statement, as the services write before a restricting move."""
    decision = Decision.objects.create(
        submission=submission,
        revision=submission.current_revision,
        moderator=mod,
        outcome=DecisionOutcome.TAKEN_DOWN,
        statement={"restriction": "Taken down."},
    )
    return {"decision": decision.pk}


def test_the_table_is_the_documented_lifecycle() -> None:
    assert set(TRANSITIONS) == set(Status.values)
    assert {(a, b) for a, targets in TRANSITIONS.items() for b in targets} == ALLOWED
    assert STATEMENT_REQUIRED == NEED_A_STATEMENT and NEED_A_STATEMENT <= ALLOWED
    assert {
        Status.DRAFT,
        Status.SUBMITTED,
        Status.CHECKING,
        Status.AWAITING_REVIEW,
        Status.CHANGES_REQUESTED,
    } == WITHDRAWABLE


@pytest.mark.parametrize(("from_status", "to_status"), list(itertools.product(Status.values, repeat=2)))
def test_every_pair_is_allowed_or_refused_by_the_table(
    alice: User, mod: User, from_status: str, to_status: str
) -> None:
    submission = in_status(alice, from_status)
    version = submission.version
    if (from_status, to_status) in ALLOWED:
        details = with_statement(submission, mod) if (from_status, to_status) in NEED_A_STATEMENT else {}
        result = submission_transition(
            submission=submission, to=to_status, actor=mod, action="test.moved", details=details
        )
        assert (result.from_status, result.to_status, result.submission) == (
            from_status,
            to_status,
            submission,
        )
        assert (submission.status, submission.version) == (to_status, version + 1)
        event = AuditEvent.objects.get(action="test.moved")
        assert (event.actor, event.details) == (mod, {"from": from_status, "to": to_status, **details})
    else:
        assert not can_move(from_status, to_status)
        with pytest.raises(InvalidTransition, match=r"^This submission is "):
            submission_transition(submission=submission, to=to_status, actor=mod, action="test.moved")
        submission.refresh_from_db()
        assert (submission.status, submission.version) == (from_status, version)
        assert not AuditEvent.objects.filter(action="test.moved").exists()


@pytest.mark.parametrize(("from_status", "to_status"), sorted(NEED_A_STATEMENT))
def test_a_restricting_move_without_a_statement_is_refused(
    alice: User, mod: User, from_status: str, to_status: str
) -> None:
    submission = in_status(alice, from_status)
    with pytest.raises(MissingStatement, match="without a statement of reasons"):
        submission_transition(submission=submission, to=to_status, actor=mod, action="test.moved")
    assert Submission.objects.get(pk=submission.pk).status == from_status
    assert not AuditEvent.objects.filter(action="test.moved").exists()


def test_a_statement_made_after_the_move_does_not_count(alice: User, mod: User) -> None:
    submission = in_status(alice, Status.APPROVED)
    details = with_statement(submission, mod)
    Decision.objects.filter(pk=details["decision"]).update(created_at=timezone.now() + timedelta(minutes=1))
    with pytest.raises(MissingStatement):
        submission_transition(
            submission=submission, to=Status.TAKEN_DOWN, actor=mod, action="x", details=details
        )
    assert Submission.objects.get(pk=submission.pk).status == Status.APPROVED


def test_a_statement_of_another_item_does_not_count(alice: User, mod: User) -> None:
    submission, other = in_status(alice, Status.APPROVED), in_status(alice, Status.APPROVED)
    with pytest.raises(MissingStatement):
        submission_transition(
            submission=submission,
            to=Status.TAKEN_DOWN,
            actor=mod,
            action="x",
            details=with_statement(other, mod),
        )


def test_it_says_why_a_move_is_refused(alice: User) -> None:
    submission = in_status(alice, Status.APPROVED)
    with pytest.raises(InvalidTransition) as excinfo:
        submission_transition(submission=submission, to=Status.WITHDRAWN, actor=alice, action="x")
    assert str(excinfo.value) == "This submission is approved, so it cannot be withdrawn."


def test_a_caller_may_narrow_the_sources(alice: User) -> None:
    submission = in_status(alice, Status.CHECKING)
    with pytest.raises(InvalidTransition):
        submission_transition(
            submission=submission, to=Status.WITHDRAWN, actor=alice, action="x", from_=[Status.DRAFT]
        )
    assert Submission.objects.get(pk=submission.pk).status == Status.CHECKING


def test_it_writes_the_callers_fields_in_the_same_update(alice: User, mod: User) -> None:
    submission = in_status(alice, Status.AWAITING_REVIEW)
    submission_transition(
        submission=submission,
        to=Status.PUBLISHING,
        actor=mod,
        action="x",
        details={"decision": 7},
        fields={"claimed_by": None, "decided_at": submission.created_at},
    )
    assert submission.decided_at == submission.created_at
    assert AuditEvent.objects.get(action="x").details == {
        "from": "awaiting_review",
        "to": "publishing",
        "decision": 7,
    }


def test_a_stale_status_is_read_again_and_the_table_decides(alice: User) -> None:
    submission = in_status(alice, Status.SUBMITTED)
    Submission.objects.filter(pk=submission.pk).update(status=Status.CHECKING)  # a worker moved it
    result = submission_transition(submission=submission, to=Status.WITHDRAWN, actor=alice, action="x")
    assert (result.from_status, submission.status) == (Status.CHECKING, Status.WITHDRAWN)

    stale = Submission.objects.get(pk=submission.pk)
    stale.status = Status.CHECKING
    with pytest.raises(InvalidTransition, match="is withdrawn, so it cannot be withdrawn"):
        submission_transition(submission=stale, to=Status.WITHDRAWN, actor=alice, action="x")
    assert AuditEvent.objects.filter(action="x").count() == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_of_two_concurrent_movers_exactly_one_wins(postgres: None) -> None:
    from tests.factories import make_contributor

    contributor = make_contributor("carla")
    submission = in_status(contributor, Status.AWAITING_REVIEW)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def move(to: str) -> None:
        copy = Submission.objects.get(pk=submission.pk)
        barrier.wait()
        try:
            submission_transition(submission=copy, to=to, actor=None, action="race")
            outcomes.append(f"moved to {to}")
        except InvalidTransition:
            outcomes.append("refused")
        finally:
            connection.close()

    # The contributor withdraws while a moderator approves.
    threads = [threading.Thread(target=move, args=(to,)) for to in (Status.PUBLISHING, Status.WITHDRAWN)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes)[1] == "refused" and sorted(outcomes)[0].startswith("moved to"), outcomes
    final = Submission.objects.get(pk=submission.pk)
    assert (final.version, AuditEvent.objects.filter(action="race").count()) == (submission.version + 1, 1)
    assert outcomes.count(f"moved to {final.status}") == 1


@pytest.fixture
def hooks(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    registered: list[Any] = []
    monkeypatch.setattr("moderation.lifecycle.AFTER_TRANSITION_HOOKS", registered)
    return registered


def test_the_hooks_run_in_order_with_the_result(alice: User, hooks: list[Any]) -> None:
    seen: list[tuple[str, str, str, int]] = []

    def first(result: TransitionResult) -> None:
        seen.append(("first", result.from_status, result.to_status, result.submission.version))

    def second(result: TransitionResult) -> None:
        seen.append(("second", result.from_status, result.to_status, result.submission.version))

    register_after_transition(first)
    register_after_transition(second)
    register_after_transition(first)  # once is enough
    submission = in_status(alice, Status.DRAFT)
    submission_transition(submission=submission, to=Status.SUBMITTED, actor=alice, action="x")
    assert seen == [("first", "draft", "submitted", 2), ("second", "draft", "submitted", 2)]


def test_a_failing_hook_undoes_the_move(alice: User, hooks: list[Any]) -> None:
    def broken(result: TransitionResult) -> None:
        raise RuntimeError("outbox is down")

    register_after_transition(broken)
    submission = in_status(alice, Status.DRAFT)
    with pytest.raises(RuntimeError):
        submission_transition(submission=submission, to=Status.SUBMITTED, actor=alice, action="x")
    assert Submission.objects.get(pk=submission.pk).status == Status.DRAFT
    assert not AuditEvent.objects.filter(action="x").exists()


def test_the_statement_guard_runs_first_then_the_other_hooks() -> None:
    from consent.services.requests import consent_requests_on_submit
    from webhooks.hooks import announce_transition

    # A move the guard refuses is never announced to a publisher; consent requests go out on
    # submission (consent/apps.py).
    assert [require_statement, consent_requests_on_submit, announce_transition] == AFTER_TRANSITION_HOOKS
