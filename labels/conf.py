"""Optional Django settings of the labels app, read with defaults so the engine runs without Django.

Settings (all optional):
- ``LABELS_PUBLISHER_CODE``: the platform's name or TC260 code, written as ``ContentPropagator``.
- ``LABELS_EXPLICIT_ENGLISH``: dict tier -> English wording of the explicit label.
- ``LABELS_EXPLICIT_CORNER``: corner of the explicit label on images (default "bottom-right").
- ``LABELS_C2PA_SIGN_CERT`` / ``LABELS_C2PA_SIGN_KEY``: PEM paths of the publisher's C2PA signing
  certificate chain and private key (es256).
- ``LABELS_C2PA_TRUST_ANCHORS``: PEM path of the trust anchors C2PA signers are checked against.
- ``LABELS_VIDEO_LABEL_SECONDS`` (≥ 2, default 3), ``LABELS_VIDEO_END_LABEL``: when the video label shows.
- ``LABELS_VIDEO_X264_PRESET``, ``LABELS_VIDEO_X264_CRF``, ``LABELS_VIDEO_X264_PARAMS``,
  ``LABELS_VIDEO_VP9_CRF``: the one video encode.
- ``LABELS_AUDIO_PROMPT`` (rhythm, voice, both), ``LABELS_AUDIO_PROMPT_POSITION`` (start, end).
- ``LABELS_FFMPEG``, ``LABELS_FFPROBE``, ``LABELS_ESPEAK``, ``LABELS_AV_TIMEOUT_SECONDS``: the tools.
"""

from __future__ import annotations

from typing import Any


def get_setting(name: str, default: Any = None) -> Any:
    """Return ``settings.<name>`` when Django settings are configured, else ``default``."""
    try:
        from django.conf import settings
    except ImportError:  # pragma: no cover - Django is a project dependency
        return default
    if not settings.configured:
        return default
    return getattr(settings, name, default)
