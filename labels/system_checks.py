"""System checks of the labels app (``manage.py check``; runserver runs them at start-up).

- labels.E001 (``check --deploy``): in production (DEBUG off) the publisher's C2PA certificate and key
  must be configured and readable: publishing refuses without them (R14), so approval would fail.
- labels.W001: ffmpeg and ffprobe must be installed to publish video and audio (images do not need them).
- labels.W002: the spoken audio prompt needs espeak-ng.
- labels.W003: the English label wording must use characters the vendored font has (printable ASCII).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def c2pa_signing_configured(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if settings.DEBUG:
        return []
    problems = [
        f"{name} {_unreadable_pem(getattr(settings, name, None))}"
        for name in ("LABELS_C2PA_SIGN_CERT", "LABELS_C2PA_SIGN_KEY")
        if _unreadable_pem(getattr(settings, name, None))
    ]
    if not problems:
        return []
    return [
        Error(
            "The publisher's C2PA signing certificate is not usable: " + "; ".join(problems) + ".",
            hint=(
                "Set LABELS_C2PA_SIGN_CERT (PEM certificate chain) and LABELS_C2PA_SIGN_KEY (PEM es256 "
                "private key) to readable files: AI content is not published without a C2PA manifest."
            ),
            id="labels.E001",
        )
    ]


def _unreadable_pem(path: str | None) -> str:
    """Why the PEM file at ``path`` cannot be used, or "" when it can."""
    if not path:
        return "is not set"
    try:
        text = Path(path).read_text(encoding="ascii", errors="replace")
    except OSError as error:
        return f"cannot be read ({path}: {error.strerror or error})"
    return "" if "-----BEGIN " in text else f"is not a PEM file ({path})"


@register()
def media_tools_installed(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    ffmpeg = getattr(settings, "LABELS_FFMPEG", "ffmpeg") or "ffmpeg"
    ffprobe = getattr(settings, "LABELS_FFPROBE", "ffprobe") or "ffprobe"
    missing = [tool for tool in (ffmpeg, ffprobe) if shutil.which(tool) is None]
    if missing:
        messages.append(
            Warning(
                f"{' and '.join(missing)} not found: approved video and audio cannot be published "
                "with their labels (images still can).",
                hint="Install Debian's ffmpeg package, or set LABELS_FFMPEG and LABELS_FFPROBE.",
                id="labels.W001",
            )
        )
    espeak = getattr(settings, "LABELS_ESPEAK", "espeak-ng") or "espeak-ng"
    prompt = getattr(settings, "LABELS_AUDIO_PROMPT", "rhythm")
    if prompt in ("voice", "both") and shutil.which(espeak) is None:
        messages.append(
            Warning(
                f"LABELS_AUDIO_PROMPT is {prompt!r} but {espeak} is not installed: "
                "audio cannot be published.",
                hint="Install Debian's espeak-ng package, or set LABELS_AUDIO_PROMPT=rhythm.",
                id="labels.W002",
            )
        )
    return messages


@register()
def english_wording_drawable(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """The label font is a subset (labels/fonts/README.md): Chinese wording plus printable ASCII."""
    english = getattr(settings, "LABELS_EXPLICIT_ENGLISH", None) or {}
    if not isinstance(english, dict):
        return []
    missing = sorted({ch for text in english.values() for ch in str(text) if not " " <= ch <= "~"})
    if not missing:
        return []
    return [
        Warning(
            f"LABELS_EXPLICIT_ENGLISH uses characters the label font lacks: {''.join(missing)}; "
            "they would be drawn as empty boxes on images and video.",
            hint="Use printable ASCII, or extend the font subset as labels/fonts/README.md describes.",
            id="labels.W003",
        )
    ]
