"""The match check: disguised copies of banked files are found, unrelated files are not."""

from typing import Any

from django.test import Client

from accounts.models import User
from banks.checks import MATCH, BankMatchCheck
from banks.models import Action, Bank, BankEntry, SignalType, Source
from banks.services import bank_add_from_submission
from moderation.models import CheckRun, Finding, RunStatus, Severity, Submission
from tests.banks.conftest import (
    UNRELATED,
    disguised_bytes,
    jpeg,
    original_bytes,
    submit_file,
    video_of,
)
from tests.moderation.builders import submitted


def bank_item(submission: Submission, bank: Bank, moderator: User | None, capture: Any) -> None:
    with capture(execute=True):
        bank_add_from_submission(submission=submission, actor=moderator, banks=[bank])


def match_findings(submission: Submission) -> list[Finding]:
    return list(Finding.objects.filter(run__submission=submission, code=MATCH))


def test_it_finds_a_resized_reencoded_cropped_copy_of_a_banked_image(
    alice: User, bob: User, mod: User, bank: Bank, django_capture_on_commit_callbacks: Any
) -> None:
    earlier = submit_file(alice, "lake.jpg", original_bytes())
    bank_item(earlier, bank, mod, django_capture_on_commit_callbacks)
    assert set(BankEntry.objects.filter(bank=bank).values_list("signal_type", flat=True)) == {"sha256", "pdq"}

    copy = submit_file(bob, "not-the-lake.jpg", disguised_bytes())
    [finding] = match_findings(copy)
    assert finding.severity == Severity.BLOCKING
    evidence = finding.evidence
    assert evidence["bank_id"] == bank.pk and evidence["bank_name"] == "Non-consensual imagery"
    assert evidence["signal_type"] == "pdq"
    assert 0 < evidence["distance"] <= 31 and evidence["threshold"] == 31
    assert evidence["earlier_submission_id"] == earlier.pk
    assert evidence["earlier_media_id"] == earlier.current_revision.media.get().pk
    assert evidence["entry_id"] == BankEntry.objects.get(bank=bank, signal_type="pdq").pk
    assert evidence["action"] == "block" and evidence["file"] == "not-the-lake.jpg"
    assert f"#{earlier.pk}" in finding.message and "Non-consensual imagery" in finding.message
    run = CheckRun.objects.get(submission=copy, kind="match")
    assert run.status == RunStatus.FAILED
    copy.refresh_from_db()
    assert copy.has_blocking_findings


def test_it_does_not_match_an_unrelated_image(
    alice: User, bob: User, mod: User, bank: Bank, django_capture_on_commit_callbacks: Any
) -> None:
    earlier = submit_file(alice, "lake.jpg", original_bytes())
    bank_item(earlier, bank, mod, django_capture_on_commit_callbacks)
    other = submit_file(bob, "street.jpg", jpeg_of(UNRELATED))
    assert match_findings(other) == []
    run = CheckRun.objects.get(submission=other, kind="match")
    assert run.status == RunStatus.PASSED
    assert run.result["files"][0]["hashes"] == 1


def jpeg_of(path: Any) -> bytes:
    from PIL import Image

    with Image.open(path) as image:
        return jpeg(image)


def test_an_exact_copy_matches_by_sha256(
    alice: User, bob: User, mod: User, bank: Bank, django_capture_on_commit_callbacks: Any
) -> None:
    earlier = submit_file(alice, "lake.jpg", original_bytes())
    bank_item(earlier, bank, mod, django_capture_on_commit_callbacks)
    BankEntry.objects.filter(bank=bank, signal_type=SignalType.PDQ).delete()
    Bank.objects.filter(pk=bank.pk).update(name="Exact only")  # the index reloads
    bank.save()
    copy = submit_file(bob, "same.jpg", original_bytes())
    [finding] = match_findings(copy)
    assert (finding.evidence["signal_type"], finding.evidence["distance"]) == ("sha256", 0)


def test_video_frames_match_a_banked_image_and_a_banked_video(
    alice: User, bob: User, mod: User, bank: Bank, django_capture_on_commit_callbacks: Any
) -> None:
    image_item = submit_file(alice, "lake.jpg", original_bytes())
    bank_item(image_item, bank, mod, django_capture_on_commit_callbacks)
    # A video showing a disguised copy of the banked image is found through its frames.
    clip = submit_file(bob, "holiday.mp4", video_of(disguised_bytes()))
    [finding] = match_findings(clip)
    assert finding.evidence["earlier_submission_id"] == image_item.pk
    assert finding.evidence["frames_matched"] >= 1 and finding.evidence["frame_seconds"] is not None

    # A banked video is found again after re-encoding at another size.
    video_bank = Bank.objects.create(name="Videos", purpose="Refused videos.", action=Action.FLAG)
    bank_item(clip, video_bank, mod, django_capture_on_commit_callbacks)
    assert BankEntry.objects.filter(bank=video_bank, signal_type="pdq", frame_seconds__isnull=False).exists()
    again = submit_file(alice, "again.mp4", video_of(disguised_bytes(), size="480x360", seconds=2))
    findings = {f.evidence["bank_name"]: f for f in match_findings(again)}
    assert findings["Videos"].severity == Severity.WARNING
    assert findings["Videos"].evidence["earlier_submission_id"] == clip.pk


def test_severity_follows_the_banks_action(
    alice: User, bob: User, mod: User, django_capture_on_commit_callbacks: Any
) -> None:
    earlier = submit_file(alice, "lake.jpg", original_bytes())
    for action in Action:
        bank = Bank.objects.create(name=f"bank {action}", purpose="-", action=action)
        bank_item(earlier, bank, mod, django_capture_on_commit_callbacks)
    copy = submit_file(bob, "copy.jpg", disguised_bytes())
    by_action = {f.evidence["action"]: f for f in match_findings(copy)}
    assert by_action["block"].severity == Severity.BLOCKING
    assert by_action["escalate"].severity == Severity.BLOCKING
    assert by_action["escalate"].evidence["route"] == "escalated"
    assert "senior moderator" in by_action["escalate"].message
    assert by_action["flag"].severity == Severity.WARNING


def test_inactive_banks_and_disabled_entries_do_not_match(
    alice: User, bob: User, mod: User, bank: Bank, django_capture_on_commit_callbacks: Any
) -> None:
    earlier = submit_file(alice, "lake.jpg", original_bytes())
    bank_item(earlier, bank, mod, django_capture_on_commit_callbacks)
    BankEntry.objects.filter(bank=bank).update(is_active=False)
    bank.save()
    assert match_findings(submit_file(bob, "a.jpg", disguised_bytes())) == []
    bank.is_active = False
    bank.save()
    BankEntry.objects.filter(bank=bank).update(is_active=True)
    later = submit_file(bob, "b.jpg", disguised_bytes(quality=60))
    assert not CheckRun.objects.filter(submission=later, kind="match").exists()  # no active bank, no run


def test_an_item_never_matches_its_own_entries(
    alice: User, mod: User, bank: Bank, django_capture_on_commit_callbacks: Any
) -> None:
    item = submit_file(alice, "lake.jpg", original_bytes())
    bank_item(item, bank, mod, django_capture_on_commit_callbacks)
    result = BankMatchCheck().run(item.current_revision)
    assert result.findings == []


def test_it_runs_only_where_there_are_files_and_an_active_bank(alice: User, bank: Bank) -> None:
    with_file = submit_file(alice, "lake.jpg", original_bytes())
    text_only = submitted(alice, files=[])
    assert BankMatchCheck().applies_to(with_file.current_revision)
    assert not BankMatchCheck().applies_to(text_only.current_revision)
    assert not CheckRun.objects.filter(submission=text_only, kind="match").exists()
    bank.is_active = False
    bank.save()
    assert not BankMatchCheck().applies_to(with_file.current_revision)


def test_the_finding_shows_on_the_review_page(
    alice: User, bob: User, mod: User, mod_client: Client, bank: Bank, django_capture_on_commit_callbacks: Any
) -> None:
    earlier = submit_file(alice, "lake.jpg", original_bytes())
    bank_item(earlier, bank, mod, django_capture_on_commit_callbacks)
    copy = submit_file(bob, "copy.jpg", disguised_bytes())
    page = mod_client.get(f"/review/items/{copy.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Non-consensual imagery" in text and f"#{earlier.pk}" in text
    assert BankEntry.objects.filter(bank=bank).first().source == Source.ITEM
