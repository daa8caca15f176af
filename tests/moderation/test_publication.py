"""Publication off the decision lock: approving decides, a job publishes once the renditions read
back; a failed render is retried, then goes to a senior moderator; nothing failed is left on disk
or shown; the sweep takes back what a dead worker left; renderers plug in by media kind."""

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from moderation.models import (
    MediaFile,
    MediaKind,
    PublicationRun,
    PublicationStatus,
    PublishedRendition,
    Queue,
    Status,
    Submission,
)
from moderation.publication import renditions
from moderation.publication.renditions import (
    PublicationFailed,
    RenderContext,
    register_renderer,
    renderer_for,
)
from moderation.publication.services import publication_runs_requeue_stale
from moderation.publication.takedown import submission_open_takedown
from moderation.review.decisions import review_decide
from notifications.models import Notification
from tests.moderation.builders import unique_image
from tests.moderation.test_review import awaiting


def approve(item: Submission, moderator: User) -> None:
    item.refresh_from_db()
    review_decide(submission=item, moderator=moderator, outcome="approved", expected_version=item.version)
    item.refresh_from_db()


def published_files(item: Submission) -> list[str]:
    folder = Path(default_storage.path(f"published/{item.pk}"))
    return sorted(path.name for path in folder.glob("*")) if folder.exists() else []


@pytest.fixture
def ai_item(alice: User) -> Submission:
    return awaiting(alice, declared_ai=True, files=[unique_image()], body="A story.")


@pytest.fixture
def renderers(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The renderer registry, restored after the test."""
    registry = dict(renditions.RENDERERS)
    monkeypatch.setattr(renditions, "RENDERERS", registry)
    return registry


def failing_image_renderer(times: int) -> Any:
    """Writes its file like the real one, then fails the first `times` attempts."""
    calls = {"n": 0}
    real = renditions.render_image

    def render(media: MediaFile, context: RenderContext) -> PublishedRendition:
        calls["n"] += 1
        if calls["n"] <= times:
            name = context.file_name(media, "jpg")
            Path(default_storage.path(name)).parent.mkdir(parents=True, exist_ok=True)
            Path(default_storage.path(name)).write_bytes(b"half a file")
            raise PublicationFailed(f"{media.original_name}: the signer is unavailable")
        return real(media, context)

    return render


def test_approving_decides_and_publishes_nothing_under_the_lock(ai_item: Submission, mod: User) -> None:
    approve(ai_item, mod)  # commit hooks do not run: this is the state right after the decision
    assert (ai_item.status, ai_item.published_at, ai_item.decided_at is not None) == (
        Status.PUBLISHING,
        None,
        True,
    )
    run = PublicationRun.objects.get(submission=ai_item)
    assert (run.status, run.attempts, run.requested_by, run.tier) == (
        PublicationStatus.PENDING,
        0,
        mod,
        "possible",
    )
    assert not PublishedRendition.objects.exists() and published_files(ai_item) == []
    assert Client().get(f"/p/{ai_item.pk}/").status_code == 404
    assert not Notification.objects.filter(user=ai_item.contributor).exists()


def test_the_job_publishes_once_the_renditions_read_back(
    ai_item: Submission, mod: User, run_commit_hooks: Any
) -> None:
    with run_commit_hooks(execute=True):
        approve(ai_item, mod)
    ai_item.refresh_from_db()
    assert (ai_item.status, ai_item.is_published) == (Status.APPROVED, True)
    run = PublicationRun.objects.get(submission=ai_item)
    assert (run.status, run.attempts, run.error) == (PublicationStatus.PUBLISHED, 1, "")
    assert set(PublishedRendition.objects.filter(submission=ai_item).values_list("run", flat=True)) == {
        run.pk
    }
    assert published_files(ai_item) == [f"p{run.pk}-r1-m{ai_item.current_revision.media.get().pk}.jpg"]
    event = AuditEvent.objects.get(action="submission.published")
    assert (event.details["from"], event.details["to"], event.details["publication"]) == (
        "publishing",
        "approved",
        run.pk,
    )
    assert Notification.objects.get(user=ai_item.contributor).subject == (
        f"Your submission #{ai_item.pk} was approved and published"
    )
    assert Client().get(f"/p/{ai_item.pk}/").status_code == 200


def test_the_pages_say_publishing_meanwhile(ai_item: Submission, mod: User, alice_client: Client) -> None:
    approve(ai_item, mod)
    mine = alice_client.get(f"/submissions/{ai_item.pk}/").content.decode()
    assert 'id="publishing-notice"' in mine and "Publishing…" in mine
    assert Client().get(f"/p/{ai_item.pk}/").status_code == 404  # nothing public meanwhile
    review = Client()
    review.force_login(mod)
    assert 'id="publishing-notice"' in review.get(f"/review/items/{ai_item.pk}/").content.decode()
    status = alice_client.get(f"/submissions/{ai_item.pk}/checks.json").json()
    assert status["status"] == "publishing"


def test_a_failed_attempt_is_retried_and_its_files_deleted(
    ai_item: Submission, mod: User, run_commit_hooks: Any, renderers: dict[str, Any]
) -> None:
    renderers[MediaKind.IMAGE] = failing_image_renderer(times=1)
    with run_commit_hooks(execute=True):
        approve(ai_item, mod)
    ai_item.refresh_from_db()
    run = PublicationRun.objects.get(submission=ai_item)
    assert (ai_item.status, run.status, run.attempts) == (Status.APPROVED, PublicationStatus.PUBLISHED, 2)
    assert published_files(ai_item) == [f"p{run.pk}-r1-m{ai_item.current_revision.media.get().pk}.jpg"]
    assert (
        Path(default_storage.path(PublishedRendition.objects.get(media__isnull=False).file.name))
        .stat()
        .st_size
        > 100
    )


def test_a_render_that_keeps_failing_goes_to_a_senior_with_the_reason(
    ai_item: Submission, mod: User, senior: User, run_commit_hooks: Any, renderers: dict[str, Any]
) -> None:
    renderers[MediaKind.IMAGE] = failing_image_renderer(times=99)
    with run_commit_hooks(execute=True):
        approve(ai_item, mod)
    ai_item.refresh_from_db()
    run = PublicationRun.objects.get(submission=ai_item)
    assert (run.status, run.attempts) == (PublicationStatus.FAILED, 3)
    assert run.error.startswith("Gave up after 3 attempts: photo-") and "signer is unavailable" in run.error
    assert (ai_item.status, ai_item.queue, ai_item.is_published) == (
        Status.AWAITING_REVIEW,
        Queue.ESCALATED,
        False,
    )
    assert ai_item.due_at == ai_item.awaiting_since + timedelta(hours=48)
    assert published_files(ai_item) == [] and not PublishedRendition.objects.exists()
    assert AuditEvent.objects.get(action="publication.failed").details["queue"] == "escalated"
    moderator_page = Client()
    moderator_page.force_login(mod)
    assert moderator_page.get(f"/review/items/{ai_item.pk}/").status_code == 403  # escalated: seniors only
    senior_page = Client()
    senior_page.force_login(senior)
    html = senior_page.get(f"/review/items/{ai_item.pk}/").content.decode()
    assert 'id="publication-failed"' in html and "signer is unavailable" in html

    renderers[MediaKind.IMAGE] = renditions.render_image  # the signer is back: a senior approves again
    with run_commit_hooks(execute=True):
        approve(ai_item, senior)
    ai_item.refresh_from_db()
    assert (ai_item.status, ai_item.is_published) == (Status.APPROVED, True)


def test_a_takedown_while_publishing_cancels_the_publication(
    ai_item: Submission, mod: User, run_commit_hooks: Any
) -> None:
    approve(ai_item, mod)
    with run_commit_hooks(execute=True):
        assert submission_open_takedown(submission=ai_item, reason="Consent withdrawn.") is True
    from moderation.publication.jobs import publish_inline

    run = PublicationRun.objects.get(submission=ai_item)
    assert publish_inline(run.pk) == "cancelled: the item no longer waits for this publication"
    ai_item.refresh_from_db()
    assert (ai_item.status, ai_item.queue, ai_item.is_published) == (
        Status.AWAITING_REVIEW,
        Queue.TAKEDOWN,
        False,
    )
    assert PublicationRun.objects.get(pk=run.pk).status == PublicationStatus.CANCELLED
    assert published_files(ai_item) == [] and not PublishedRendition.objects.exists()


def test_a_duplicate_delivery_does_nothing(ai_item: Submission, mod: User, run_commit_hooks: Any) -> None:
    with run_commit_hooks(execute=True):
        approve(ai_item, mod)
    from moderation.publication.jobs import publish

    assert publish(PublicationRun.objects.get().pk) == "skipped: not pending"
    assert PublishedRendition.objects.filter(submission=ai_item, media__isnull=False).count() == 1


def test_the_sweep_takes_back_a_dead_workers_run(ai_item: Submission, mod: User) -> None:
    approve(ai_item, mod)
    run = PublicationRun.objects.get()
    # A worker claimed it, wrote a file and died.
    stray = f"{run.file_prefix}r1-m1.jpg"
    default_storage.save(stray, io.BytesIO(b"half"))
    PublicationRun.objects.filter(pk=run.pk).update(
        status=PublicationStatus.RUNNING, attempts=1, lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    report = publication_runs_requeue_stale()
    assert (report.lease_expired, report.resent, report.gave_up) == (1, 1, 0)
    assert not default_storage.exists(stray)
    ai_item.refresh_from_db()
    assert ai_item.status == Status.APPROVED  # resent inline: published on the second attempt
    assert PublicationRun.objects.get().attempts == 2


def test_the_sweep_gives_up_after_the_last_attempt(ai_item: Submission, mod: User) -> None:
    approve(ai_item, mod)
    PublicationRun.objects.update(
        status=PublicationStatus.RUNNING, attempts=3, lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    out = io.StringIO()
    call_command("requeue_stale_publications", "--json", stdout=out)
    assert out.getvalue().strip() == '{"lease_expired": 0, "resent": 0, "gave_up": 1}'
    ai_item.refresh_from_db()
    assert (ai_item.status, ai_item.queue) == (Status.AWAITING_REVIEW, Queue.ESCALATED)
    assert PublicationRun.objects.get().error == "The worker stopped responding 3 times"


def test_the_sweep_resends_a_run_redis_lost(ai_item: Submission, mod: User) -> None:
    approve(ai_item, mod)  # the after-commit send never happened
    PublicationRun.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    assert publication_runs_requeue_stale().resent == 1
    ai_item.refresh_from_db()
    assert ai_item.status == Status.APPROVED


def test_each_kind_has_its_renderer_and_a_kind_without_one_goes_as_uploaded(
    renderers: dict[str, Any],
) -> None:
    assert renderer_for(MediaKind.IMAGE) is renditions.render_image
    assert renderer_for(MediaKind.VIDEO) is renditions.render_video
    assert renderer_for(MediaKind.AUDIO) is renditions.render_audio

    del renderers[MediaKind.AUDIO]
    assert renderer_for(MediaKind.AUDIO) is renditions.publish_as_uploaded

    @register_renderer(MediaKind.VIDEO)
    def burn_in(media: MediaFile, context: RenderContext) -> PublishedRendition:
        return context.as_uploaded(media, ["burnt in"])

    assert renderer_for(MediaKind.VIDEO) is burn_in
