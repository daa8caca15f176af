"""The label check inside the pipeline: corpus files through a real submission reach the tier
and findings the rules demand, and the queue columns follow."""

from pathlib import Path
from typing import Any

import pytest
from django.utils.html import escape

from accounts.models import User
from moderation.models import CheckRun, Finding, Submission, Tier
from tests.media_samples import upload
from tests.moderation.builders import submitted, unique_image

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
        submission = submitted(alice, declared_ai=False, categories=["face_generation"])
    codes = [code for code, _severity, _rule in label_findings(submission)]
    assert codes == ["conspicuous_label_required_undeclared"]


def test_it_reads_audio_and_video_labels(alice: User, run_commit_hooks: Any) -> None:
    submission = submit_file(alice, "av/mp4_tc260.mp4", run_commit_hooks, declared_ai=True)
    assert submission.tier == Tier.CONFIRMED
    run = CheckRun.objects.get(submission=submission, kind="label")
    assert run.result["files"][0]["tc260"]["count"] == 1


def test_the_label_check_version_names_the_engine_traces_marks_and_producer_list(db: None) -> None:
    from labels.marks import MARKS_VERSION
    from labels.report import ENGINE_VERSION
    from labels.traces import TRACES_VERSION
    from moderation.pipeline.checks import get_check

    assert get_check("label").current_version() == (
        f"3.0+engine{ENGINE_VERSION}+traces{TRACES_VERSION}+marks{MARKS_VERSION}+producers0"
    )


# --- The text counts like a file (R11, R18) ------------------------------------------------------


def test_undeclared_text_with_an_ai_mark_reads_suspected_and_is_published_with_the_reminder(
    alice: User, mod: User, run_commit_hooks: Any
) -> None:
    from django.test import Client

    from labels.publish import wording
    from moderation.models import Status
    from moderation.review.decisions import review_decide

    with run_commit_hooks(execute=True):
        item = submitted(alice, declared_ai=False, body="本文由AI生成。湖边的清晨很安静。")
    item.refresh_from_db()
    assert (item.status, item.tier, item.has_blocking_findings) == (
        Status.AWAITING_REVIEW,
        Tier.SUSPECTED,
        False,
    )
    run = CheckRun.objects.get(submission=item, kind="label")
    assert (run.result["tier"], run.result["file_tier"], run.result["text_tier"]) == (
        "suspected",
        "none",
        "suspected",
    )
    assert run.result["files"] == []
    text = run.result["text"]
    assert (text["path"], text["media_type"], text["tier"]) == ("text", "text/plain", "suspected")
    assert [mark["text"] for mark in text["details"]["marks"]] == ["AI生成"]
    assert label_findings(item) == [
        ("text_ai_mark", "info", "R10"),
        ("suspected_ai_undeclared", "warning", "R11"),
    ]
    contradiction = Finding.objects.get(run=run, code="suspected_ai_undeclared")
    assert 'the AI mark "AI生成"' in contradiction.message
    assert contradiction.message.endswith("but the contributor declared no AI")

    with run_commit_hooks(execute=True):  # the publication runs after commit
        review_decide(submission=item, moderator=mod, outcome="approved", expected_version=item.version)
    item.refresh_from_db()
    assert (item.status, item.tier) == (Status.APPROVED, Tier.SUSPECTED)
    html = Client().get(f"/p/{item.pk}/").content.decode()
    assert 'id="ai-reminder"' in html
    assert wording("suspected", "") in html


def test_a_gb45438_label_in_the_text_front_matter_confirms_and_contradicts(
    alice: User, run_commit_hooks: Any
) -> None:
    from labels import samples

    body = f"---\nAIGC: {samples.tc260_json()}\n---\nA walk by the lake.\n"
    with run_commit_hooks(execute=True):
        item = submitted(alice, declared_ai=False, body=body)
    item.refresh_from_db()
    assert (item.tier, item.contradicts_declaration, item.has_blocking_findings) == (
        Tier.CONFIRMED,
        True,
        True,
    )
    assert ("declaration_contradicts_metadata", "blocking", "R06") in label_findings(item)
    text = CheckRun.objects.get(submission=item, kind="label").result["text"]
    assert (text["media_type"], text["tc260"]["count"]) == ("text/markdown", 1)


def test_plain_text_and_an_empty_body_stay_tier_none(alice: User, run_commit_hooks: Any) -> None:
    with run_commit_hooks(execute=True):
        plain = submitted(alice, declared_ai=False, body="Photos from our trip, taken with a phone.")
        empty = submitted(alice, declared_ai=False, body="", files=[unique_image()])
    for item in (plain, empty):
        item.refresh_from_db()
        assert (item.tier, label_findings(item)) == (Tier.NONE, [])
    assert CheckRun.objects.get(submission=empty, kind="label").result["text"] is None


# --- Metadata that cannot be read safely goes to a human with a reason (issue 12) ----------------


def hidden_source_type_jpeg() -> bytes:
    """An XMP packet whose unused entity declaration once made the safe parser drop it, and with it
    the IPTC trainedAlgorithmicMedia source type it carries."""
    from labels import samples

    doctype = b'<!DOCTYPE x:xmpmeta [<!ENTITY unused "x">]>'
    xmp = samples.dst_xmp().replace(b"<?xpacket begin", doctype + b"<?xpacket begin", 1)
    return samples.jpeg_with(samples.image_bytes(), xmp=xmp)


def test_an_entity_declaration_cannot_hide_an_ai_source_type(
    alice: User, mod: User, senior: User, mod_client: Any, run_commit_hooks: Any
) -> None:
    from moderation.review.claims import DecisionRefused
    from moderation.review.decisions import review_decide

    with run_commit_hooks(execute=True):
        item = submitted(alice, declared_ai=False, files=[upload("lake.jpg", hidden_source_type_jpeg())])
    item.refresh_from_db()
    assert (item.tier, item.contradicts_declaration, item.has_blocking_findings) == (
        Tier.CONFIRMED,
        True,
        True,
    )
    codes = label_findings(item)
    assert ("metadata_unsafe", "blocking", "R11") in codes
    assert ("declaration_contradicts_metadata", "blocking", "R04") in codes
    unsafe = Finding.objects.get(run__submission=item, code="metadata_unsafe")
    assert unsafe.evidence["path"] == "lake.jpg" and unsafe.evidence["reason"] == "xml_dtd"

    with pytest.raises(DecisionRefused, match="blocking finding"):
        review_decide(submission=item, moderator=mod, outcome="approved", expected_version=item.version)
    with pytest.raises(DecisionRefused, match="Write why you approve over the blocking findings"):
        review_decide(submission=item, moderator=senior, outcome="approved", expected_version=item.version)
    item.refresh_from_db()
    assert item.status == "awaiting_review"

    page = mod_client.get(f"/review/items/{item.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="approve-unavailable"' in html
    assert escape(unsafe.message) in html  # the reason, in the moderator's words


def test_metadata_that_cannot_be_read_safely_is_never_no_label(alice: User, run_commit_hooks: Any) -> None:
    """Declared AI, the same file: the unsafe packet still blocks, whatever the declaration."""
    with run_commit_hooks(execute=True):
        item = submitted(alice, declared_ai=True, files=[upload("lake.jpg", hidden_source_type_jpeg())])
    item.refresh_from_db()
    assert (item.tier, item.has_blocking_findings, item.contradicts_declaration) == (
        Tier.CONFIRMED,
        True,
        False,
    )
    assert [code for code, _severity, _rule in label_findings(item) if code == "metadata_unsafe"] == [
        "metadata_unsafe"
    ]


# --- Producer codes against the platform's allow/deny list (R08) -------------------------------

PRODUCER_CODE = "001191110102MACQD9K64010000"  # "001", a digit, USCC 91110102MACQD9K640, product 10000
PRODUCER_USCC = "91110102MACQD9K640"


def tc260_jpeg(producer: str, color: tuple[int, int, int] = (90, 120, 160)) -> bytes:
    from labels import samples

    label = samples.tc260_json(samples.tc260_fields("1", ContentProducer=producer))
    return samples.jpeg_with(samples.image_bytes(color=color), xmp=samples.tc260_xmp(label))


def list_producer(key: str, name: str, status: str, note: str = "") -> None:
    from producers.models import Producer
    from producers.services import producer_save

    producer_save(producer=Producer(key=key, name=name, status=status, note=note), actor=None)


def test_a_denied_producer_is_a_finding_and_moderators_see_each_provider(
    alice: User, mod_client: Any, run_commit_hooks: Any
) -> None:
    list_producer(PRODUCER_USCC, "Example AI Co.", "deny", "forged labels seen in 2026")
    list_producer("picwish", "PicWish", "allow")
    files = [
        upload("a.jpg", tc260_jpeg(PRODUCER_CODE)),
        upload("b.jpg", tc260_jpeg("PicWish", (10, 20, 30))),
        upload("c.jpg", tc260_jpeg("some-unknown-app", (200, 20, 30))),
    ]
    with run_commit_hooks(execute=True):
        item = submitted(alice, declared_ai=True, files=files)
    run = CheckRun.objects.get(submission=item, kind="label")
    assert run.check_version.endswith("+producers2") and run.result["producers_version"] == 2
    denied = Finding.objects.get(run=run, code="tc260_producer_denied")
    assert (denied.severity, denied.rule, denied.evidence["path"]) == ("warning", "R08", "a.jpg")
    assert "Example AI Co." in denied.message and "forged labels seen in 2026" in denied.message
    found = Finding.objects.get(run=run, code="ai_label_found", evidence__path="a.jpg")
    assert f"produced by Example AI Co. (USCC {PRODUCER_USCC})" in found.message
    producers = [file["details"]["tc260_labels"][0]["producer"] for file in run.result["files"]]
    assert [(p["kind"], p["known"] and p["known"]["status"]) for p in producers] == [
        ("tc260_code", "deny"),
        ("name", "allow"),
        ("name", None),
    ]

    html = mod_client.get(f"/review/items/{item.pk}/").content.decode()
    provenance = html[html.index('id="provenance"') :]
    assert "<strong>Example AI Co.</strong>" in provenance and "On the deny list" in provenance
    assert "<strong>PicWish</strong>" in provenance and "On the allow list" in provenance
    assert "Provider not on the platform's list" in provenance
    assert f"USCC <code>{PRODUCER_USCC}</code>" in provenance


def test_a_change_to_the_list_bumps_the_check_version_and_a_rerun_picks_it_up(
    alice: User, run_commit_hooks: Any
) -> None:
    from moderation.pipeline.checks import get_check
    from moderation.pipeline.services import checks_rerun

    with run_commit_hooks(execute=True):
        item = submitted(alice, declared_ai=True, files=[upload("a.jpg", tc260_jpeg(PRODUCER_CODE))])
    first = CheckRun.objects.get(submission=item, kind="label")
    assert first.check_version.endswith("+producers0")
    assert not first.findings.filter(code="tc260_producer_denied").exists()

    list_producer(PRODUCER_CODE, "Example AI Co.", "deny")
    assert get_check("label").current_version() == first.check_version.replace("+producers0", "+producers1")
    with run_commit_hooks(execute=True):
        checks_rerun(submission=item, actor=None, kinds=["label"])
    second = CheckRun.objects.filter(submission=item, kind="label").exclude(pk=first.pk).get()
    assert second.check_version.endswith("+producers1")
    assert list(
        second.findings.filter(code="tc260_producer_denied").values_list("evidence__known__name", flat=True)
    ) == ["Example AI Co."]
