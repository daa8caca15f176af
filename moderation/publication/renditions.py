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
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.core.files.storage import default_storage

from labels.publish import PublishError, PublishSettings, label_text, publish_image, wording
from moderation.models import MediaFile, MediaKind, PublicationRun, PublishedRendition, Tier

logger = logging.getLogger(__name__)

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
AS_UPLOADED = "published as uploaded; the explicit label is shown around the player"


class PublicationFailed(Exception):
    """A labelled copy could not be made; the content must not go out unlabelled."""


@dataclass(frozen=True)
class RenderContext:
    run: PublicationRun
    settings: PublishSettings
    english: str  # the English wording of the tier's label, "" when nothing is labelled
    explicit: str  # the explicit label shown with the content, "" when nothing is labelled

    @property
    def labelled(self) -> bool:
        return self.run.tier != Tier.NONE

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
    target = Path(default_storage.path(name))
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        result = publish_image(
            default_storage.path(media.file.name or ""),
            target,
            tier=context.run.tier,
            content_id=context.content_id(f"m{media.pk}"),
            settings=context.settings,
        )
    except PublishError as exc:
        raise PublicationFailed(f"{media.original_name}: {exc}") from exc
    if result.problems:
        raise PublicationFailed(f"{media.original_name}: {'; '.join(result.problems)}")
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


def renditions_render(*, run: PublicationRun) -> list[PublishedRendition]:
    """Make (not save) the renditions of the run's revision: each file by its kind's renderer,
    then the text with its explicit label first. Content with no AI indication goes as is."""
    publish_settings = PublishSettings.from_django_settings()
    labelled = run.tier != Tier.NONE
    english = publish_settings.english_for(run.tier) if labelled else ""
    context = RenderContext(
        run=run,
        settings=publish_settings,
        english=english,
        explicit=wording(run.tier, english) if labelled else "",
    )
    revision = run.revision
    renditions = [renderer_for(media.kind)(media, context) for media in revision.media.all()]
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
