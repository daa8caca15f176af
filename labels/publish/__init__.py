"""Labels on publication: the explicit label drawn on images and video frames, played before (or
after) audio, or put before texts; the implicit labels (one TC260 label, the IPTC source type)
written into the file; and a new C2PA manifest signed by the publisher.

Renderers, one per media kind, all called the same way::

    renderer(src_path, dest_path, tier=..., content_id=..., settings=..., progress=..., evidence=...)

``publish_image``, ``publish_video`` and ``publish_audio``; ``rendition_extension(src_path)`` names the
target's extension. Each raises PublishError when the source cannot be published and otherwise
returns a result whose ``problems`` list is empty when the rendition was written to ``dest_path``.
"""

from labels.publish.audio import publish_audio
from labels.publish.av import AvPublishResult
from labels.publish.common import (
    SIGNED,
    SIGNING_FAILED,
    UNSUPPORTED_FORMAT,
    Progress,
    PublishError,
    verify_publication,
)
from labels.publish.explicit import (
    CHINESE_WORDING,
    DEFAULT_ENGLISH_WORDING,
    LABEL_CONFIRMED,
    LABEL_POSSIBLE,
    LABEL_SUSPECTED,
    label_text,
    wording,
)
from labels.publish.formats import rendition_extension
from labels.publish.images import PublishResult, publish_image
from labels.publish.settings import PublishSettings
from labels.publish.video import publish_video

__all__ = [
    "CHINESE_WORDING",
    "DEFAULT_ENGLISH_WORDING",
    "LABEL_CONFIRMED",
    "LABEL_POSSIBLE",
    "LABEL_SUSPECTED",
    "SIGNED",
    "SIGNING_FAILED",
    "UNSUPPORTED_FORMAT",
    "AvPublishResult",
    "Progress",
    "PublishError",
    "PublishResult",
    "PublishSettings",
    "label_text",
    "publish_audio",
    "publish_image",
    "publish_video",
    "rendition_extension",
    "verify_publication",
    "wording",
]
