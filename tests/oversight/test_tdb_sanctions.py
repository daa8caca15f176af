"""Account sanctions to the EU Transparency Database (DSA Art. 24(5) covers decisions on accounts):
restrictions, suspensions and closures are sent with decision_account or decision_provision and
the account type, valid by the database's rules, with no personal data; warnings are not."""

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from accounts.authority import AuthorityReport
from accounts.models import IdentityVerification, Sanction, User
from accounts.services import sanction_impose
from oversight.models import StatementSubmission
from oversight.tdb.payload import sanction_contexts_for, sanction_payload
from oversight.tdb.services import statements_queue, statements_send
from oversight.tdb.validation import validate_statement
from tests.oversight.conftest import make_item
from tests.oversight.tdb_server import FakeDatabase
from tests.oversight.test_tdb_sending import rejection

Status = StatementSubmission.Status
SECRET = "Alice Liddell harassed Carol Chen on three posts"


def impose(user: User, actor: User, kind: str, **kwargs: Any) -> Sanction:
    return sanction_impose(user=user, kind=kind, reason=SECRET, actor=actor, **kwargs)


def payload_of(sanction: Sanction) -> dict[str, Any]:
    return sanction_payload(sanction, sanction_contexts_for([sanction])[sanction.pk])


def test_a_suspension_is_sent_with_its_account_decision_and_nothing_personal(
    alice: User, mod: User, senior: User, tdb: FakeDatabase
) -> None:
    evidence = rejection(alice, mod)  # a confirmed-AI image rejected on the terms
    suspension = impose(
        alice,
        senior,
        "suspension",
        evidence_submission_ids=[evidence.submission_id],
        expires_at=timezone.now() + timedelta(days=30),
    )
    assert statements_queue() == 2  # the rejection and the suspension
    report = statements_send()
    assert report.sent == 2 and report.invalid == 0
    row = StatementSubmission.objects.get(sanction=suspension)
    assert row.status == Status.SENT and row.puid == f"provenant-sanction-{suspension.pk}"
    stored = tdb.stored[row.puid]
    assert row.tdb_uuid == stored["uuid"]
    assert stored["decision_account"] == "DECISION_ACCOUNT_SUSPENDED"
    assert stored["account_type"] == "ACCOUNT_TYPE_PRIVATE"
    assert "decision_visibility" not in stored and "decision_provision" not in stored
    assert stored["content_type"] == ["CONTENT_TYPE_IMAGE", "CONTENT_TYPE_SYNTHETIC_MEDIA"]
    assert stored["category"] == "STATEMENT_CATEGORY_OTHER_VIOLATION_TC"
    assert (
        stored["end_date_account_restriction"] == suspension.statement["tdb"]["end_date_account_restriction"]
    )
    assert stored["content_date"] == evidence.revision.submitted_at.date().isoformat()
    assert stored["decision_ground"] == "DECISION_GROUND_INCOMPATIBLE_CONTENT"
    assert stored["source_type"] == "SOURCE_VOLUNTARY" and stored["automated_decision"] == (
        "AUTOMATED_DECISION_NOT_AUTOMATED"
    )
    text = json.dumps(stored)
    for personal in ("Alice", "Carol", "alice", f"account-{alice.pk}", alice.email):
        assert personal not in text, personal
    assert statements_queue() == 0  # logged once


def test_each_kind_says_what_it_restricts(alice: User, senior: User, tdb: FakeDatabase) -> None:
    restriction = impose(alice, senior, "restriction", expires_at=timezone.now() + timedelta(days=7))
    payload = payload_of(restriction)
    assert payload["decision_provision"] == "DECISION_PROVISION_PARTIAL_SUSPENSION"
    assert "decision_account" not in payload
    assert (
        payload["end_date_service_restriction"]
        == restriction.statement["tdb"]["end_date_service_restriction"]
    )
    # No evidence: the account itself is the content.
    assert (
        payload["content_type"] == ["CONTENT_TYPE_OTHER"] and payload["content_type_other"] == "User account"
    )
    assert validate_statement(payload) == {}
    closure = impose(alice, senior, "closure")
    assert payload_of(closure)["decision_account"] == "DECISION_ACCOUNT_TERMINATED"
    assert validate_statement(payload_of(closure)) == {}
    impose(alice, senior, "warning")
    assert statements_queue() == 2  # not the warning: it restricts nothing
    assert statements_send().sent == 2
    assert sorted(tdb.stored) == sorted(
        [f"provenant-sanction-{restriction.pk}", f"provenant-sanction-{closure.pk}"]
    )


def test_an_organisation_on_an_illegal_ground(alice: User, senior: User, tdb: FakeDatabase) -> None:
    IdentityVerification.objects.create(
        user=alice, method=IdentityVerification.Method.USCC, status=IdentityVerification.Status.VERIFIED
    )
    closure = impose(
        alice,
        senior,
        "closure",
        ground=Sanction.Ground.ILLEGAL,
        ground_reference="Cybersecurity Law Art. 12",
        authority=AuthorityReport(reported_at=timezone.now(), reference="CAC-1"),
    )
    payload = payload_of(closure)
    assert payload["account_type"] == "ACCOUNT_TYPE_BUSINESS"
    assert payload["decision_ground"] == "DECISION_GROUND_ILLEGAL_CONTENT"
    assert payload["illegal_content_legal_ground"] == "Cybersecurity Law Art. 12"
    assert "incompatible_content_ground" not in payload
    statements_queue()
    assert statements_send().sent == 1
    assert tdb.stored[f"provenant-sanction-{closure.pk}"]["account_type"] == "ACCOUNT_TYPE_BUSINESS"


def test_a_refused_sanction_is_kept_with_the_databases_errors(
    alice: User, senior: User, tdb: FakeDatabase
) -> None:
    suspension = impose(alice, senior, "suspension")
    tdb.refuse_puids[f"provenant-sanction-{suspension.pk}"] = {"decision_facts": ["Odd facts."]}
    statements_queue()
    statements_send()
    row = StatementSubmission.objects.get(sanction=suspension)
    assert row.status == Status.INVALID and row.errors == {"decision_facts": ["Odd facts."]}


@pytest.mark.parametrize("kind", ["suspension", "closure", "restriction"])
def test_the_payload_is_valid_for_every_kind_with_evidence(
    alice: User, mod: User, senior: User, kind: str
) -> None:
    item = make_item(alice, submitted_at=timezone.now() - timedelta(days=2), tier="none")
    sanction = impose(alice, senior, kind, evidence_submission_ids=[item.pk, 999999])
    payload = payload_of(sanction)
    assert validate_statement(payload) == {}
    assert payload["content_type"] == ["CONTENT_TYPE_OTHER"]  # a text-free item without media
