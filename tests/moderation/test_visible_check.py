"""The visible-mark check (R10) in the pipeline: OCR of images and video on the media queue; the item
enters review without waiting for it, the result updates tier, flags and priority when it lands,
and approval waits for it. The tier combines the label run's and the visible run's.

OCR is stubbed (``ocr_reads``) except in the one slow test that draws "AI生成" into a photo.
"""

from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings
from django.test import Client

from accounts.models import User
from audit.models import AuditEvent
from labels.marks import MARKS_VERSION, Mark
from labels.visible import VisibleResult
from moderation.models import CheckRun, Finding, MediaKind, RunStatus, Status, Submission, Tier
from moderation.pipeline.checks import get_check, kinds_not_gating_review, queue_of
from moderation.pipeline.services import check_run_execute
from moderation.review.claims import DecisionRefused, ReviewConflict
from moderation.review.decisions import review_decide
from moderation.review.priority import item_tier, newest_outcome
from tests.media_samples import upload
from tests.moderation.builders import submitted, unique_image

MARK = Mark("AI生成 / AI合成 (GB 45438)", "AI生成", "gb45438", None, "image, bottom edge")


@pytest.fixture
def visible_on(settings: LazySettings) -> LazySettings:
    settings.CHECK_VISIBLE_MARKS = True
    return settings


@pytest.fixture
def ocr_reads(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Stub the OCR: each picture 'shows' the marks (and errors) set in the returned dict."""
    seen: dict[str, Any] = {"marks": [], "errors": [], "calls": []}

    def find_visible_marks(path: Path, media_type: str, *, max_pixels: int | None = None) -> VisibleResult:
        seen["calls"].append(media_type)
        return VisibleResult(marks=list(seen["marks"]), pictures=1, errors=list(seen["errors"]))

    monkeypatch.setattr("labels.visible.find_visible_marks", find_visible_marks)
    return seen


def runs_of(item: Submission) -> dict[str, CheckRun]:
    return {run.kind: run for run in CheckRun.objects.filter(submission=item)}


def run_fast_checks(item: Submission) -> None:
    """What the workers of the "checks" queue do: every run except the visible one."""
    for kind, run in runs_of(item).items():
        if kind != "visible":
            check_run_execute(run_id=run.pk, worker="checks-worker")
    item.refresh_from_db()


def land_visible(item: Submission) -> str:
    """What a worker of the "media" queue does, later."""
    outcome = check_run_execute(run_id=runs_of(item)["visible"].pk, worker="media-worker")
    item.refresh_from_db()
    return outcome


def test_it_is_a_slow_check_on_the_media_queue_that_review_does_not_wait_for(settings: LazySettings) -> None:
    check = get_check("visible")
    assert (check.queue, check.gates_review, queue_of("visible")) == ("media", False, "media")
    assert [queue_of(kind) for kind in ("label", "policy", "consent")] == ["checks"] * 3
    assert kinds_not_gating_review() == ["visible"]
    assert check.current_version().startswith(f"1.1+engine1+marks{MARKS_VERSION}+ocr")
    settings.CHECK_VISIBLE_LEASE_SECONDS = 900
    assert check.lease_seconds() == 900


def test_it_applies_to_images_and_video_only_and_can_be_switched_off(
    alice: User, visible_on: LazySettings
) -> None:
    from labels import samples

    image = submitted(alice, files=[unique_image()])
    video = submitted(alice, files=[upload("clip.mp4", samples.mp4_bytes())])
    audio = submitted(alice, files=[upload("voice.wav", samples.wav_bytes())])
    text = submitted(alice, body="Only words.")
    assert [sorted(runs_of(item)) for item in (image, video, audio, text)] == [
        ["consent", "label", "policy", "visible"],
        ["consent", "label", "policy", "visible"],
        ["consent", "label", "policy"],
        ["consent", "label", "policy"],
    ]
    assert video.current_revision.media.get().kind == MediaKind.VIDEO
    visible_on.CHECK_VISIBLE_MARKS = False
    assert sorted(runs_of(submitted(alice, files=[unique_image()]))) == ["consent", "label", "policy"]


def test_the_item_enters_review_before_the_ocr_and_approval_waits_for_it(
    alice: User, mod: User, visible_on: LazySettings, ocr_reads: dict[str, Any]
) -> None:
    item = submitted(alice, declared_ai=True, files=[unique_image()])
    run_fast_checks(item)
    assert item.status == Status.AWAITING_REVIEW
    assert runs_of(item)["visible"].status == RunStatus.PENDING
    assert item.tier == Tier.POSSIBLE
    with pytest.raises(DecisionRefused, match="Checks are still running"):
        review_decide(submission=item, moderator=mod, outcome="approved", expected_version=item.version)

    version = item.version
    assert land_visible(item) == "finished: passed"
    assert ocr_reads["calls"] == ["image/jpeg"]
    # Nothing new: the page the moderator has open is still right, and approval goes through.
    assert (item.tier, item.version, item.has_blocking_findings) == (Tier.POSSIBLE, version, False)
    assert not AuditEvent.objects.filter(action="submission.outcome_updated").exists()
    review_decide(submission=item, moderator=mod, outcome="approved", expected_version=item.version)
    item.refresh_from_db()
    assert item.status in (Status.PUBLISHING, Status.APPROVED)


def test_a_mark_that_lands_during_review_updates_tier_flags_and_version(
    alice: User, mod: User, visible_on: LazySettings, ocr_reads: dict[str, Any]
) -> None:
    item = submitted(alice, declared_ai=False, files=[upload("lake.jpg", unique_image().read())])
    run_fast_checks(item)
    before = (item.status, item.tier, item.has_blocking_findings, item.contradicts_declaration)
    assert before == (Status.AWAITING_REVIEW, Tier.NONE, False, False)
    score, version = item.priority_score, item.version

    ocr_reads["marks"] = [MARK]
    assert land_visible(item) == "finished: failed"
    assert (item.status, item.tier, item.has_blocking_findings, item.contradicts_declaration) == (
        Status.AWAITING_REVIEW,
        Tier.SUSPECTED,
        True,
        True,
    )
    assert item.priority_score == score + 8 + 40 + 25  # suspected, blocking, contradiction
    assert item.version == version + 1
    run = runs_of(item)["visible"]
    assert list(run.findings.values_list("code", "severity", "rule")) == [
        ("visible_ai_mark", "info", "R10"),
        ("declaration_contradicts_metadata", "blocking", "R10"),
    ]
    assert run.result["tier"] == "suspected" and run.result["files"][0]["marks"][0]["text"] == "AI生成"
    event = AuditEvent.objects.get(action="submission.outcome_updated")
    assert event.details["check"] == "visible"
    assert event.details["changed"]["tier"] == ["none", "suspected"]

    # A decision made on the page as it was before the mark landed: 409, nothing changes.
    with pytest.raises(ReviewConflict):
        review_decide(submission=item, moderator=mod, outcome="approved", expected_version=version)
    with pytest.raises(DecisionRefused, match="blocking finding"):
        review_decide(submission=item, moderator=mod, outcome="approved", expected_version=item.version)


def test_a_file_ocr_could_not_read_is_a_warning_not_no_mark(
    alice: User, visible_on: LazySettings, ocr_reads: dict[str, Any]
) -> None:
    ocr_reads["errors"] = ["visible marks not checked: rapidocr_onnxruntime is not installed"]
    item = submitted(alice, files=[upload("lake.jpg", unique_image().read())])
    run_fast_checks(item)
    land_visible(item)
    run = runs_of(item)["visible"]
    assert run.status == RunStatus.FLAGGED
    finding = run.findings.get()
    assert (finding.code, finding.severity, finding.rule) == ("visible_not_checked", "warning", "R10")
    assert "rapidocr_onnxruntime is not installed" in finding.message and "lake.jpg" in finding.message
    assert run.result["files"][0]["visible_checked"] is False


def test_a_slow_check_holds_its_run_under_a_longer_lease(
    alice: User, visible_on: LazySettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = submitted(alice, files=[unique_image()])
    run = runs_of(item)["visible"]
    leases: list[float] = []

    def ocr(path: Path, media_type: str, *, max_pixels: int | None = None) -> VisibleResult:
        running = CheckRun.objects.get(pk=run.pk)
        leases.append((running.lease_expires_at - running.started_at).total_seconds())
        return VisibleResult(pictures=1)

    monkeypatch.setattr("labels.visible.find_visible_marks", ocr)
    check_run_execute(run_id=run.pk, worker="media-worker")
    assert len(leases) == 1 and 590 <= leases[0] <= 610


@pytest.mark.parametrize(
    ("runs", "tier"),
    [
        ({"label": "none", "visible": "suspected"}, "suspected"),
        ({"label": "possible", "visible": "possible"}, "possible"),  # declared AI, a mark drawn
        ({"label": "confirmed", "visible": "suspected"}, "confirmed"),
        ({"label": "suspected", "visible": "none"}, "suspected"),
        ({"label": "none", "visible": None}, "none"),  # OCR still running: the label's tier
        ({"label": "none", "policy": "confirmed"}, "none"),  # only the tier checks count
        ({}, "none"),
    ],
)
def test_the_item_tier_is_the_strongest_of_the_label_and_visible_runs(
    runs: dict[str, str | None], tier: str
) -> None:
    assert item_tier(runs) == tier


def test_the_newest_outcome_combines_the_newest_label_and_visible_runs(
    alice: User, visible_on: LazySettings
) -> None:
    item = submitted(alice, files=[unique_image()])
    runs = runs_of(item)
    CheckRun.objects.filter(pk=runs["label"].pk).update(status=RunStatus.PASSED, result={"tier": "none"})
    assert newest_outcome(item.current_revision_id)[0] == "none"
    CheckRun.objects.filter(pk=runs["visible"].pk).update(
        status=RunStatus.FAILED, result={"tier": "suspected"}
    )
    assert newest_outcome(item.current_revision_id)[0] == "suspected"
    # A newer visible run that found nothing replaces the older one.
    CheckRun.objects.create(
        submission=item,
        revision=item.current_revision,
        kind="visible",
        check_version="x",
        status=RunStatus.PASSED,
        result={"tier": "none"},
    )
    assert newest_outcome(item.current_revision_id)[0] == "none"


def test_the_review_page_says_the_ocr_is_running_and_polls_for_it(
    alice: User, mod_client: Client, visible_on: LazySettings, ocr_reads: dict[str, Any]
) -> None:
    item = submitted(alice, files=[upload("lake.jpg", unique_image().read())])
    run_fast_checks(item)
    html = mod_client.get(f"/review/items/{item.pk}/").content.decode()
    assert 'data-live="1"' in html
    assert 'class="mt-1 visible-marks" data-state="running"' in html
    ocr_reads["marks"] = [MARK]
    land_visible(item)
    html = mod_client.get(f"/review/items/{item.pk}/").content.decode()
    assert 'data-live="0"' in html
    assert 'data-state="done"' in html and "<strong>“AI生成”</strong> in image, bottom edge" in html


def test_bulk_review_leaves_out_items_whose_ocr_is_running(
    alice: User, mod_client: Client, visible_on: LazySettings, ocr_reads: dict[str, Any]
) -> None:
    item = submitted(alice, files=[upload("lake.jpg", unique_image().read())])
    run_fast_checks(item)
    assert item.status == Status.AWAITING_REVIEW
    assert list(mod_client.get("/review/bulk/").context["page"]) == []
    land_visible(item)
    assert [listed.pk for listed in mod_client.get("/review/bulk/").context["page"]] == [item.pk]


# --- Real OCR, once -----------------------------------------------------------------------------


@pytest.mark.slow
def test_a_mark_drawn_at_a_corner_is_read_through_the_pipeline(
    alice: User, mod_client: Client, visible_on: LazySettings, run_commit_hooks: Any, tmp_path: Path
) -> None:
    from tests.labels.test_visible import photo, saved, with_text

    marked = saved(with_text(photo(), {"br": "AI生成"}, share=0.07), tmp_path / "lake.jpg")
    with run_commit_hooks(execute=True):  # inline: the fast checks, then the OCR
        item = submitted(alice, declared_ai=False, files=[upload("lake.jpg", marked.read_bytes())])
    item.refresh_from_db()
    run = runs_of(item)["visible"]
    assert run.status == RunStatus.FAILED, run.summary
    assert (item.status, item.tier, item.contradicts_declaration, item.has_blocking_findings) == (
        Status.AWAITING_REVIEW,
        Tier.SUSPECTED,
        True,
        True,
    )
    mark = Finding.objects.get(run=run, code="visible_ai_mark")
    assert (mark.evidence["text"], mark.evidence["path"], mark.rule) == ("AI生成", "lake.jpg", "R10")
    assert mark.evidence["where"].startswith("image, bottom edge")
    contradiction = Finding.objects.get(run=run, code="declaration_contradicts_metadata")
    assert (contradiction.severity, contradiction.rule) == ("blocking", "R10")
    assert runs_of(item)["label"].result["tier"] == "none"  # the metadata says nothing: the pixels do
    html = mod_client.get(f"/review/items/{item.pk}/").content.decode()
    assert "<strong>“AI生成”</strong> in image, bottom edge" in html


@pytest.mark.parametrize(
    ("sample", "rule"),
    [("c2pa_trainedAlgorithmicMedia.jpg", "R02"), ("xmp_dst_ai.jpg", "R04")],
    ids=["c2pa", "iptc"],
)
def test_a_contradiction_the_label_check_reports_is_not_reported_again(
    alice: User, bob: User, visible_on: LazySettings, ocr_reads: dict[str, Any], sample: str, rule: str
) -> None:
    """A file labelled AI in its metadata and with "AI生成" drawn in, declared not AI: one
    contradiction (the label check's), whichever check lands first."""
    data = (Path(__file__).resolve().parents[1] / "fixtures/media/corpus/generated" / sample).read_bytes()
    ocr_reads["marks"] = [MARK]
    for contributor, visible_first in ((alice, True), (bob, False)):
        item = submitted(contributor, declared_ai=False, files=[upload(sample, data)])
        if visible_first:
            land_visible(item)
            run_fast_checks(item)
        else:
            run_fast_checks(item)
            land_visible(item)
        contradictions = Finding.objects.filter(
            run__submission=item, code="declaration_contradicts_metadata"
        ).values_list("run__kind", "rule")
        assert list(contradictions) == [("label", rule)], visible_first
        visible = runs_of(item)["visible"]
        assert list(visible.findings.values_list("code", flat=True)) == ["visible_ai_mark"]
        assert visible.result["files"][0]["marks"][0]["text"] == "AI生成"
        assert item.contradicts_declaration and item.has_blocking_findings


def test_a_drawn_mark_on_a_file_without_a_label_is_still_a_contradiction(
    alice: User, visible_on: LazySettings, ocr_reads: dict[str, Any]
) -> None:
    ocr_reads["marks"] = [MARK]
    item = submitted(alice, declared_ai=False, files=[upload("lake.jpg", unique_image().read())])
    run_fast_checks(item)
    land_visible(item)
    contradictions = Finding.objects.filter(run__submission=item, code="declaration_contradicts_metadata")
    assert list(contradictions.values_list("run__kind", "rule")) == [("visible", "R10")]
