"""Banks grow from decisions: rejections and takedowns with a configured reason, and moderators."""

from typing import Any

from django.utils import timezone

from accounts.authority import AuthorityReport
from accounts.models import User
from audit.models import AuditEvent
from banks.models import Bank, BankEntry, Source
from banks.services import bank_add_from_submission
from moderation.models import DecisionOutcome, PolicyReason, Queue, Status, Submission
from moderation.publication.takedown import submission_open_takedown
from moderation.review.decisions import review_decide
from tests.banks.conftest import disguised_bytes, original_bytes, submit_file


def reject(item: Submission, moderator: User, code: str, capture: Any) -> None:
    item.refresh_from_db()
    with capture(execute=True):
        review_decide(
            submission=item,
            moderator=moderator,
            outcome=DecisionOutcome.REJECTED,
            expected_version=item.version,
            reason=PolicyReason.objects.get(code=code),
            explanation="A real person's face without their consent.",
            # On an illegal ground the report to the authority is settled (DS Art. 10).
            authority=AuthorityReport(not_reported_reason="The person asked us not to."),
        )


def test_a_rejection_for_a_configured_reason_banks_the_files(
    alice: User, bob: User, mod: User, bank: Bank, django_capture_on_commit_callbacks: Any
) -> None:
    bank.auto_add_reasons.add(PolicyReason.objects.get(code="missing-consent"))
    item = submit_file(alice, "lake.jpg", original_bytes())
    reject(item, mod, "missing-consent", django_capture_on_commit_callbacks)
    entries = BankEntry.objects.filter(bank=bank)
    assert {(e.signal_type, e.source, e.submission_id, e.added_by_id) for e in entries} == {
        ("sha256", Source.ITEM, item.pk, mod.pk),
        ("pdq", Source.ITEM, item.pk, mod.pk),
    }
    assert entries.get(signal_type="pdq").reason.code == "missing-consent"
    assert AuditEvent.objects.get(action="bank.add_requested").details["automatic"] is True
    assert AuditEvent.objects.get(action="bank.entries_added").details["added"] == 2
    # The next upload of a disguised copy is blocked.
    copy = submit_file(bob, "copy.jpg", disguised_bytes())
    assert copy.has_blocking_findings


def test_a_rejection_for_another_reason_banks_nothing(
    alice: User, mod: User, bank: Bank, django_capture_on_commit_callbacks: Any
) -> None:
    bank.auto_add_reasons.add(PolicyReason.objects.get(code="missing-consent"))
    item = submit_file(alice, "lake.jpg", original_bytes())
    reject(item, mod, "quality", django_capture_on_commit_callbacks)
    assert not BankEntry.objects.exists()
    assert not AuditEvent.objects.filter(action="bank.add_requested").exists()


def test_a_takedown_banks_the_files_as_taken_down(
    alice: User, mod: User, bank: Bank, django_capture_on_commit_callbacks: Any
) -> None:
    bank.auto_add_reasons.add(PolicyReason.objects.get(code="missing-consent"))
    item = submit_file(alice, "lake.jpg", original_bytes())
    Submission.objects.filter(pk=item.pk).update(status=Status.APPROVED, published_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert submission_open_takedown(submission=item, reason="Carol withdrew her consent.")
    assert not BankEntry.objects.exists()  # hidden for review, not yet judged
    item.refresh_from_db()
    assert item.queue == Queue.TAKEDOWN
    reject(item, mod, "missing-consent", django_capture_on_commit_callbacks)
    assert set(BankEntry.objects.filter(bank=bank).values_list("source", flat=True)) == {Source.TAKEDOWN}


def test_the_service_adds_to_named_banks_once(
    alice: User, mod: User, bank: Bank, django_capture_on_commit_callbacks: Any
) -> None:
    item = submit_file(alice, "lake.jpg", original_bytes())
    other = Bank.objects.create(name="Second", purpose="-", action="flag")
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert bank_add_from_submission(submission=item, actor=mod, banks=[bank, other]) == [
                bank.pk,
                other.pk,
            ]
    assert BankEntry.objects.filter(bank=bank).count() == 2
    assert BankEntry.objects.filter(bank=other).count() == 2


def test_low_quality_perceptual_hashes_are_not_banked(
    alice: User, mod: User, bank: Bank, django_capture_on_commit_callbacks: Any
) -> None:
    from tests.media_samples import image_bytes

    flat = submit_file(alice, "flat.png", image_bytes("PNG", (200, 200), (120, 120, 120)))
    with django_capture_on_commit_callbacks(execute=True):
        bank_add_from_submission(submission=flat, actor=mod, banks=[bank])
    assert list(BankEntry.objects.values_list("signal_type", flat=True)) == ["sha256"]
