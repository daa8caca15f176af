"""Sanction services: what they record, what they refuse, and what each one audits."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Sanction, User
from accounts.services import (
    SanctionError,
    sanction_acknowledge,
    sanction_impose,
    sanction_lift,
    sanction_report_to_authority,
)
from audit.models import AuditEvent

Kind = Sanction.Kind


def test_it_records_a_sanction_with_evidence_actor_and_report(uma: User, mod: User) -> None:
    sanction = sanction_impose(
        user=uma,
        kind=Kind.RESTRICTION,
        reason="  Unlabelled face swap.  ",
        actor=mod,
        evidence_submission_ids=[40, 12, 40],
        expires_at=timezone.now() + timedelta(days=3),
        reported_to_authority=True,
    )
    sanction.refresh_from_db()
    assert sanction.reason == "Unlabelled face swap."
    assert sanction.evidence_submission_ids == [12, 40]
    assert sanction.actor == mod
    assert sanction.reported_to_authority and sanction.reported_at is not None
    event = AuditEvent.objects.get(action="sanction.imposed")
    assert event.actor == mod
    assert event.target_id == str(uma.pk)
    assert event.details["sanction_id"] == sanction.pk
    assert event.details["kind"] == "restriction"
    assert event.details["evidence_submission_ids"] == [12, 40]
    assert event.details["reported_to_authority"] is True


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reason": "  "}, "reason"),
        ({"evidence_submission_ids": [0]}, "submission ids"),
        ({"evidence_submission_ids": [-3]}, "submission ids"),
        ({"evidence_submission_ids": [True]}, "submission ids"),
        ({"evidence_submission_ids": ["7"]}, "submission ids"),
        ({"kind": Kind.WARNING, "expires_at": timezone.now() + timedelta(days=1)}, "end date"),
        ({"kind": Kind.CLOSURE, "expires_at": timezone.now() + timedelta(days=1)}, "end date"),
        ({"expires_at": timezone.now() - timedelta(minutes=1)}, "future"),
    ],
)
def test_it_refuses_sanctions_that_make_no_sense(uma: User, mod: User, changes: dict, message: str) -> None:
    arguments = {"user": uma, "kind": Kind.SUSPENSION, "reason": "Because.", "actor": mod, **changes}
    with pytest.raises(SanctionError) as excinfo:
        sanction_impose(**arguments)
    assert message in str(excinfo.value.message)
    assert not Sanction.objects.exists()
    assert not AuditEvent.objects.filter(action="sanction.imposed").exists()


def test_it_refuses_to_sanction_oneself(ada: User) -> None:
    with pytest.raises(SanctionError):
        sanction_impose(user=ada, kind=Kind.WARNING, reason="Oops.", actor=ada)


def test_it_refuses_an_unknown_kind(uma: User, mod: User) -> None:
    with pytest.raises(ValueError):
        sanction_impose(user=uma, kind="ban_forever", reason="x", actor=mod)


def test_it_closes_and_reopens_an_account(uma: User, ada: User) -> None:
    closure = sanction_impose(user=uma, kind=Kind.CLOSURE, reason="Fraud.", actor=ada)
    assert User.objects.get(pk=uma.pk).is_active is False
    sanction_lift(sanction=closure, actor=ada, reason="Identity theft: it was not her.")
    assert User.objects.get(pk=uma.pk).is_active is True
    closure.refresh_from_db()
    assert closure.lifted_by == ada and closure.lift_reason.startswith("Identity theft")
    event = AuditEvent.objects.get(action="sanction.lifted")
    assert event.actor == ada and event.details["reason"].startswith("Identity theft")


def test_it_keeps_an_account_closed_while_another_closure_stands(uma: User, ada: User) -> None:
    first = sanction_impose(user=uma, kind=Kind.CLOSURE, reason="One.", actor=ada)
    sanction_impose(user=uma, kind=Kind.CLOSURE, reason="Two.", actor=ada)
    sanction_lift(sanction=first, actor=ada, reason="First was wrong.")
    assert User.objects.get(pk=uma.pk).is_active is False


def test_it_lifts_once_and_needs_a_reason(uma: User, ada: User) -> None:
    sanction = sanction_impose(user=uma, kind=Kind.SUSPENSION, reason="s", actor=ada)
    with pytest.raises(SanctionError):
        sanction_lift(sanction=sanction, actor=ada, reason="")
    sanction_lift(sanction=sanction, actor=ada, reason="Appeal upheld.")
    with pytest.raises(SanctionError):
        sanction_lift(sanction=sanction, actor=ada, reason="Again.")
    assert AuditEvent.objects.filter(action="sanction.lifted").count() == 1


def test_it_acknowledges_a_warning_once(uma: User, ugo: User, mod: User) -> None:
    warning = sanction_impose(user=uma, kind=Kind.WARNING, reason="Label your AI images.", actor=mod)
    with pytest.raises(SanctionError):
        sanction_acknowledge(sanction=warning, user=ugo)
    sanction_acknowledge(sanction=warning, user=uma)
    sanction_acknowledge(sanction=warning, user=uma)
    assert warning.acknowledged_at is not None
    assert AuditEvent.objects.filter(action="sanction.acknowledged", actor=uma).count() == 1


def test_it_only_acknowledges_warnings(uma: User, mod: User) -> None:
    restriction = sanction_impose(user=uma, kind=Kind.RESTRICTION, reason="r", actor=mod)
    with pytest.raises(SanctionError):
        sanction_acknowledge(sanction=restriction, user=uma)


def test_it_records_a_report_to_the_authority_once(uma: User, senior: User) -> None:
    sanction = sanction_impose(user=uma, kind=Kind.SUSPENSION, reason="Illegal content.", actor=senior)
    sanction_report_to_authority(sanction=sanction, actor=senior)
    first_time = sanction.reported_at
    sanction_report_to_authority(sanction=sanction, actor=senior)
    assert sanction.reported_to_authority and sanction.reported_at == first_time
    assert AuditEvent.objects.filter(action="sanction.reported_to_authority").count() == 1
