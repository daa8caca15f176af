"""GB 45438 implicit labels: every placement and form, the one-label rule, Annex E, producer codes."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from labels import samples, tc260
from labels.report import MediaReport

Inspect = Callable[..., MediaReport]
JPEG = samples.image_bytes()
PNG = samples.image_bytes("PNG")
VALID = {
    "count": 1,
    "valid": True,
    "label": "1",
    "content_producer": samples.PRODUCER_CODE,
    "produce_id": "img20250901a7",
    "errors": [],
}


# Raw quotes only fit in an element: an attribute must escape them.
@pytest.mark.parametrize(
    ("form", "quotes"),
    [
        ("element", "entity"),
        ("element", "raw"),
        ("element", "double"),
        ("attribute", "entity"),
        ("attribute", "double"),
    ],
)
@pytest.mark.parametrize("wrapper", [True, False])
@pytest.mark.parametrize("prefix", ["TC260", "aigc"])
def test_it_reads_the_xmp_label_in_every_serialisation(
    form: str, quotes: str, wrapper: bool, prefix: str, inspect: Inspect
) -> None:
    xmp = samples.tc260_xmp(samples.tc260_json(wrapper=wrapper), form=form, quotes=quotes, prefix=prefix)

    report = inspect(samples.jpeg_with(JPEG, xmp=xmp))

    assert report.to_json()["tc260"] == VALID
    assert [label.placement for label in report.tc260_labels] == [f"XMP TC260:AIGC {form} (JPEG APP1)"]
    assert report.tier == "confirmed"


@pytest.mark.parametrize(
    ("exif", "placement"),
    [
        (
            samples.tiff_exif(
                exif_ifd={samples.TAG_USER_COMMENT: samples.user_comment(samples.tc260_json())}
            ),
            "EXIF Exif-IFD UserComment",
        ),
        (
            samples.tiff_exif(
                exif_ifd={samples.TAG_USER_COMMENT: samples.user_comment(samples.tc260_json(), "UNICODE")}
            ),
            "EXIF Exif-IFD UserComment",
        ),
        (samples.tiff_exif({samples.TAG_USER_COMMENT: samples.tc260_json()}), "EXIF IFD0 UserComment"),
        (
            samples.tiff_exif({samples.TAG_IMAGE_DESCRIPTION: samples.tc260_json()}, big_endian=False),
            "EXIF IFD0 ImageDescription",
        ),
    ],
)
def test_it_reads_the_label_from_exif(exif: bytes, placement: str, inspect: Inspect) -> None:
    report = inspect(samples.jpeg_with(JPEG, exif=exif))

    assert report.to_json()["tc260"] == VALID
    assert [label.placement for label in report.tc260_labels] == [placement]


@pytest.mark.parametrize("kind", ["tEXt", "zTXt", "iTXt"])
def test_it_reads_the_label_from_png_text_chunks(kind: str, inspect: Inspect) -> None:
    report = inspect(samples.png_with(PNG, chunks=[samples.png_text("AIGC", samples.tc260_json(), kind)]))

    assert report.to_json()["tc260"] == VALID
    assert [label.placement for label in report.tc260_labels] == [f"PNG {kind} AIGC"]


def test_it_reads_a_bare_aigc_segment_in_a_jpeg(inspect: Inspect) -> None:
    report = inspect(samples.jpeg_with(JPEG, segments=[(0xEA, b"AIGC" + samples.tc260_json().encode())]))

    assert report.to_json()["tc260"] == VALID
    assert [label.placement for label in report.tc260_labels] == ["JPEG APP10 AIGC"]


def test_it_reads_the_label_from_a_webp_xmp_chunk(inspect: Inspect) -> None:
    report = inspect(samples.webp_with(xmp=samples.tc260_xmp(samples.tc260_json())))

    assert report.to_json()["tc260"] == VALID


def test_it_counts_every_placement_and_rejects_two_labels(inspect: Inspect) -> None:
    second = samples.tc260_json(samples.tc260_fields(ProduceID="other"))
    data = samples.jpeg_with(
        JPEG,
        xmp=samples.tc260_xmp(samples.tc260_json()),
        exif=samples.tiff_exif(exif_ifd={samples.TAG_USER_COMMENT: samples.user_comment(second)}),
    )

    summary = inspect(data).to_json()["tc260"]

    assert summary == {
        "count": 2,
        "valid": False,
        "label": "1",
        "content_producer": samples.PRODUCER_CODE,
        "produce_id": "img20250901a7",
        "errors": [
            "2 implicit labels found (XMP TC260:AIGC element (JPEG APP1), EXIF Exif-IFD UserComment); "
            "GB 45438 §6.1 c) allows only one"
        ],
    }


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (samples.tc260_fields(1), ['Label must be the string "1", "2" or "3", found number 1']),
        (samples.tc260_fields("4"), ['Label must be "1", "2" or "3", found "4"']),
        (
            samples.tc260_fields(ProduceID="a b"),
            ["ProduceID contains characters outside the allowed set: space"],
        ),
        (
            samples.tc260_fields(ContentProducer="x\\y"),
            ["ContentProducer contains characters outside the allowed set: backslash"],
        ),
        (
            samples.tc260_fields(ProduceID='a"b'),
            ["ProduceID contains characters outside the allowed set: double quote"],
        ),
        (
            samples.tc260_fields(ReservedCode1="签名"),
            ["ReservedCode1 contains characters outside the allowed set: U+540D, U+7B7E"],
        ),
        (samples.tc260_fields(ContentProducer=""), ["ContentProducer is empty"]),
        (samples.tc260_fields(PropagateID=7), ["PropagateID must be a string, found number"]),
        (
            {k: v for k, v in samples.tc260_fields().items() if k != "ReservedCode2"},
            ["field ReservedCode2 is missing"],
        ),
        ({**samples.tc260_fields(), "Extra": "x"}, ["unexpected field Extra"]),
    ],
)
def test_it_names_the_field_that_breaks_annex_e(
    fields: dict[str, object], errors: list[str], inspect: Inspect
) -> None:
    report = inspect(samples.jpeg_with(JPEG, xmp=samples.tc260_xmp(samples.tc260_json(fields))))

    summary = report.to_json()["tc260"]
    assert summary["count"] == 1
    assert summary["valid"] is False
    assert summary["errors"] == errors


def test_it_keeps_the_ai_claim_of_a_label_written_as_a_number(inspect: Inspect) -> None:
    report = inspect(
        samples.jpeg_with(JPEG, xmp=samples.tc260_xmp(samples.tc260_json(samples.tc260_fields(1))))
    )

    assert report.tier == "confirmed"
    assert report.to_json()["tc260"]["label"] == 1


@pytest.mark.parametrize(
    ("label", "tier"), [("1", "confirmed"), ("2", "suspected"), ("3", "suspected"), ("9", "none")]
)
def test_it_derives_the_tier_from_the_label(label: str, tier: str, inspect: Inspect) -> None:
    report = inspect(
        samples.png_with(
            PNG, chunks=[samples.png_text("AIGC", samples.tc260_json(samples.tc260_fields(label)))]
        )
    )

    assert report.tier == tier


def test_it_reports_a_label_that_is_not_json(inspect: Inspect) -> None:
    report = inspect(samples.png_with(PNG, chunks=[samples.png_text("AIGC", "Label=1;ContentProducer=x")]))

    assert report.to_json()["tc260"] == {
        "count": 1,
        "valid": False,
        "label": None,
        "content_producer": None,
        "produce_id": None,
        "errors": ["the label is not valid JSON"],
    }
    assert report.tier == "none"


def test_it_ignores_exif_text_that_is_not_a_label(inspect: Inspect) -> None:
    exif = samples.tiff_exif({samples.TAG_IMAGE_DESCRIPTION: '{"title": "AIGC workshop"}'})

    assert inspect(samples.jpeg_with(JPEG, exif=exif)).tc260_labels == []


@pytest.mark.parametrize(
    ("producer", "expected"),
    [
        (samples.PRODUCER_CODE, tc260.ProducerClass("tc260_code", "91110102MACQD9K640", "10000", True)),
        (
            "001191110102MACQD9K64110000",
            tc260.ProducerClass("tc260_code", "91110102MACQD9K641", "10000", False),
        ),
        ("doubao", tc260.ProducerClass("name", name="doubao")),
        ("0011911101", tc260.ProducerClass("name", name="0011911101")),
        ("", tc260.ProducerClass("empty")),
    ],
)
def test_it_classifies_the_content_producer(producer: str, expected: tc260.ProducerClass) -> None:
    assert tc260.classify_producer(producer) == expected


def test_it_writes_labels_the_way_annex_e_shows_them() -> None:
    written = tc260.label_json({"Label": "2", "ContentProducer": "P", "ProduceID": "1", "PropagateID": "x"})

    assert written == (
        '{"AIGC":{"Label":"2","ContentProducer":"P","ProduceID":"1","ReservedCode1":"",'
        '"ContentPropagator":"","PropagateID":"x","ReservedCode2":""}}'
    )
    assert tc260.parse_label("test", written).errors == []
    assert json.loads(written)["AIGC"]["Label"] == "2"
