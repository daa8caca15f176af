"""Statements of reasons to the EU Transparency Database: the payload (valid, no personal data,
synthetic media and deepfake keywords), and the sending job against a stand-in of the API."""

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import User
from moderation.models import Category, Decision, MediaFile, PolicyReason, Submission
from moderation.review.statements import build_statement
from oversight.models import ReasonCategory, StatementSubmission, TdbRequest
from oversight.tdb.payload import NotForDatabase, contexts_for, statement_payload
from oversight.tdb.services import statements_queue, statements_send, statements_send_batch
from oversight.tdb.validation import validate_statement
from tests.oversight.conftest import make_item
from tests.oversight.tdb_server import FakeDatabase

Status = StatementSubmission.Status
SECRET_EXPLANATION = "Alice Liddell's neighbour Carol Chen is shown in beach.jpg"


def rejection(
    contributor: User,
    moderator: User,
    *,
    reason: str = "unlabelled-ai",
    tier: str = "confirmed",
    region: str = "eu",
    categories: tuple[str, ...] = (),
    consent_missing: bool = False,
) -> Decision:
    """A rejection with the statement of reasons moderation builds for it."""
    item = make_item(
        contributor,
        submitted_at=timezone.now() - timedelta(hours=3),
        tier=tier,
        region=region,
        category_flags=Category.to_flags(list(categories)),
        consent_missing=consent_missing,
        body="Text of the post.",
    )
    MediaFile.objects.create(
        revision=item.current_revision,
        kind="image",
        mime_type="image/jpeg",
        original_name="beach.jpg",
        file="x/beach.jpg",
        size=10,
        sha256="a" * 64,
    )
    policy = PolicyReason.objects.get(code=reason)
    statement = build_statement(
        submission=item,
        outcome="rejected",
        reason=policy,
        explanation=SECRET_EXPLANATION,
        findings=[],
        queue="review",
    )
    decision = Decision.objects.create(
        submission=item,
        revision=item.current_revision,
        moderator=moderator,
        outcome="rejected",
        reason=policy,
        explanation=SECRET_EXPLANATION,
        statement=statement,
        from_queue="review",
    )
    Submission.objects.filter(pk=item.pk).update(status="rejected", decided_at=decision.created_at)
    return Decision.objects.select_related("submission", "revision", "reason").get(pk=decision.pk)


def payload_of(decision: Decision) -> dict[str, Any]:
    return statement_payload(decision, contexts_for([decision])[decision.pk])


def test_the_payload_is_valid_and_carries_no_personal_data(alice: User, mod: User) -> None:
    decision = rejection(alice, mod)
    payload = payload_of(decision)
    assert validate_statement(payload) == {}
    assert payload["puid"] == f"provenant-decision-{decision.pk}"
    assert payload["content_type"] == [
        "CONTENT_TYPE_IMAGE",
        "CONTENT_TYPE_SYNTHETIC_MEDIA",
        "CONTENT_TYPE_TEXT",
    ]
    assert payload["decision_ground"] == "DECISION_GROUND_INCOMPATIBLE_CONTENT"
    assert payload["incompatible_content_ground"].startswith("Terms §4")
    assert len(payload["territorial_scope"]) == 27  # the EU
    text = json.dumps(payload, ensure_ascii=False)
    for personal in (
        "alice",
        "Alice",
        "Liddell",
        "alice@example.com",
        "mod@example.com",
        "Carol",
        "beach.jpg",
        SECRET_EXPLANATION,
    ):
        assert personal not in text, personal


def test_synthetic_media_only_when_the_tier_is_not_none(alice: User, mod: User) -> None:
    payload = payload_of(rejection(alice, mod, tier="none", reason="quality"))
    assert "CONTENT_TYPE_SYNTHETIC_MEDIA" not in payload["content_type"]
    assert validate_statement(payload) == {}


def test_a_face_swap_without_consent_carries_the_deepfake_keyword(alice: User, mod: User) -> None:
    decision = rejection(
        alice, mod, reason="impersonation", categories=(Category.FACE_SWAP,), consent_missing=True
    )
    payload = payload_of(decision)
    assert "KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE" in payload["category_specification"]
    assert "KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING" in payload["category_specification"]
    assert payload["category"] == "STATEMENT_CATEGORY_SCAMS_AND_FRAUD"
    assert validate_statement(payload) == {}
    consented = payload_of(rejection(alice, mod, reason="quality", categories=(Category.FACE_SWAP,)))
    assert "category_specification" not in consented


def test_illegal_content_names_its_legal_ground(alice: User, mod: User) -> None:
    payload = payload_of(rejection(alice, mod, reason="missing-consent"))
    assert payload["decision_ground"] == "DECISION_GROUND_ILLEGAL_CONTENT"
    assert payload["illegal_content_legal_ground"] == "Deep Synthesis Provisions Art. 14; PIPL Art. 28-29"
    assert "incompatible_content_ground" not in payload
    assert validate_statement(payload) == {}


def test_content_for_mainland_china_only_is_not_for_the_database(alice: User, mod: User) -> None:
    with pytest.raises(NotForDatabase):
        payload_of(rejection(alice, mod, region="cn"))


def test_it_sends_in_batches_and_logs_each_answer(
    alice: User, mod: User, tdb: FakeDatabase, settings: Any
) -> None:
    settings.TDB_BATCH_SIZE = 2
    decisions = [rejection(alice, mod) for _ in range(3)]
    assert statements_queue() == 3
    assert statements_queue() == 0  # each statement is logged once
    report = statements_send()
    assert (report.sent, report.calls) == (3, 2)
    assert [r["path"] for r in tdb.requests] == ["/api/v1/statements"] * 2
    for decision in decisions:
        row = StatementSubmission.objects.get(decision=decision)
        assert row.status == Status.SENT and row.http_status == 201 and row.attempts == 1
        assert row.tdb_uuid == tdb.stored[row.puid]["uuid"]
        assert row.payload == {
            k: v for k, v in tdb.stored[row.puid].items() if k not in ("uuid", "platform_name")
        }
    assert list(TdbRequest.objects.values_list("statements", "http_status")) == [(1, 201), (2, 201)]
    assert statements_send().calls == 0  # nothing left


def test_an_invalid_payload_is_never_sent(alice: User, mod: User, tdb: FakeDatabase) -> None:
    bad = rejection(alice, mod, reason="quality")
    ReasonCategory.objects.update_or_create(
        reason=bad.reason, defaults={"category": "STATEMENT_CATEGORY_NOPE"}
    )
    good = rejection(alice, mod, reason="unlabelled-ai")
    statements_queue()
    statements_send()
    row = StatementSubmission.objects.get(decision=bad)
    assert row.status == Status.INVALID and row.http_status is None
    assert "category" in row.errors
    assert list(tdb.stored) == [f"provenant-decision-{good.pk}"]


def test_a_statement_the_database_refuses_is_kept_with_its_errors(
    alice: User, mod: User, tdb: FakeDatabase
) -> None:
    refused, fine = rejection(alice, mod), rejection(alice, mod)
    tdb.refuse_puids[f"provenant-decision-{refused.pk}"] = {"decision_facts": ["The decision facts are odd."]}
    statements_queue()
    statements_send()
    row = StatementSubmission.objects.get(decision=refused)
    assert (row.status, row.http_status) == (Status.INVALID, 422)
    assert row.errors == {"decision_facts": ["The decision facts are odd."]}
    # The other one was refused with it (nothing is stored from a refused batch), then sent alone.
    assert StatementSubmission.objects.get(decision=fine).status == Status.SENT
    assert list(tdb.stored) == [f"provenant-decision-{fine.pk}"]


def test_a_puid_the_database_already_holds_counts_as_sent(alice: User, mod: User, tdb: FakeDatabase) -> None:
    decision = rejection(alice, mod)
    tdb.stored[f"provenant-decision-{decision.pk}"] = {"uuid": "earlier"}
    statements_queue()
    statements_send()
    row = StatementSubmission.objects.get(decision=decision)
    assert (row.status, row.http_status) == (Status.SENT, 422)


def test_failures_are_retried_with_backoff_then_given_up(
    alice: User, mod: User, tdb: FakeDatabase, settings: Any
) -> None:
    settings.TDB_MAX_ATTEMPTS = 3
    decision = rejection(alice, mod)
    statements_queue()
    now = timezone.now()
    tdb.failures = [500, 429]
    assert statements_send_batch(now=now).retrying == 1
    row = StatementSubmission.objects.get(decision=decision)
    assert (row.status, row.http_status, row.attempts) == (Status.PENDING, 500, 1)
    assert row.next_attempt_at == now + timedelta(seconds=30)
    assert statements_send_batch(now=now + timedelta(seconds=10)).calls == 0  # not due yet
    assert statements_send_batch(now=now + timedelta(seconds=31)).retrying == 1
    row.refresh_from_db()
    assert (row.http_status, row.attempts) == (429, 2)
    assert row.next_attempt_at == now + timedelta(seconds=31 + 60)
    assert statements_send_batch(now=now + timedelta(minutes=5)).sent == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.SENT, 3)

    gone = rejection(alice, mod)
    statements_queue()
    tdb.failures = [503] * 3
    later = now + timedelta(hours=1)
    for step in range(3):
        statements_send_batch(now=later + timedelta(hours=step))
    row = StatementSubmission.objects.get(decision=gone)
    assert (row.status, row.http_status, row.attempts) == (Status.FAILED, 503, 3)


def test_a_wrong_token_or_no_answer_waits_for_another_try(
    alice: User, mod: User, tdb: FakeDatabase, settings: Any
) -> None:
    decision = rejection(alice, mod)
    statements_queue()
    settings.TDB_API_TOKEN = "wrong"
    statements_send()
    row = StatementSubmission.objects.get(decision=decision)
    assert (row.status, row.http_status) == (Status.PENDING, 401)
    settings.TDB_API_BASE_URL = "http://127.0.0.1:9/api/v1"  # nothing listens on the discard port
    statements_send(now=timezone.now() + timedelta(hours=1))
    row.refresh_from_db()
    assert row.status == Status.PENDING and row.http_status is None
    assert "Error" in row.errors["error"][0]


@pytest.mark.services
def test_the_sending_job_runs_on_the_default_queue(
    alice: User, mod: User, tdb: FakeDatabase, rq_connection: Any, django_capture_on_commit_callbacks: Any
) -> None:
    import django_rq
    from rq import SimpleWorker

    decision = rejection(alice, mod)
    with django_capture_on_commit_callbacks(execute=True):
        statements_queue()
    queue = django_rq.get_queue("default")
    assert queue.job_ids == ["tdb-send-statements"]
    assert StatementSubmission.objects.get(decision=decision).status == Status.PENDING
    SimpleWorker([queue], connection=queue.connection).work(burst=True)
    row = StatementSubmission.objects.get(decision=decision)
    assert row.status == Status.SENT and row.tdb_uuid
