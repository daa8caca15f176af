"""Approved AI video and audio leave labelled: the publication job renders them through the label
engine (explicit label on the first frames, the 短长短短 prompt, one GB 45438 label with our content
id, C2PA), reports its progress on the run's row every few percent, fails at once on a file the
engine refuses, tries again after an OSError, and never modifies the original."""

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import c2pa
import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from labels.engine import InspectOptions, inspect_file
from labels.publish import PublishError, PublishSettings
from moderation.models import (
    MediaFile,
    PublicationRun,
    PublicationStatus,
    PublishedRendition,
    Queue,
    Status,
    Submission,
)
from moderation.publication import renditions
from moderation.publication.renditions import RenderContext, publication_evidence
from moderation.publication.takedown import submission_open_takedown
from moderation.review.decisions import review_decide
from tests.labels import av_tools
from tests.media_samples import upload
from tests.moderation.test_review import awaiting

pytestmark = pytest.mark.skipif(not av_tools.have("ffmpeg"), reason="needs Debian's ffmpeg")


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """3 s of 320x240 H.264 with an AAC tone: small and quick to publish."""
    path = tmp_path_factory.mktemp("clips") / "clip.mp4"
    return av_tools.make_video(path, seconds=3).read_bytes()


@pytest.fixture(scope="module")
def song(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("songs") / "song.wav"
    return av_tools.make_audio(path, seconds=2, codec=("-c:a", "pcm_s16le")).read_bytes()


def stored_path(media: MediaFile) -> Path:
    return Path(default_storage.path(media.file.name or ""))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def approve(item: Submission, moderator: User, run_commit_hooks: Any) -> PublicationRun:
    item.refresh_from_db()
    with run_commit_hooks(execute=True):
        review_decide(submission=item, moderator=moderator, outcome="approved", expected_version=item.version)
    item.refresh_from_db()
    return PublicationRun.objects.get(submission=item)


def test_an_ai_video_leaves_with_its_label_and_the_original_is_untouched(
    alice: User, mod: User, clip: bytes, run_commit_hooks: Any, tmp_path: Path
) -> None:
    item = awaiting(alice, declared_ai=True, files=[upload("holiday.mkv", clip)], body="")
    media = item.current_revision.media.get()
    original = stored_path(media)
    before = sha256(original)
    kept = tmp_path / "original.mp4"
    kept.write_bytes(original.read_bytes())

    run = approve(item, mod, run_commit_hooks)

    assert (item.status, run.status, run.attempts, run.progress) == (
        Status.APPROVED,
        PublicationStatus.PUBLISHED,
        1,
        100,
    )
    rendition = PublishedRendition.objects.get(submission=item, media=media)
    assert rendition.file.name == f"{run.file_prefix}r1-m{media.pk}.mp4"  # the sniffed family, not .mkv
    assert (rendition.mime_type, rendition.c2pa_status) == ("video/mp4", "signed")
    assert "AI生成" in rendition.explicit_label
    assert sha256(original) == before  # R14: the upload is never modified
    published = Path(default_storage.path(rendition.file.name))
    report = inspect_file(published, options=InspectOptions())
    assert len(report.tc260_labels) == 1
    fields = report.tc260_labels[0].fields
    assert (fields["Label"], fields["ContentPropagator"], fields["PropagateID"]) == (
        "2",
        settings.LABELS_PUBLISHER_CODE,
        f"provenant-{item.pk}-r1-m{media.pk}",
    )
    found = av_tools.label_on(av_tools.frame_at(kept, 0.5), av_tools.frame_at(published, 0.5))
    assert found.box is not None and found.text_height >= 0.05 * 240


def test_an_ai_audio_clip_leaves_with_the_rhythm_first(
    alice: User, mod: User, song: bytes, run_commit_hooks: Any
) -> None:
    item = awaiting(alice, declared_ai=True, files=[upload("song.mp3", song)], body="")
    media = item.current_revision.media.get()
    before = sha256(stored_path(media))

    run = approve(item, mod, run_commit_hooks)

    assert (item.status, run.status) == (Status.APPROVED, PublicationStatus.PUBLISHED)
    rendition = PublishedRendition.objects.get(submission=item, media=media)
    assert (rendition.file.name.rsplit(".", 1)[1], rendition.mime_type) == ("wav", "audio/wav")
    published = Path(default_storage.path(rendition.file.name))
    start = av_tools.find_morse_ai(av_tools.tone_runs(av_tools.samples(published, seconds=2.5)))
    assert start is not None and start < 0.1
    [label] = inspect_file(published, options=InspectOptions()).tc260_labels
    assert label.fields["PropagateID"] == f"provenant-{item.pk}-r1-m{media.pk}"
    assert sha256(stored_path(media)) == before


def test_a_video_without_ai_indication_goes_as_uploaded(
    alice: User, mod: User, clip: bytes, run_commit_hooks: Any, renderers: dict[str, Any]
) -> None:
    item = awaiting(alice, declared_ai=False, files=[upload("walk.mp4", clip)], body="")
    assert item.tier == "none"
    run = approve(item, mod, run_commit_hooks)
    rendition = PublishedRendition.objects.get(submission=item, media__isnull=False)
    assert (run.status, rendition.file.name, rendition.explicit_label) == (
        PublicationStatus.PUBLISHED,
        item.current_revision.media.get().file.name,
        "",
    )


def test_the_c2pa_manifest_names_the_evidence_without_personal_data(
    alice: User, mod: User, clip: bytes, run_commit_hooks: Any
) -> None:
    item = awaiting(
        alice,
        declared_ai=True,
        categories=["face_generation"],
        files=[upload("alice-liddell-private.mp4", clip)],
        body="",
        title="Alice at the lake",
    )
    approve(item, mod, run_commit_hooks)
    rendition = PublishedRendition.objects.get(submission=item, media__isnull=False)
    with c2pa.Reader(default_storage.path(rendition.file.name)) as reader:
        manifest = reader.json()
    assert "declared AI-generated or synthesised by the contributor when submitting" in manifest
    assert "approved for publication as possibly AI-generated after review by a moderator" in manifest
    for personal in ("alice", "Alice", "Liddell", "private", "lake"):
        assert personal not in json.dumps(json.loads(manifest)["manifests"], ensure_ascii=False)


def test_evidence_names_the_declared_categories(alice: User, mod: User) -> None:
    item = awaiting(alice, declared_ai=True, categories=["face_generation"], files=[])
    review_decide(submission=item, moderator=mod, outcome="approved", expected_version=item.version)
    run = PublicationRun.objects.get(submission=item)
    assert publication_evidence(run) == (
        "declared AI-generated or synthesised by the contributor when submitting "
        "(categories: face_generation)",
        "approved for publication as possibly AI-generated after review by a moderator",
    )


def test_a_file_the_engine_refuses_fails_the_run_at_once(
    alice: User, mod: User, tmp_path: Path, run_commit_hooks: Any
) -> None:
    """An MP4 with no video stream: no retry mends it; a senior moderator decides again."""
    sound_only = av_tools.make_audio(tmp_path / "sound.mp4", seconds=2, codec=("-c:a", "aac"))
    item = awaiting(alice, declared_ai=True, files=[upload("clip.mp4", sound_only.read_bytes())], body="")
    assert item.current_revision.media.get().kind == "video"

    run = approve(item, mod, run_commit_hooks)

    run.refresh_from_db()
    assert (run.status, run.attempts) == (PublicationStatus.FAILED, 1)
    assert "has no video stream" in run.error and not run.error.startswith("Gave up")
    assert (item.status, item.queue, item.is_published) == (Status.AWAITING_REVIEW, Queue.ESCALATED, False)
    assert not PublishedRendition.objects.filter(submission=item).exists()
    assert not list(Path(default_storage.path("published")).glob(f"{item.pk}/*"))


@pytest.fixture
def renderers(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    registry = dict(renditions.RENDERERS)
    monkeypatch.setattr(renditions, "RENDERERS", registry)
    return registry


def fake_publisher(steps: int = 100, during: Callable[[float], None] | None = None) -> Any:
    """Stands in for publish_video: reports progress in `steps` steps, then writes a small file."""
    calls: list[dict[str, Any]] = []

    def publish(source: str, dest: str, **kwargs: Any) -> Any:
        calls.append(kwargs)
        for step in range(steps + 1):
            kwargs["progress"](step / steps)
            if during is not None:
                during(step / steps)
        raise PublishError("stop here: the test looks at what happened before")

    publish.calls = calls
    return publish


def test_progress_is_written_every_five_percent_and_renews_the_lease(
    alice: User, mod: User, clip: bytes, run_commit_hooks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = awaiting(alice, declared_ai=True, files=[upload("clip.mp4", clip)], body="")
    seen: list[tuple[int, Any]] = []

    def look(fraction: float) -> None:
        row = PublicationRun.objects.values_list("progress", "lease_expires_at").get(submission=item)
        if not seen or seen[-1] != row:
            seen.append(row)

    publisher = fake_publisher(during=look)
    monkeypatch.setattr(renditions, "publish_video", publisher)
    with CaptureQueriesContext(connection) as queries:
        approve(item, mod, run_commit_hooks)

    progress_writes = [q for q in queries.captured_queries if 'SET "progress"' in q["sql"]]
    assert len(progress_writes) == 21  # 0 %, then every 5 % up to 100 %: 101 reports
    assert [percent for percent, _lease in seen] == list(range(0, 101, 5))
    leases = [lease for _percent, lease in seen]
    assert leases == sorted(leases) and len(set(leases)) == len(leases)
    assert leases[-1] > timezone.now() + timedelta(seconds=settings.PUBLICATION_LEASE_SECONDS - 30)
    [call] = publisher.calls
    assert call["content_id"] == f"provenant-{item.pk}-r1-m{item.current_revision.media.get().pk}"
    assert call["tier"] == "possible" and call["settings"].publisher_code == settings.LABELS_PUBLISHER_CODE


def test_a_takedown_during_the_render_stops_it_and_cancels_the_run(
    alice: User, mod: User, clip: bytes, run_commit_hooks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = awaiting(alice, declared_ai=True, files=[upload("clip.mp4", clip)], body="")
    reports: list[float] = []

    def takedown_at_half(fraction: float) -> None:
        reports.append(fraction)
        if fraction == 0.5:
            submission_open_takedown(submission=item, reason="Consent withdrawn.")

    monkeypatch.setattr(renditions, "publish_video", fake_publisher(during=takedown_at_half))
    run = approve(item, mod, run_commit_hooks)

    assert max(reports) < 0.6  # the next progress write found the item gone and stopped the render
    assert (run.status, run.attempts) == (PublicationStatus.CANCELLED, 1)
    assert (item.status, item.queue) == (Status.AWAITING_REVIEW, Queue.TAKEDOWN)
    assert not PublishedRendition.objects.filter(submission=item).exists()


def test_an_oserror_is_tried_again(
    alice: User, mod: User, clip: bytes, run_commit_hooks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = awaiting(alice, declared_ai=True, files=[upload("clip.mp4", clip)], body="")
    real = renditions.publish_video
    calls = {"n": 0}

    def disk_full_once(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(renditions, "publish_video", disk_full_once)
    run = approve(item, mod, run_commit_hooks)

    assert (run.status, run.attempts, item.status) == (PublicationStatus.PUBLISHED, 2, Status.APPROVED)


def test_each_ffmpeg_run_gets_at_most_the_jobs_time_left(alice: User, mod: User) -> None:
    item = awaiting(alice, declared_ai=True, files=[])
    review_decide(submission=item, moderator=mod, outcome="approved", expected_version=item.version)
    run = PublicationRun.objects.get(submission=item)
    media = MediaFile(pk=1, original_name="clip.mp4", size=1)
    publish_settings = PublishSettings(publisher_code="P", av_timeout_seconds=3600)

    def context(seconds_left: float) -> RenderContext:
        deadline = timezone.now() + timedelta(seconds=seconds_left)
        return RenderContext(run=run, settings=publish_settings, english="", explicit="", deadline=deadline)

    assert context(10_000).av_settings(media).av_timeout_seconds == 3600
    assert 1100 <= context(1200).av_settings(media).av_timeout_seconds <= 1140  # less the finishing margin
    with pytest.raises(renditions.PublicationFailed, match="no time left") as refused:
        context(80).av_settings(media)
    assert refused.value.retryable is False
    assert settings.PUBLICATION_JOB_TIMEOUT_SECONDS > settings.LABELS_AV_TIMEOUT_SECONDS


def test_the_publication_job_is_sent_with_a_timeout_longer_than_ffmpegs(
    alice: User, mod: User, rq_connection: Any, run_commit_hooks: Any
) -> None:
    import django_rq
    from rq.job import Job

    item = awaiting(alice, declared_ai=True, files=[])
    run = approve(item, mod, run_commit_hooks)
    job = Job.fetch(f"publication-run-{run.pk}", connection=django_rq.get_connection("media"))
    assert job.timeout == settings.PUBLICATION_JOB_TIMEOUT_SECONDS > settings.LABELS_AV_TIMEOUT_SECONDS


def test_the_item_pages_show_the_publishing_progress(
    alice: User, mod: User, alice_client: Any, mod_client: Any
) -> None:
    item = awaiting(alice, declared_ai=True, files=[])
    review_decide(submission=item, moderator=mod, outcome="approved", expected_version=item.version)
    PublicationRun.objects.filter(submission=item).update(status=PublicationStatus.RUNNING, progress=42)

    for client, url in (
        (alice_client, f"/submissions/{item.pk}/"),
        (mod_client, f"/review/items/{item.pk}/"),
    ):
        html = client.get(url).content.decode()
        assert 'role="progressbar" id="publishing-progress"' in html
        assert 'aria-valuenow="42"' in html and 'class="progress-bar progress-step-40"' in html
        assert 'id="publishing-percent" aria-hidden="true">42%<' in html
        assert "js/live_checks.js" in html  # polls checks.json and moves the bar
    status = alice_client.get(f"/submissions/{item.pk}/checks.json").json()
    assert (status["status"], status["publication"]) == ("publishing", {"status": "running", "progress": 42})
