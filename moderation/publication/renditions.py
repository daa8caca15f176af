"""Publishing approved content with the labels the rules demand (Labeling Measures Art. 4 and 6,
GB 45438): each image gets a labelled copy (explicit label drawn on it, one TC260 implicit label
with our propagation fields, the IPTC source type, a new C2PA manifest naming the original as
ingredient); text gets its explicit label at the start. The original upload is never touched.

Renderers are chosen by media kind. The image renderer is registered here; a kind without a
renderer (video and audio today) is published as uploaded, with its label shown around the
player. A renderer for another kind registers itself with `@register_renderer(MediaKind.VIDEO)`:
it takes the media file and the RenderContext, writes any file under
`context.file_name(media, extension)` (so a failed publication's files are found and deleted),
reads its output back, and returns an unsaved PublishedRendition, or raises PublicationFailed.

Video and audio (AI tiers) go through the label engine's `publish_video` / `publish_audio`: the
explicit label on the first seconds of the frames or the 短长短短 prompt, one GB 45438 label with our
content id as PropagateID, C2PA where the format allows, read back before anything is returned. Their
progress is written to the run's row every PROGRESS_STEP percent, which also renews the run's lease;
each ffmpeg run gets at most the job's time left. A file the engine refuses fails the run at once
(`retryable=False`); an OSError (a full disk) is tried again.
"""

import dataclasses
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from labels import tc260
from labels.publish import (
    AvPublishResult,
    PublishError,
    PublishSettings,
    label_text,
    publish_audio,
    publish_image,
    publish_video,
    rendition_extension,
    wording,
)
from labels.publish.implicit import TIER_LABEL_VALUES
from moderation.models import (
    MediaFile,
    MediaKind,
    PublicationRun,
    PublicationStatus,
    PublishedRendition,
    Status,
    Tier,
)
from privatemedia.localcopy import local_copy, local_output

logger = logging.getLogger(__name__)

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
AS_UPLOADED = "published as uploaded; the explicit label is shown around the player"


PROGRESS_STEP = 5  # percent: how often the run's row is written while rendering
# Kept back from a job's time for signing, reading back and finishing; an ffmpeg run gets the rest.
FINISH_MARGIN_SECONDS = 60
MIN_RENDER_SECONDS = 30


class PublicationFailed(Exception):
    """A labelled copy could not be made; the content must not go out unlabelled.

    `retryable`: whether another attempt may succeed (a signer briefly away); a file the label
    engine refuses fails the run at once and goes to a senior moderator."""

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


class RenderAbandoned(Exception):
    """The run is no longer this attempt's (its lease was taken back) or its item no longer waits
    for it (taken down): the render stops."""


class ProgressReporter:
    """Writes a run's progress (percent of the whole revision, each file weighted by its size) to its
    row every PROGRESS_STEP percent, and at least every third of a lease; each write renews the lease.
    A write that finds the run no longer running under this attempt, or its item no longer
    publishing, raises RenderAbandoned (ffmpeg is stopped by it)."""

    def __init__(self, run: PublicationRun, media: list[MediaFile]) -> None:
        self.run = run
        total = sum(max(item.size, 1) for item in media) or 1
        self.shares: dict[int, tuple[float, float]] = {}
        start = 0.0
        for item in media:
            share = max(item.size, 1) / total
            self.shares[item.pk] = (start, share)
            start += share
        self.lease = settings.PUBLICATION_LEASE_SECONDS
        self.written = -1
        self.written_at = 0.0

    def start(self) -> None:
        self._write(0)

    def for_media(self, media: MediaFile) -> Callable[[float], None]:
        begin, share = self.shares.get(media.pk, (0.0, 0.0))
        return lambda fraction: self.report(begin + share * min(max(fraction, 0.0), 1.0))

    def report(self, fraction: float) -> None:
        percent = min(int(fraction * 100), 100)
        due = time.monotonic() - self.written_at >= self.lease / 3
        if percent >= self.written + PROGRESS_STEP or (due and percent >= self.written):
            self._write(percent)

    def _write(self, percent: int) -> None:
        written = PublicationRun.objects.filter(
            pk=self.run.pk,
            status=PublicationStatus.RUNNING,
            attempts=self.run.attempts,
            submission__status=Status.PUBLISHING,
        ).update(progress=percent, lease_expires_at=timezone.now() + timedelta(seconds=self.lease))
        if not written:
            raise RenderAbandoned(f"publication run {self.run.pk} is no longer this attempt's to render")
        self.written, self.written_at = percent, time.monotonic()


@dataclass(frozen=True)
class RenderContext:
    run: PublicationRun
    settings: PublishSettings
    english: str  # the English wording of the tier's label, "" when nothing is labelled
    explicit: str  # the explicit label shown with the content, "" when nothing is labelled
    progress: ProgressReporter | None = None
    deadline: datetime | None = None  # when the job running this render is stopped
    evidence: tuple[str, ...] = ()  # why it is labelled AI, for the C2PA manifest

    @property
    def labelled(self) -> bool:
        return self.run.tier != Tier.NONE

    def progress_for(self, media: MediaFile) -> Callable[[float], None] | None:
        return self.progress.for_media(media) if self.progress else None

    def av_settings(self, media: MediaFile) -> PublishSettings:
        """The publish settings with each ffmpeg run bounded by the job's time left, so ffmpeg's own
        deadline ends a run (a clean error) before the job is stopped."""
        if self.deadline is None:
            return self.settings
        left = (self.deadline - timezone.now()).total_seconds() - FINISH_MARGIN_SECONDS
        if left < MIN_RENDER_SECONDS:
            raise PublicationFailed(
                f"{media.original_name}: the publication job has no time left to render it", retryable=False
            )
        return dataclasses.replace(
            self.settings, av_timeout_seconds=min(self.settings.av_timeout_seconds, left)
        )

    def content_id(self, suffix: str) -> str:
        # Printable ASCII without spaces: the TC260 character set (GB 45438 Annex E).
        return f"provenant-{self.run.submission_id}-r{self.run.revision.number}-{suffix}"

    def file_name(self, media: MediaFile, extension: str) -> str:
        """Where a renderer writes the rendition of `media`: under the run's own prefix."""
        return f"{self.run.file_prefix}r{self.run.revision.number}-m{media.pk}.{extension}"

    def as_uploaded(self, media: MediaFile, notes: list[str]) -> PublishedRendition:
        return PublishedRendition(
            submission_id=self.run.submission_id,
            revision=self.run.revision,
            run=self.run,
            media=media,
            file=media.file.name,
            mime_type=media.mime_type,
            tier=self.run.tier,
            explicit_label=self.explicit,
            notes=notes,
        )


Renderer = Callable[[MediaFile, RenderContext], PublishedRendition]
RENDERERS: dict[str, Renderer] = {}


def register_renderer(kind: str) -> Callable[[Renderer], Renderer]:
    def register(renderer: Renderer) -> Renderer:
        RENDERERS[kind] = renderer
        return renderer

    return register


def publish_as_uploaded(media: MediaFile, context: RenderContext) -> PublishedRendition:
    """The default for a kind without a renderer: the upload itself, its metadata labels kept,
    the explicit label shown around the player."""
    return context.as_uploaded(media, [AS_UPLOADED])


def renderer_for(kind: str) -> Renderer:
    return RENDERERS.get(kind, publish_as_uploaded)


@register_renderer(MediaKind.IMAGE)
def render_image(media: MediaFile, context: RenderContext) -> PublishedRendition:
    """A labelled copy through the label engine's publisher, read back by it (any problem fails)."""
    if not context.labelled:
        return context.as_uploaded(media, [])
    mime = media.mime_type if media.mime_type != "image/gif" else "image/png"
    name = context.file_name(media, EXTENSIONS.get(mime, "bin"))
    try:
        # Read from and written back through the storage: this worker's disk holds only copies.
        with local_copy(media.file) as source, local_output(name) as target:
            result = publish_image(
                source,
                target,
                tier=context.run.tier,
                content_id=context.content_id(f"m{media.pk}"),
                settings=context.settings,
                evidence=context.evidence,
            )
            if result.problems:  # nothing is stored
                raise PublicationFailed(f"{media.original_name}: {'; '.join(result.problems)}")
    except PublishError as exc:
        raise PublicationFailed(f"{media.original_name}: {exc}") from exc
    return PublishedRendition(
        submission_id=context.run.submission_id,
        revision=context.run.revision,
        run=context.run,
        media=media,
        file=name,
        mime_type=result.media_type,
        tier=context.run.tier,
        explicit_label=result.explicit_label,
        c2pa_status=result.c2pa_status,
        notes=result.notes,
    )


AvPublisher = Callable[..., AvPublishResult]


def _render_av(media: MediaFile, context: RenderContext, publish: AvPublisher) -> PublishedRendition:
    """A labelled, signed copy of a video or audio file through the label engine, in its own family
    (MP4 stays MP4); nothing is returned that did not read back as intended."""
    if not context.labelled:
        return context.as_uploaded(media, [])
    # Read from and written back through the storage: this worker's disk holds only copies.
    with local_copy(media.file) as source:
        try:
            extension = rendition_extension(source)
        except ValueError as exc:
            raise PublicationFailed(f"{media.original_name}: {exc}", retryable=False) from exc
        name = context.file_name(media, extension)
        try:
            with local_output(name) as target:
                result = publish(
                    source,
                    str(target),
                    tier=context.run.tier,
                    content_id=context.content_id(f"m{media.pk}"),
                    settings=context.av_settings(media),
                    progress=context.progress_for(media),
                    evidence=context.evidence,
                )
                if result.problems:  # nothing is stored
                    problems = "; ".join(result.problems)
                    raise PublicationFailed(f"{media.original_name}: {problems}", retryable=False)
        except PublishError as exc:
            raise PublicationFailed(f"{media.original_name}: {exc}", retryable=False) from exc
    return PublishedRendition(
        submission_id=context.run.submission_id,
        revision=context.run.revision,
        run=context.run,
        media=media,
        file=name,
        mime_type=result.media_type,
        tier=context.run.tier,
        explicit_label=result.explicit_label,
        c2pa_status=result.c2pa_status,
        notes=result.notes,
    )


@register_renderer(MediaKind.VIDEO)
def render_video(media: MediaFile, context: RenderContext) -> PublishedRendition:
    """The label drawn on the first seconds of the frames (GB 45438 §5.4), video encoded once."""
    return _render_av(media, context, publish_video)


@register_renderer(MediaKind.AUDIO)
def render_audio(media: MediaFile, context: RenderContext) -> PublishedRendition:
    """The 短长短短 rhythm (or the spoken prompt) joined to the sound (GB 45438 audio, R17)."""
    return _render_av(media, context, publish_audio)


def publication_evidence(run: PublicationRun) -> tuple[str, ...]:
    """Why the rendition is labelled AI, for its C2PA manifest: the declaration and the human
    decision, in words without personal data (no names, accounts or file names)."""
    if run.tier == Tier.NONE:
        return ()
    revision = run.revision
    evidence = []
    if revision.declared_ai:
        categories = ", ".join(category.value for category in revision.categories)
        declared = "declared AI-generated or synthesised by the contributor when submitting"
        evidence.append(f"{declared} (categories: {categories})" if categories else declared)
    meaning = tc260.LABEL_MEANINGS[TIER_LABEL_VALUES[run.tier]]
    evidence.append(f"approved for publication as {meaning} after review by a moderator")
    return tuple(evidence)


def renditions_render(*, run: PublicationRun) -> list[PublishedRendition]:
    """Make (not save) the renditions of the run's revision: each file by its kind's renderer,
    then the text with its explicit label first. Content with no AI indication goes as is.
    Progress is reported on the run's row as each file is rendered."""
    publish_settings = PublishSettings.from_django_settings()
    labelled = run.tier != Tier.NONE
    english = publish_settings.english_for(run.tier) if labelled else ""
    revision = run.revision
    media = list(revision.media.all())
    progress = ProgressReporter(run, media)
    started = run.started_at or timezone.now()
    context = RenderContext(
        run=run,
        settings=publish_settings,
        english=english,
        explicit=wording(run.tier, english) if labelled else "",
        progress=progress,
        deadline=started + timedelta(seconds=settings.PUBLICATION_JOB_TIMEOUT_SECONDS),
        evidence=publication_evidence(run),
    )
    progress.start()
    renditions = []
    for item in media:
        renditions.append(renderer_for(item.kind)(item, context))
        progress.for_media(item)(1.0)
    if revision.body:
        renditions.append(
            PublishedRendition(
                submission_id=run.submission_id,
                revision=revision,
                run=run,
                tier=run.tier,
                explicit_label=context.explicit,
                text=label_text(revision.body, run.tier, english) if labelled else revision.body,
            )
        )
    return renditions


def renditions_read_back(renditions: list[PublishedRendition]) -> None:
    """Every file a rendition names is there and not empty, or PublicationFailed."""
    for rendition in renditions:
        name = rendition.file.name if rendition.file else ""
        if name and (not default_storage.exists(name) or default_storage.size(name) == 0):
            raise PublicationFailed(f"{name}: the rendition could not be read back")


def renditions_discard(run: PublicationRun) -> list[str]:
    """Delete every file a run wrote (a failed or cancelled one: none of them is published)."""
    folder, _slash, prefix = run.file_prefix.rpartition("/")
    try:
        _dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    removed = [f"{folder}/{name}" for name in files if name.startswith(prefix)]
    for name in removed:
        default_storage.delete(name)
    if removed:
        logger.info("Deleted %s file(s) of publication run %s", len(removed), run.pk)
    return removed
