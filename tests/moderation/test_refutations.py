"""Rumour refutation (Deep Synthesis Provisions Art. 11): published false information carries a
refutation above its media, the act is kept, and its report to the authority is logged."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from moderation.models import Decision, DecisionOutcome, Refutation, Submission
from moderation.publication.refutations import (
    RefutationRefused,
    publication_refute,
    refutation_report_to_authority,
    refutation_withdraw,
)
from notifications.models import Notification
from tests.published import published, reason

TEXT = "No flood happened in the old town on 3 May; the photo was generated."


def refute(item: Submission, moderator: User, **kwargs: object) -> Refutation:
    values: dict = {
        "reason": reason("fake-news"),
        "text": TEXT,
        "explanation": "The city's flood records and two reporters on the scene show no flood.",
        "source_url": "https://example.gov.cn/floods/2026-05-03",
    }
    values.update(kwargs)
    return publication_refute(submission=item, moderator=moderator, **values)


def test_R29_false_information_gets_a_refutation_a_kept_record_and_a_report_log(
    alice: User, mod: User, mod_client: Client
) -> None:
    item = published(alice, mod)
    refutation = refute(item, mod)
    # 1. The refutation action: shown above the media on the published page.
    page = Client().get(f"/p/{item.pk}/").content.decode()
    assert 'id="refutation"' in page and TEXT in page
    assert page.index('id="refutation"') < page.index("<figure")
    # 2. The kept record: the refutation, its decision with a statement of reasons, the audit trail.
    decision = refutation.decision
    assert (decision.outcome, decision.moderator, decision.reason.code) == (
        DecisionOutcome.REFUTED,
        mod,
        "fake-news",
    )
    assert decision.statement["tdb"]["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_LABELLED"]
    assert AuditEvent.objects.get(action="publication.refuted").details["refutation"] == refutation.pk
    assert "labelled as false information" in Notification.objects.filter(user=alice).latest("id").subject
    # 3. The report log: listed as not yet reported, then the report recorded with its date and reference.
    listing = mod_client.get("/review/refutations/").content.decode()
    assert f'id="refutation-{refutation.pk}"' in listing and "Record the report" in listing
    reported_at = timezone.now() - timedelta(hours=2)
    refutation_report_to_authority(
        refutation=refutation, actor=mod, reported_at=reported_at, reference="CAC-118"
    )
    refutation.refresh_from_db()
    assert (refutation.reported_to_authority_at, refutation.authority_reference, refutation.reported_by) == (
        reported_at,
        "CAC-118",
        mod,
    )
    event = AuditEvent.objects.get(action="refutation.reported_to_authority")
    assert event.details["reference"] == "CAC-118"
    with pytest.raises(RefutationRefused, match="already reported"):
        refutation_report_to_authority(refutation=refutation, actor=mod, reported_at=reported_at)


def test_a_senior_withdraws_a_refutation_and_the_record_stays(alice: User, mod: User, senior: User) -> None:
    item = published(alice, mod)
    refutation = refute(item, mod)
    with pytest.raises(PermissionDenied):
        refutation_withdraw(refutation=refutation, actor=mod, reason="Wrong item.")
    refutation_withdraw(refutation=refutation, actor=senior, reason="The agency corrected its report.")
    refutation.refresh_from_db()
    assert refutation.withdrawn_at is not None and refutation.withdrawn_by == senior
    assert Decision.objects.get(pk=refutation.decision_id).lifted_at == refutation.withdrawn_at
    assert 'id="refutation"' not in Client().get(f"/p/{item.pk}/").content.decode()
    assert Refutation.objects.filter(pk=refutation.pk).exists()


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"text": "  "}, "Write the refutation"),
        ({"text": "x" * 601}, "at most 600 characters"),
        ({"explanation": ""}, "Explain the decision"),
    ],
)
def test_a_refutation_that_breaks_a_rule_is_refused(alice: User, mod: User, kwargs: dict, error: str) -> None:
    item = published(alice, mod)
    with pytest.raises(RefutationRefused, match=error):
        refute(item, mod, **kwargs)
    assert not Refutation.objects.exists()


def test_one_refutation_at_a_time_and_only_on_published_content(alice: User, mod: User) -> None:
    item = published(alice, mod)
    refute(item, mod)
    with pytest.raises(RefutationRefused, match="already carries"):
        refute(item, mod)
    from tests.moderation.test_review import awaiting

    with pytest.raises(RefutationRefused, match="Only published content"):
        refute(awaiting(alice), mod)


def test_reports_cannot_be_dated_in_the_future(alice: User, mod: User) -> None:
    refutation = refute(published(alice, mod), mod)
    with pytest.raises(RefutationRefused, match="future"):
        refutation_report_to_authority(
            refutation=refutation, actor=mod, reported_at=timezone.now() + timedelta(days=1)
        )
