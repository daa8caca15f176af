"""The acceptance corpus: every entry of expected.json agrees, and every record has the documented shape."""

from __future__ import annotations

import json

import pytest

from labels.engine import InspectOptions, inspect_file

from .conftest import CORPUS, MEDIA

EXPECTED: dict[str, dict[str, object]] = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
DOCUMENTED_KEYS = ["path", "media_type", "tier", "tampered", "c2pa", "tc260", "signals", "errors"]


@pytest.mark.parametrize("relative_path", sorted(EXPECTED))
def test_it_agrees_with_expected_json(relative_path: str, untrusted: InspectOptions) -> None:
    expected = EXPECTED[relative_path]
    record = inspect_file(CORPUS / relative_path, options=untrusted).to_json()
    tc260 = record["tc260"] or {"count": 0, "valid": None}
    actual = {
        "tier": record["tier"],
        "tampered": record["tampered"],
        "tc260_count": tc260["count"],
        "tc260_valid": tc260["valid"],
    }
    assert {key: actual[key] for key in expected if key != "note"} == {
        key: value for key, value in expected.items() if key != "note"
    }


@pytest.mark.parametrize("relative_path", sorted(EXPECTED))
def test_it_gives_every_record_the_documented_shape(relative_path: str, untrusted: InspectOptions) -> None:
    record = inspect_file(CORPUS / relative_path, options=untrusted).to_json()

    assert list(record) == DOCUMENTED_KEYS
    assert record["path"] == str(CORPUS / relative_path)
    assert record["tier"] in ("confirmed", "suspected", "none")
    assert isinstance(record["tampered"], bool)
    if record["c2pa"] is not None:
        assert list(record["c2pa"]) == ["manifests", "validation_state", "ai_source_types", "codes"]
    if record["tc260"] is not None:
        assert list(record["tc260"]) == [
            "count",
            "valid",
            "label",
            "content_producer",
            "produce_id",
            "errors",
        ]
    assert all(list(signal) == ["source", "detail"] for signal in record["signals"])
    assert all(isinstance(error, str) for error in record["errors"])
    json.dumps(record)  # JSON-able as is


def test_it_puts_richer_data_under_one_details_key(untrusted: InspectOptions) -> None:
    record = inspect_file(CORPUS / "real" / "firefly-1.png", options=untrusted).to_json(include_details=True)

    assert list(record) == [*DOCUMENTED_KEYS, "details"]
    details = record["details"]
    assert details["c2pa"]["claim_generator"] == "Adobe_Firefly"
    assert details["c2pa"]["issuer"] == "Adobe Inc."
    assert details["c2pa"]["signer_trust"] == "untrusted"
    assert details["c2pa"]["actions"][0]["software_agent"] == "Adobe Firefly"
    assert details["c2pa"]["actions"][0]["parameters"]["com.adobe.firefly.operation"] == "text_to_image"


def test_it_reads_the_expected_media_types_from_the_bytes(untrusted: InspectOptions) -> None:
    media_types = {
        relative_path: inspect_file(CORPUS / relative_path, options=untrusted).media_type
        for relative_path in EXPECTED
    }

    assert {path.rsplit(".", 1)[1]: media_type for path, media_type in media_types.items()} == {
        "jpg": "image/jpeg",
        "png": "image/png",
        "webp": "image/webp",
        "mp3": "audio/mpeg",
        "mp4": "video/mp4",
        "wav": "audio/wav",
    }


@pytest.mark.parametrize(
    ("name", "media_type", "placement"),
    [
        ("webm_tc260.webm", "video/webm", "Matroska SimpleTag AIGC"),
        ("m4a_tc260.m4a", "audio/mp4", "MP4 moov/udta/meta AIGC"),
        ("mov_tc260.mov", "video/quicktime", "MP4 moov/udta/meta AIGC"),
    ],
)
def test_it_reads_the_ffmpeg_labels_of_webm_m4a_and_mov(
    name: str, media_type: str, placement: str, untrusted: InspectOptions
) -> None:
    report = inspect_file(MEDIA / "av_extra" / name, options=untrusted)

    assert report.media_type == media_type
    assert report.tier == "confirmed"
    assert [label.placement for label in report.tc260_labels] == [placement]
    assert report.tc260 is not None and report.tc260.valid
    assert report.errors == []
