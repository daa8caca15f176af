"""Publication settings: who the platform is, the English wording, the C2PA credentials, the corner."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from labels.conf import get_setting
from labels.publish.explicit import CORNERS, DEFAULT_ENGLISH_WORDING


@dataclass(frozen=True)
class PublishSettings:
    publisher_code: str
    english_wording: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_ENGLISH_WORDING))
    c2pa_sign_cert: str | None = None  # PEM path: certificate chain, es256
    c2pa_sign_key: str | None = None  # PEM path: private key
    c2pa_trust_anchors: str | None = None  # PEM path
    corner: str = "bottom-right"
    jpeg_quality: int = 92

    def __post_init__(self) -> None:
        if self.corner not in CORNERS:
            raise ValueError(f"unknown label corner {self.corner!r}; expected one of {', '.join(CORNERS)}")

    @property
    def can_sign(self) -> bool:
        return bool(self.c2pa_sign_cert and self.c2pa_sign_key)

    def english_for(self, tier: str) -> str:
        return self.english_wording.get(tier, DEFAULT_ENGLISH_WORDING[tier])

    @classmethod
    def from_django_settings(cls) -> PublishSettings:
        """Read LABELS_PUBLISHER_CODE, LABELS_EXPLICIT_ENGLISH (dict tier -> wording, merged over the
        defaults), LABELS_EXPLICIT_CORNER, LABELS_C2PA_SIGN_CERT, LABELS_C2PA_SIGN_KEY and
        LABELS_C2PA_TRUST_ANCHORS, each optional."""
        english = get_setting("LABELS_EXPLICIT_ENGLISH", None) or {}
        if not isinstance(english, Mapping):
            raise ValueError("LABELS_EXPLICIT_ENGLISH must be a dict of tier -> English wording")
        return cls(
            publisher_code=get_setting("LABELS_PUBLISHER_CODE", "") or "",
            english_wording={**DEFAULT_ENGLISH_WORDING, **english},
            c2pa_sign_cert=get_setting("LABELS_C2PA_SIGN_CERT", None),
            c2pa_sign_key=get_setting("LABELS_C2PA_SIGN_KEY", None),
            c2pa_trust_anchors=get_setting("LABELS_C2PA_TRUST_ANCHORS", None),
            corner=get_setting("LABELS_EXPLICIT_CORNER", "bottom-right"),
        )
