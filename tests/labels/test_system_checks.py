"""System checks of the labels app: the C2PA certificate in production, ffmpeg, espeak-ng."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from labels.system_checks import c2pa_signing_configured, english_wording_drawable, media_tools_installed

from .conftest import CERTS


def ids(messages: list[Any]) -> list[str]:
    return [message.id for message in messages]


def test_it_passes_with_a_readable_certificate_and_key(settings: Any) -> None:
    settings.DEBUG = False
    settings.LABELS_C2PA_SIGN_CERT = str(CERTS / "es256.pub")
    settings.LABELS_C2PA_SIGN_KEY = str(CERTS / "es256.pem")

    assert c2pa_signing_configured(None) == []


def test_it_fails_in_production_when_either_is_missing_or_not_pem(settings: Any, tmp_path: Path) -> None:
    not_pem = tmp_path / "key.txt"
    not_pem.write_text("hello")
    settings.DEBUG = False
    settings.LABELS_C2PA_SIGN_CERT = ""
    settings.LABELS_C2PA_SIGN_KEY = str(not_pem)

    [error] = c2pa_signing_configured(None)

    assert error.id == "labels.E001"
    assert error.msg == (
        "The publisher's C2PA signing certificate is not usable: LABELS_C2PA_SIGN_CERT is not set; "
        f"LABELS_C2PA_SIGN_KEY is not a PEM file ({not_pem})."
    )


def test_it_lets_development_run_without_one(settings: Any) -> None:
    settings.DEBUG = True
    settings.LABELS_C2PA_SIGN_CERT = ""

    assert c2pa_signing_configured(None) == []


def test_it_warns_when_ffmpeg_or_espeak_is_missing(settings: Any) -> None:
    settings.LABELS_FFMPEG = "/nonexistent/ffmpeg"
    settings.LABELS_ESPEAK = "/nonexistent/espeak-ng"
    settings.LABELS_AUDIO_PROMPT = "both"

    messages = media_tools_installed(None)

    assert ids(messages) == ["labels.W001", "labels.W002"]
    assert messages[0].msg.startswith(
        "/nonexistent/ffmpeg not found: approved video and audio cannot be published"
    )
    settings.LABELS_AUDIO_PROMPT = "rhythm"
    assert ids(media_tools_installed(None)) == ["labels.W001"]


def test_it_warns_when_the_english_wording_needs_glyphs_the_font_lacks(settings: Any) -> None:
    settings.LABELS_EXPLICIT_ENGLISH = {"confirmed": "Made with AI"}
    assert english_wording_drawable(None) == []

    settings.LABELS_EXPLICIT_ENGLISH = {"confirmed": "Généré par IA"}
    [warning] = english_wording_drawable(None)

    assert warning.id == "labels.W003"
    assert warning.msg.startswith("LABELS_EXPLICIT_ENGLISH uses characters the label font lacks: é;")
