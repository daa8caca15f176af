"""Labels on publication: the explicit label drawn on images or put before texts, the implicit
labels (one TC260 label, the IPTC source type) written into the file, and a new C2PA manifest."""

from labels.publish.explicit import (
    CHINESE_WORDING,
    DEFAULT_ENGLISH_WORDING,
    LABEL_CONFIRMED,
    LABEL_POSSIBLE,
    LABEL_SUSPECTED,
    label_text,
    wording,
)
from labels.publish.images import PublishError, PublishResult, publish_image, verify_publication
from labels.publish.settings import PublishSettings

__all__ = [
    "CHINESE_WORDING",
    "DEFAULT_ENGLISH_WORDING",
    "LABEL_CONFIRMED",
    "LABEL_POSSIBLE",
    "LABEL_SUSPECTED",
    "PublishError",
    "PublishResult",
    "PublishSettings",
    "label_text",
    "publish_image",
    "verify_publication",
    "wording",
]
