"""A video publication in a real `rqworker` on the media queue (PostgreSQL, Redis): approve, the
worker renders the labelled rendition with ffmpeg, reports progress, and the published file reads
back with its label."""

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.storage import default_storage

from accounts.models import User
from accounts.roles import Role
from audit.services import verify_chain
from labels.engine import InspectOptions, inspect_file
from moderation.models import PublicationRun, PublicationStatus, PublishedRendition, Status
from moderation.review.decisions import review_decide
from tests.factories import make_contributor, make_user
from tests.labels import av_tools
from tests.media_samples import upload
from tests.moderation.builders import submitted
from tests.moderation.test_workers import finish, start_worker

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not av_tools.have("ffmpeg"), reason="needs Debian's ffmpeg"),
]


@pytest.fixture
def contributor(postgres: None) -> User:
    return make_contributor("vera")


def test_it_publishes_a_labelled_video_in_a_real_worker(
    contributor: User, rq_connection: Any, redis_url: str, tmp_path: Path
) -> None:
    import django_rq
    from rq.job import Job

    source = av_tools.make_video(tmp_path / "clip.mp4", seconds=3)
    submission = submitted(
        contributor, declared_ai=True, files=[upload("clip.mp4", source.read_bytes())], body=""
    )
    finish(start_worker(redis_url, "--burst"))  # the checks
    submission.refresh_from_db()
    assert submission.status == Status.AWAITING_REVIEW
    review_decide(
        submission=submission,
        moderator=make_user("mona", Role.MODERATOR),
        outcome="approved",
        expected_version=submission.version,
    )
    run = PublicationRun.objects.get(submission=submission)
    job = Job.fetch(f"publication-run-{run.pk}", connection=django_rq.get_connection("media"))
    assert job.timeout == settings.PUBLICATION_JOB_TIMEOUT_SECONDS > settings.LABELS_AV_TIMEOUT_SECONDS

    finish(start_worker(redis_url, "--burst", queues=("media",)))

    submission.refresh_from_db()
    run.refresh_from_db()
    assert (submission.status, submission.is_published) == (Status.APPROVED, True)
    assert (run.status, run.attempts, run.progress, run.error) == (PublicationStatus.PUBLISHED, 1, 100, "")
    assert run.worker and not run.worker.startswith("inline")
    media = submission.current_revision.media.get()
    rendition = PublishedRendition.objects.get(submission=submission, media=media)
    assert (rendition.mime_type, rendition.c2pa_status) == ("video/mp4", "signed")
    published = Path(default_storage.path(rendition.file.name))
    report = inspect_file(published, options=InspectOptions())
    [label] = report.tc260_labels
    assert (label.fields["Label"], label.fields["PropagateID"]) == (
        "2",
        f"provenant-{submission.pk}-r1-m{media.pk}",
    )
    found = av_tools.label_on(av_tools.frame_at(source, 1.0), av_tools.frame_at(published, 1.0))
    assert found.box is not None and found.text_height >= 0.05 * 240
    assert verify_chain()[1] is None
