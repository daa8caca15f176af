"""The label check inside the pipeline: corpus files through a real submission reach the tier
and findings the rules demand, and the queue columns follow."""

from pathlib import Path
from typing import Any

import pytest

from accounts.models import User
from moderation.models import CheckRun, Finding, Submission, Tier
from tests.media_samples import upload
from tests.moderation.builders import submitted

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "media" / "corpus"


def submit_file(contributor: User, path: str, run_commit_hooks: Any, **overrides: Any) -> Submission:
    data = (CORPUS / path).read_bytes()
    with run_commit_hooks(execute=True):
        submission = submitted(contributor, files=[upload(Path(path).name, data)], **overrides)
    submission.refresh_from_db()
    return submission


def label_findings(submission: Submission) -> list[tuple[str, str, str]]:
    return list(
        Finding.objects.filter(run__submission=submission, run__kind="label")
        .order_by("id")
        .values_list("code", "severity", "rule")
    )


@pytest.mark.parametrize(
    ("path", "declared_ai", "tier"),
    [
        ("generated/c2pa_trainedAlgorithmicMedia.jpg", True, Tier.CONFIRMED),
        ("generated/xmp_dst_ai.png", True, Tier.CONFIRMED),
        ("tc260/tc260_xmp_element.jpg", True, Tier.CONFIRMED),
        ("generated/plain.jpg", True, Tier.POSSIBLE),
        ("generated/sd_parameters.png", False, Tier.SUSPECTED),
        ("tc260/tc260_label3.jpg", False, Tier.SUSPECTED),
        ("generated/plain.jpg", False, Tier.NONE),
        ("c2pa-rs/C.jpg", False, Tier.NONE),
    ],
)
def test_it_decides_the_tier(
    alice: User, run_commit_hooks: Any, path: str, declared_ai: bool, tier: Tier
) -> None:
    submission = submit_file(alice, path, run_commit_hooks, declared_ai=declared_ai)
    assert submission.tier == tier
    run = CheckRun.objects.get(submission=submission, kind="label")
    assert run.result["tier"] == tier
    assert run.result["files"][0]["path"] == Path(path).name


def test_it_blocks_metadata_that_contradicts_the_declaration(alice: User, run_commit_hooks: Any) -> None:
    submission = submit_file(
        alice, "generated/c2pa_trainedAlgorithmicMedia.jpg", run_commit_hooks, declared_ai=False
    )
    assert ("declaration_contradicts_metadata", "blocking", "R02") in label_findings(submission)
    finding = Finding.objects.get(code="declaration_contradicts_metadata")
    assert "c2pa_trainedAlgorithmicMedia.jpg" in finding.message
    assert "trainedAlgorithmicMedia" in finding.message
    assert (submission.tier, submission.contradicts_declaration, submission.has_blocking_findings) == (
        Tier.CONFIRMED,
        True,
        True,
    )
    assert CheckRun.objects.get(submission=submission, kind="label").status == "failed"


def test_it_flags_tampered_provenance(alice: User, run_commit_hooks: Any) -> None:
    submission = submit_file(alice, "generated/c2pa_tampered.jpg", run_commit_hooks, declared_ai=True)
    assert ("c2pa_tampered", "blocking", "R03") in label_findings(submission)
    assert (submission.is_tampered, submission.has_blocking_findings, submission.tier) == (
        True,
        True,
        Tier.CONFIRMED,
    )


def test_it_blocks_two_implicit_labels(alice: User, run_commit_hooks: Any) -> None:
    submission = submit_file(alice, "tc260/tc260_two_labels.jpg", run_commit_hooks, declared_ai=True)
    assert ("tc260_multiple", "blocking", "R06") in label_findings(submission)


def test_it_warns_about_an_art17_category_without_a_declaration(alice: User, run_commit_hooks: Any) -> None:
    with run_commit_hooks(execute=True):
        submission = submitted(alice, declared_ai=False, categories=["face_swap"])
    codes = [code for code, _severity, _rule in label_findings(submission)]
    assert codes == ["conspicuous_label_required_undeclared"]


def test_it_reads_audio_and_video_labels(alice: User, run_commit_hooks: Any) -> None:
    submission = submit_file(alice, "av/mp4_tc260.mp4", run_commit_hooks, declared_ai=True)
    assert submission.tier == Tier.CONFIRMED
    run = CheckRun.objects.get(submission=submission, kind="label")
    assert run.result["files"][0]["tc260"]["count"] == 1
