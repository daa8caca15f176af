"""Account sanctions come with a statement of reasons (DSA Art. 17) and the link to complain;
on an illegal ground the report to the authority must be settled (DS Art. 10)."""

from typing import Any

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from accounts.authority import AuthorityReport
from accounts.models import Sanction, User
from accounts.services import SanctionError, sanction_impose


@pytest.mark.parametrize(
    ("kind", "tdb"),
    [
        ("restriction", {"decision_provision": "DECISION_PROVISION_PARTIAL_SUSPENSION"}),
        ("suspension", {"decision_account": "DECISION_ACCOUNT_SUSPENDED"}),
        ("closure", {"decision_account": "DECISION_ACCOUNT_TERMINATED"}),
    ],
)
def test_a_restricting_sanction_is_sent_with_its_statement_and_complaint_link(
    uma: User, mod: User, kind: str, tdb: dict, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        sanction = sanction_impose(user=uma, kind=kind, reason="Three unlabelled deepfakes.", actor=mod)
    statement = sanction.statement
    assert statement["facts"] == "Three unlabelled deepfakes."
    assert statement["tdb"]["puid"] == f"provenant-account-{uma.pk}"
    assert {key: statement["tdb"][key] for key in tdb} == tdb
    [message] = mail.outbox
    assert message.to == ["uma@example.com"] and "Statement of reasons" in message.body
    assert "/complaints/link/" in message.body


def test_a_warning_restricts_nothing_and_has_no_statement(uma: User, mod: User) -> None:
    assert sanction_impose(user=uma, kind="warning", reason="Label AI images.", actor=mod).statement == {}


def test_an_illegal_ground_needs_the_report_settled(uma: User, mod: User) -> None:
    with pytest.raises(SanctionError, match="reported to the authority"):
        sanction_impose(user=uma, kind="suspension", reason="Fraud.", actor=mod, ground="illegal")
    sanction = sanction_impose(
        user=uma,
        kind="suspension",
        reason="Fraud.",
        actor=mod,
        ground="illegal",
        ground_reference="Deep Synthesis Provisions Art. 6",
        authority=AuthorityReport(not_reported_reason="Reported by the victim already."),
    )
    assert (sanction.reported_to_authority, sanction.not_reported_reason) == (
        False,
        "Reported by the victim already.",
    )
    assert sanction.statement["ground"] == "Illegal content: Deep Synthesis Provisions Art. 6"


def test_the_database_refuses_a_restriction_without_a_statement(uma: User) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Sanction.objects.create(user=uma, kind="closure", reason="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Sanction.objects.create(user=uma, kind="warning", reason="x", ground="illegal")
