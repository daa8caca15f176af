"""Publication: explicit label measured on the pixels, one TC260 label, IPTC type, re-signed C2PA."""

from __future__ import annotations

import dataclasses
import hashlib
import math
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont

from labels import samples
from labels.engine import InspectOptions, inspect_file
from labels.publish import (
    CHINESE_WORDING,
    LABEL_CONFIRMED,
    LABEL_POSSIBLE,
    LABEL_SUSPECTED,
    PublishError,
    PublishSettings,
    label_text,
    publish_image,
)
from labels.publish import settings as settings_module
from labels.publish.explicit import FONT_PATH
from labels.publish.settings import DEFAULT_X264_PARAMS

from .conftest import CORPUS, SigningCertificate

TRAINED = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"


@pytest.fixture
def signing(certificate: SigningCertificate) -> PublishSettings:
    return PublishSettings(
        publisher_code="PROVENANT",
        c2pa_sign_cert=str(certificate.cert_path),
        c2pa_sign_key=str(certificate.key_path),
        c2pa_trust_anchors=str(certificate.trust_anchors_path),
    )


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def uniform(fmt: str, size: tuple[int, int], color: tuple[int, int, int]) -> bytes:
    return samples.image_bytes(fmt, size=size, color=color)


def label_geometry(before: Image.Image, after: Image.Image) -> tuple[tuple[int, int, int, int], list[int]]:
    """Find the label box (pixels that changed) and the heights of its text lines (rows of text pixels)."""
    changed = ImageChops.difference(before.convert("RGB"), after.convert("RGB")).convert("L")
    box = changed.point(lambda value: 255 if value > 40 else 0).getbbox()
    assert box is not None, "no label drawn"
    # Skip the rounded corners at the box's left and right ends: text starts further in.
    inset = (box[3] - box[1]) // 10 + 1
    region = after.convert("L").crop((box[0] + inset, box[1], box[2] - inset, box[3]))
    width, height = region.size
    pixels = region.tobytes()
    fill = Counter(pixels).most_common(1)[0][0]  # the box colour is the commonest value inside the box
    text_rows = [any(abs(pixels[y * width + x] - fill) > 90 for x in range(width)) for y in range(height)]
    lines, run = [], 0
    for is_text in [*text_rows, False]:
        if is_text:
            run += 1
        elif run:
            lines.append(run)
            run = 0
    return box, lines


def test_it_publishes_a_c2pa_image_with_every_label_readable_back(
    tmp_path: Path, signing: PublishSettings, certificate: SigningCertificate
) -> None:
    signed = samples.sign_c2pa(
        uniform("JPEG", (640, 480), (90, 120, 160)),
        "image/jpeg",
        cert_pem=certificate.cert_pem,
        key_pem=certificate.key_pem,
    )
    source = write(tmp_path / "upload.jpg", signed)

    result = publish_image(
        source, tmp_path / "out" / "public.jpg", tier="confirmed", content_id="sub-42", settings=signing
    )

    report = inspect_file(
        result.dest_path, options=InspectOptions(trust_anchors_pem=certificate.trust_anchors_pem)
    )
    assert result.problems == []
    assert (result.media_type, result.c2pa_status, result.explicit_label) == (
        "image/jpeg",
        "signed",
        LABEL_CONFIRMED,
    )
    assert report.media_type == "image/jpeg"
    assert report.tier == "confirmed"
    assert len(report.tc260_labels) == 1
    assert report.tc260_labels[0].fields == {
        "Label": "1",
        "ContentProducer": "PROVENANT",
        "ProduceID": "sub-42",
        "ReservedCode1": "",
        "ContentPropagator": "PROVENANT",
        "PropagateID": "sub-42",
        "ReservedCode2": "",
    }
    assert report.to_json()["tc260"]["valid"] is True
    assert [item.uri for item in report.iptc_source_types] == [TRAINED]
    assert report.c2pa is not None
    assert (report.c2pa.validation_state, report.c2pa.manifests, report.tampered) == ("Trusted", 2, False)
    assert report.c2pa.ingredients == [
        {
            "title": "upload.jpg",
            "relationship": "parentOf",
            "active_manifest": report.c2pa.ingredients[0]["active_manifest"],
        }
    ]
    assert report.c2pa.ingredients[0]["active_manifest"] is not None
    assert [(a.action, a.active) for a in report.c2pa.actions if a.active] == [
        ("c2pa.opened", True),
        ("c2pa.edited", True),
    ]
    assert report.c2pa.ai_source_types == ["trainedAlgorithmicMedia"]


@pytest.mark.parametrize(
    ("fmt", "size", "color", "corner"),
    [
        ("PNG", (800, 500), (210, 210, 210), "bottom-right"),
        ("PNG", (500, 900), (25, 30, 35), "bottom-right"),
        ("PNG", (1600, 400), (120, 120, 120), "top-left"),
        ("JPEG", (1024, 683), (230, 230, 225), "bottom-right"),
    ],
)
def test_it_draws_text_at_least_5_percent_of_the_shortest_side(
    fmt: str,
    size: tuple[int, int],
    color: tuple[int, int, int],
    corner: str,
    tmp_path: Path,
    signing: PublishSettings,
) -> None:
    source = write(tmp_path / f"in.{fmt.lower()}", uniform(fmt, size, color))
    settings = dataclasses.replace(signing, corner=corner)

    result = publish_image(
        source, tmp_path / f"out.{fmt.lower()}", tier="suspected", content_id="c1", settings=settings
    )

    box, lines = label_geometry(Image.open(source), Image.open(result.dest_path))
    shortest = min(size)
    assert len(lines) == 2  # Chinese line, English line
    assert lines[0] >= math.ceil(0.05 * shortest)
    assert result.text_height >= result.min_text_height == math.ceil(0.05 * shortest)
    margin = round(0.02 * shortest)
    if corner == "bottom-right":
        assert abs(box[2] - (size[0] - margin)) <= 2 and abs(box[3] - (size[1] - margin)) <= 2
    else:
        assert abs(box[0] - margin) <= 2 and abs(box[1] - margin) <= 2


def test_it_draws_the_label_in_the_corner_people_see_after_exif_rotation(
    tmp_path: Path, signing: PublishSettings
) -> None:
    # Stored 400x300 with Orientation 6: shown rotated to 300x400.
    data = samples.jpeg_with(
        uniform("JPEG", (400, 300), (200, 200, 200)), exif=samples.tiff_exif({0x0112: 6})
    )
    source = write(tmp_path / "rotated.jpg", data)

    result = publish_image(source, tmp_path / "out.jpg", tier="confirmed", content_id="c1", settings=signing)

    published = Image.open(result.dest_path)
    assert published.size == (300, 400)
    assert published.getexif().get(0x0112) in (None, 1)
    box, _ = label_geometry(Image.new("RGB", (300, 400), (200, 200, 200)), published)
    assert box[2] > 250 and box[3] > 350


def test_it_keeps_one_label_and_the_source_producer(tmp_path: Path, signing: PublishSettings) -> None:
    source = CORPUS / "tc260" / "tc260_two_labels.jpg"
    before = hashlib.sha256(source.read_bytes()).hexdigest()

    result = publish_image(source, tmp_path / "out.jpg", tier="confirmed", content_id="c7", settings=signing)

    assert hashlib.sha256(source.read_bytes()).hexdigest() == before  # the original is never modified
    report = inspect_file(result.dest_path, options=InspectOptions())
    assert [label.placement for label in report.tc260_labels] == ["XMP TC260:AIGC element (JPEG APP1)"]
    fields = report.tc260_labels[0].fields
    assert fields is not None
    assert (fields["ContentProducer"], fields["ProduceID"]) == (samples.PRODUCER_CODE, "img20250901a7")
    assert (fields["ContentPropagator"], fields["PropagateID"]) == ("PROVENANT", "c7")
    assert result.c2pa_status == "signed"


@pytest.mark.parametrize(
    ("tier", "label", "explicit", "source_type", "readback_tier"),
    [
        ("confirmed", "1", LABEL_CONFIRMED, TRAINED, "confirmed"),
        ("possible", "2", LABEL_POSSIBLE, None, "suspected"),
        ("suspected", "3", LABEL_SUSPECTED, None, "suspected"),
    ],
)
def test_it_writes_the_label_value_and_source_type_of_the_tier(
    tier: str,
    label: str,
    explicit: str,
    source_type: str | None,
    readback_tier: str,
    tmp_path: Path,
    signing: PublishSettings,
) -> None:
    source = write(tmp_path / "in.png", uniform("PNG", (300, 200), (200, 100, 50)))

    result = publish_image(source, tmp_path / "out.png", tier=tier, content_id="c1", settings=signing)

    assert (result.tc260_label["Label"], result.explicit_label, result.digital_source_type) == (
        label,
        explicit,
        source_type,
    )
    assert result.readback.tier == readback_tier
    assert [item.uri for item in result.readback.iptc_source_types] == ([source_type] if source_type else [])
    assert result.problems == []


def test_it_keeps_the_source_digital_source_type_for_a_suspected_tier(
    tmp_path: Path, signing: PublishSettings
) -> None:
    source = CORPUS / "generated" / "xmp_dst_capture.jpg"

    result = publish_image(source, tmp_path / "out.jpg", tier="suspected", content_id="c1", settings=signing)

    assert result.digital_source_type == "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture"


def test_it_carries_png_text_over_and_replaces_the_png_label(
    tmp_path: Path, signing: PublishSettings
) -> None:
    png = samples.png_with(
        uniform("PNG", (300, 200), (10, 10, 10)),
        chunks=[
            samples.png_text("parameters", "a fox\nSteps: 20, Sampler: Euler"),
            samples.png_text("AIGC", samples.tc260_json()),
        ],
    )
    source = write(tmp_path / "in.png", png)

    result = publish_image(source, tmp_path / "out.png", tier="confirmed", content_id="c1", settings=signing)

    report = result.readback
    assert [label.placement for label in report.tc260_labels] == ["XMP TC260:AIGC element (PNG iTXt)"]
    assert [(trace.tool, trace.where) for trace in report.traces] == [
        ("AUTOMATIC1111 Stable Diffusion web UI (or a fork)", "PNG iTXt parameters")
    ]


@pytest.mark.parametrize(
    ("source_bytes", "media_type"),
    [(samples.webp_with(size=(200, 150)), "image/webp"), (samples.gif_with(comment="x"), "image/png")],
)
def test_it_keeps_webp_and_turns_gif_into_png(
    source_bytes: bytes, media_type: str, tmp_path: Path, signing: PublishSettings
) -> None:
    source = write(tmp_path / "in.bin", source_bytes)

    result = publish_image(source, tmp_path / "out.bin", tier="confirmed", content_id="c1", settings=signing)

    assert result.media_type == media_type
    assert inspect_file(result.dest_path, options=InspectOptions()).media_type == media_type
    assert result.problems == []


def test_it_refuses_to_publish_without_a_signing_certificate(tmp_path: Path) -> None:
    with pytest.raises(
        PublishError, match=r"no C2PA signing certificate is configured \(LABELS_C2PA_SIGN_CERT"
    ):
        publish_image(
            CORPUS / "generated" / "c2pa_trainedAlgorithmicMedia.png",
            tmp_path / "out.png",
            tier="confirmed",
            content_id="c1",
            settings=PublishSettings(publisher_code="PROVENANT"),
        )

    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("tier", "ai_source_types", "statement"),
    [
        ("confirmed", ["trainedAlgorithmicMedia"], "Published as AI-generated (GB 45438 Label 1)"),
        ("possible", [], "Published as possibly AI-generated (GB 45438 Label 2)"),
    ],
)
def test_it_signs_an_ai_image_that_arrived_without_c2pa(
    tier: str,
    ai_source_types: list[str],
    statement: str,
    tmp_path: Path,
    signing: PublishSettings,
    certificate: SigningCertificate,
) -> None:
    source = write(tmp_path / "upload.png", uniform("PNG", (320, 240), (40, 90, 140)))

    result = publish_image(
        source,
        tmp_path / "public.png",
        tier=tier,
        content_id="c9",
        settings=signing,
        evidence=["the uploader declared AI-generated content"],
    )

    report = inspect_file(
        result.dest_path, options=InspectOptions(trust_anchors_pem=certificate.trust_anchors_pem)
    )
    assert (result.c2pa_status, result.problems) == ("signed", [])
    assert report.c2pa is not None
    assert (report.c2pa.validation_state, report.c2pa.manifests, report.tampered) == ("Trusted", 1, False)
    assert report.c2pa.ai_source_types == ai_source_types
    assert report.c2pa.ingredients == [
        {"title": "upload.png", "relationship": "parentOf", "active_manifest": None}
    ]
    opened = next(action for action in report.c2pa.actions if action.action == "c2pa.opened")
    assert opened.description == f"{statement}. Evidence: the uploader declared AI-generated content"
    assert opened.parameters["org.provenant.evidence"] == ["the uploader declared AI-generated content"]


def test_it_names_the_original_label_as_evidence(tmp_path: Path, signing: PublishSettings) -> None:
    source = CORPUS / "tc260" / "tc260_two_labels.jpg"

    result = publish_image(source, tmp_path / "out.jpg", tier="confirmed", content_id="c7", settings=signing)

    assert result.readback.c2pa is not None
    opened = next(action for action in result.readback.c2pa.actions if action.action == "c2pa.opened")
    assert opened.parameters["org.provenant.evidence"][0].startswith(
        "GB 45438 implicit label of the original (XMP TC260:AIGC"
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tier": "none", "content_id": "c1"}, "tier must be confirmed, possible or suspected"),
        ({"tier": "confirmed", "content_id": "has space"}, "content_id 'has space' must be"),
        ({"tier": "confirmed", "content_id": ""}, "content_id '' must be"),
    ],
)
def test_it_refuses_bad_arguments(
    kwargs: dict[str, str], message: str, tmp_path: Path, signing: PublishSettings
) -> None:
    with pytest.raises(PublishError, match=message):
        publish_image(CORPUS / "generated" / "plain.jpg", tmp_path / "o.jpg", settings=signing, **kwargs)


def test_it_refuses_to_overwrite_the_original_or_publish_audio(
    tmp_path: Path, signing: PublishSettings
) -> None:
    source = write(tmp_path / "in.jpg", uniform("JPEG", (100, 100), (1, 2, 3)))
    audio = write(tmp_path / "in.wav", samples.wav_bytes())

    with pytest.raises(PublishError, match="the destination is the original upload"):
        publish_image(source, source, tier="confirmed", content_id="c1", settings=signing)
    with pytest.raises(PublishError, match=r"in\.wav is audio/wav; only JPEG, PNG, WebP and GIF"):
        publish_image(audio, tmp_path / "o.wav", tier="confirmed", content_id="c1", settings=signing)


def test_it_puts_the_label_at_the_start_of_a_text_once() -> None:
    labelled = label_text("今天的新闻。", "possible", "possibly AI-generated")

    assert labelled == "【可能为AI生成合成内容 / possibly AI-generated】\n今天的新闻。"
    assert (
        label_text(labelled, "confirmed", "AI-generated")
        == "【属于AI生成合成内容 / AI-generated】\n今天的新闻。"
    )
    assert label_text("x", "suspected", "") == "【疑似为AI生成合成内容】\nx"


def test_it_vendors_a_glyph_for_every_character_it_draws() -> None:
    font = ImageFont.truetype(str(FONT_PATH), 40)

    def rendered(character: str) -> bytes:
        image = Image.new("L", (60, 60))
        ImageDraw.Draw(image).text((5, 5), character, font=font, fill=255)
        return image.tobytes()

    missing = rendered("\u9f98")  # a character left out of the subset renders as the .notdef box
    characters = set("".join(CHINESE_WORDING.values()) + "人工智能") | {chr(c) for c in range(0x21, 0x7F)}

    assert sorted(ch for ch in characters if rendered(ch) == missing) == []
    assert FONT_PATH.stat().st_size < 64 * 1024


def test_it_reads_publish_settings_with_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    configured = {
        "LABELS_PUBLISHER_CODE": "PUB",
        "LABELS_EXPLICIT_ENGLISH": {"confirmed": "Made with AI"},
        "LABELS_C2PA_SIGN_CERT": "/certs/pub.pem",
    }
    monkeypatch.setattr(
        settings_module, "get_setting", lambda name, default=None: configured.get(name, default)
    )

    settings = PublishSettings.from_django_settings()

    assert settings.publisher_code == "PUB"
    assert settings.english_for("confirmed") == "Made with AI"
    assert settings.english_for("suspected") == "suspected AI-generated"
    assert (settings.c2pa_sign_cert, settings.c2pa_sign_key, settings.corner) == (
        "/certs/pub.pem",
        None,
        "bottom-right",
    )
    assert settings.can_sign is False


def test_it_reads_the_video_encoder_settings(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    configured = {"LABELS_VIDEO_X264_PRESET": "veryfast", "LABELS_VIDEO_X264_PARAMS": ""}
    monkeypatch.setattr(
        settings_module, "get_setting", lambda name, default=None: configured.get(name, default)
    )

    chosen = PublishSettings.from_django_settings()
    configured.clear()
    defaults = PublishSettings.from_django_settings()

    assert (chosen.video_x264_preset, chosen.video_x264_crf, chosen.video_x264_params) == ("veryfast", 26, "")
    assert (defaults.video_x264_preset, defaults.video_x264_params) == ("ultrafast", DEFAULT_X264_PARAMS)
    assert settings.LABELS_VIDEO_X264_PARAMS == DEFAULT_X264_PARAMS  # config/settings.py's default


def test_it_does_not_publish_when_signing_fails(tmp_path: Path) -> None:
    settings = PublishSettings(publisher_code="P", c2pa_sign_cert=str(tmp_path / "no.pem"), c2pa_sign_key="x")

    result = publish_image(
        CORPUS / "generated" / "c2pa_trainedAlgorithmicMedia.jpg",
        tmp_path / "out.jpg",
        tier="confirmed",
        content_id="c1",
        settings=settings,
    )

    assert result.c2pa_status == "signing_failed"
    assert result.problems[0].startswith("C2PA signing failed:")
    assert result.published is False
    assert not result.dest_path.exists()


def test_it_notes_a_label_that_cannot_fit_a_tiny_image(tmp_path: Path, signing: PublishSettings) -> None:
    source = write(tmp_path / "tiny.png", uniform("PNG", (40, 30), (200, 200, 200)))

    result = publish_image(source, tmp_path / "out.png", tier="confirmed", content_id="c1", settings=signing)

    assert "the image is too small for the label box; the label is clipped" in result.notes
    assert result.text_height >= result.min_text_height == 2
