"""Publishing video: the label measured on decoded frames, one implicit label read back by our engine
and by ffprobe (and exiftool when installed), the C2PA manifest, copied audio, errors."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import math
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from labels import samples
from labels.engine import InspectOptions, inspect_file
from labels.publish import (
    LABEL_CONFIRMED,
    AvPublishResult,
    PublishError,
    PublishSettings,
    publish_audio,
    publish_video,
    rendition_extension,
)

from . import av_tools
from .av_tools import ffmpeg, frame_at, label_on, make_video
from .conftest import CORPUS, SigningCertificate

pytestmark = pytest.mark.skipif(not av_tools.have("ffmpeg"), reason="needs Debian's ffmpeg")

TRAINED = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
SOURCE_LABEL = samples.tc260_json(samples.tc260_fields(ProduceID="vid-2025-001"))


@pytest.fixture
def signing(certificate: SigningCertificate) -> PublishSettings:
    return PublishSettings(
        publisher_code="PROVENANT",
        c2pa_sign_cert=str(certificate.cert_path),
        c2pa_sign_key=str(certificate.key_path),
        c2pa_trust_anchors=str(certificate.trust_anchors_path),
    )


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """10 s of 320x240 at 25 fps, H.264 and AAC in MP4, carrying a TC260 label twice (two placements)."""
    path = tmp_path_factory.mktemp("clips") / "clip.mp4"
    return make_video(
        path,
        extra=(
            *("-metadata", f"AIGC={SOURCE_LABEL}", "-metadata", f"comment={SOURCE_LABEL}"),
            *("-movflags", "+use_metadata_tags"),
        ),
    )


@pytest.fixture(scope="module")
def published(clip: Path, tmp_path_factory: pytest.TempPathFactory) -> AvPublishResult:
    certs = Path(__file__).resolve().parent.parent / "fixtures" / "media" / "corpus" / "certs"
    settings = PublishSettings(
        publisher_code="PROVENANT",
        c2pa_sign_cert=str(certs / "es256.pub"),
        c2pa_sign_key=str(certs / "es256.pem"),
        c2pa_trust_anchors=str(certs / "test_cert_root_bundle.pem"),
    )
    dest = tmp_path_factory.mktemp("published") / "public.mp4"
    return publish_video(clip, dest, tier="confirmed", content_id="provenant-7-r1-m3", settings=settings)


def assert_label_in_bottom_right(source: Path, rendition: Path, seconds: float) -> None:
    before, after = frame_at(source, seconds), frame_at(rendition, seconds)
    width, height = after.size
    shortest = min(width, height)
    found = label_on(before, after)
    assert found.box is not None, f"no label at {seconds} s"
    left, top, right, bottom = found.box
    margin = round(0.02 * shortest)
    assert abs(right - (width - margin)) <= 3 and abs(bottom - (height - margin)) <= 3
    assert left > width // 3 and top > height // 2  # a corner box, not a frame-wide change
    assert bottom - top >= math.ceil(0.05 * shortest)
    assert found.text_height >= math.ceil(0.05 * shortest)


@pytest.mark.parametrize("seconds", [0.0, 1.0, 1.9])
def test_it_draws_the_label_on_the_first_two_seconds(
    clip: Path, published: AvPublishResult, seconds: float
) -> None:
    assert published.problems == []
    assert_label_in_bottom_right(clip, published.dest_path, seconds)


def test_it_leaves_the_middle_of_the_video_untouched(clip: Path, published: AvPublishResult) -> None:
    assert label_on(frame_at(clip, 5.0), frame_at(published.dest_path, 5.0)).box is None
    assert published.explicit["windows"] == [[-1.0, 3.0]]


def test_it_keeps_the_video_shape_and_copies_the_audio(clip: Path, published: AvPublishResult) -> None:
    source = av_tools.ffprobe(clip, "-show_streams")["streams"]
    rendition = av_tools.ffprobe(published.dest_path, "-show_streams")["streams"]

    assert [(s["codec_type"], s["codec_name"]) for s in rendition] == [("video", "h264"), ("audio", "aac")]
    for key in ("width", "height", "r_frame_rate", "sample_aspect_ratio"):
        assert rendition[0].get(key) == source[0].get(key)
    assert av_tools.packet_hashes(published.dest_path) == av_tools.packet_hashes(clip)  # not re-encoded
    assert abs(av_tools.duration(published.dest_path) - 10.0) < 0.1
    assert published.encoding["video"] == (
        "libx264 ultrafast cabac=1:deblock=0,0:bframes=3:weightb=1:8x8dct=1:aq-mode=1 crf 26 yuv420p"
    )
    assert published.encoding["copied"] == ["#1 audio aac"]


def test_it_encodes_with_the_x264_options_on_top_of_the_preset(published: AvPublishResult) -> None:
    # x264 writes the options it used into the stream (an SEI message): ultrafast's motion search,
    # with CABAC, deblocking, B-frames, the 8x8 transform and adaptive quantisation back on.
    options = x264_options(published.dest_path)

    assert {
        "cabac=1",
        "deblock=1:0:0",
        "bframes=3",
        "weightb=1",
        "8x8dct=1",
        "subme=0",
        "crf=26.0",
    } <= options
    assert "aq=1:1.00" in options


def test_it_encodes_with_the_preset_alone_when_the_options_are_empty(
    tmp_path: Path, signing: PublishSettings
) -> None:
    source = make_video(tmp_path / "in.mp4", seconds=2)
    settings = dataclasses.replace(
        signing, video_x264_preset="veryfast", video_x264_crf=23, video_x264_params=""
    )

    result = publish_video(source, tmp_path / "out.mp4", tier="confirmed", content_id="c1", settings=settings)

    assert result.encoding["video"] == "libx264 veryfast crf 23 yuv420p"
    assert {"subme=2", "me=hex", "cabac=1", "crf=23.0"} <= x264_options(result.dest_path)


@pytest.mark.parametrize("params", ["crf=1 -y", "bframes", "cabac=1;rm", "cabac=1:"])
def test_it_refuses_x264_options_that_are_not_key_value_pairs(params: str) -> None:
    with pytest.raises(ValueError, match="are not key=value pairs joined by ':'"):
        PublishSettings(publisher_code="P", video_x264_params=params)


def x264_options(path: Path) -> set[str]:
    """The options x264 recorded in the stream ("... options: cabac=1 ref=1 ...")."""
    data = path.read_bytes()
    start = data.index(b"options: ") + len(b"options: ")
    return set(data[start : data.index(b"\x00", start)].decode("ascii").split())


def test_it_writes_one_implicit_label_read_back_by_the_engine(clip: Path, published: AvPublishResult) -> None:
    report = inspect_file(published.dest_path, options=InspectOptions())

    assert [label.placement for label in report.tc260_labels] == ["MP4 moov/udta/meta AIGC"]
    assert report.tc260_labels[0].fields == {
        "Label": "1",
        "ContentProducer": "001191110102MACQD9K64010000",
        "ProduceID": "vid-2025-001",
        "ReservedCode1": "",
        "ContentPropagator": "PROVENANT",
        "PropagateID": "provenant-7-r1-m3",
        "ReservedCode2": "",
    }
    assert [item.uri for item in report.iptc_source_types] == [TRAINED]
    assert published.tc260_label == report.tc260_labels[0].fields


def test_inspect_media_and_ffprobe_read_the_same_label(published: AvPublishResult) -> None:
    out = io.StringIO()
    call_command("inspect_media", "--json", str(published.dest_path), stdout=out)
    record = json.loads(out.getvalue())
    tags = av_tools.ffprobe_tags(published.dest_path)

    assert record["media_type"] == "video/mp4"
    assert record["tc260"]["count"] == 1 and record["tc260"]["valid"] is True
    assert json.loads(tags["AIGC"])["AIGC"] == published.tc260_label
    assert "comment" not in tags  # the second label, in the comment, was removed


@pytest.mark.skipif(not av_tools.have("exiftool"), reason="needs Debian's libimage-exiftool-perl")
def test_exiftool_reads_the_label_and_source_type(published: AvPublishResult) -> None:
    output = subprocess.run(
        ["exiftool", "-j", "-G1", "-a", str(published.dest_path)], check=True, capture_output=True, timeout=60
    ).stdout
    tags = json.loads(output)[0]

    assert json.loads(tags["Keys:AIGC"])["AIGC"]["PropagateID"] == "provenant-7-r1-m3"
    assert tags["XMP-iptcExt:DigitalSourceType"] == TRAINED


def test_it_signs_a_manifest_naming_the_original_and_the_evidence(
    published: AvPublishResult, certificate: SigningCertificate
) -> None:
    report = inspect_file(published.dest_path, options=InspectOptions(certificate.trust_anchors_pem))

    assert published.c2pa_status == "signed"
    assert report.c2pa is not None
    assert (report.c2pa.validation_state, report.tampered) == ("Trusted", False)
    assert report.c2pa.ingredients == [
        {"title": "clip.mp4", "relationship": "parentOf", "active_manifest": None}
    ]
    assert report.c2pa.ai_source_types == ["trainedAlgorithmicMedia"]
    opened = next(action for action in report.c2pa.actions if action.action == "c2pa.opened")
    assert opened.parameters["org.provenant.evidence"] == [
        'GB 45438 implicit label of the original (MP4 moov/udta/meta AIGC): Label "1" (AI-generated), '
        "ContentProducer 001191110102MACQD9K64010000",
        'GB 45438 implicit label of the original (MP4 moov/udta/meta comment): Label "1" (AI-generated), '
        "ContentProducer 001191110102MACQD9K64010000",
    ]


def test_it_keeps_the_original_manifest_as_ingredient(
    tmp_path: Path, signing: PublishSettings, certificate: SigningCertificate
) -> None:
    source = CORPUS / "av" / "mp4_c2pa_ai.mp4"

    result = publish_video(source, tmp_path / "out.mp4", tier="confirmed", content_id="c1", settings=signing)

    report = inspect_file(result.dest_path, options=InspectOptions(certificate.trust_anchors_pem))
    assert (result.problems, result.c2pa_status) == ([], "signed")
    assert report.c2pa is not None
    assert (report.c2pa.validation_state, report.c2pa.manifests) == ("Trusted", 2)
    assert report.c2pa.ingredients[0]["active_manifest"] is not None
    assert sorted((a.action, a.active) for a in report.c2pa.actions) == [
        ("c2pa.created", False),  # the original's own manifest, carried by the ingredient
        ("c2pa.edited", True),
        ("c2pa.opened", True),
    ]


def test_it_never_modifies_the_original(tmp_path: Path, signing: PublishSettings) -> None:
    source = make_video(tmp_path / "in.mp4", seconds=3)
    before = hashlib.sha256(source.read_bytes()).hexdigest()

    publish_video(source, tmp_path / "out.mp4", tier="possible", content_id="c1", settings=signing)

    assert hashlib.sha256(source.read_bytes()).hexdigest() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["in.mp4", "out.mp4"]  # no work files left


def test_it_shows_the_label_at_the_end_too_when_configured(
    clip: Path, tmp_path: Path, signing: PublishSettings
) -> None:
    settings = dataclasses.replace(signing, video_end_label=True, corner="top-left")

    result = publish_video(clip, tmp_path / "out.mp4", tier="confirmed", content_id="c1", settings=settings)

    assert result.explicit["windows"] == [[-1.0, 3.0], [7.0, 11.0]]
    assert label_on(frame_at(clip, 5.0), frame_at(result.dest_path, 5.0)).box is None
    for seconds in (1.0, 9.0):
        found = label_on(frame_at(clip, seconds), frame_at(result.dest_path, seconds))
        assert found.box is not None and found.box[0] <= 8 and found.box[1] <= 8, seconds


@pytest.mark.parametrize("rate", [10, 50])
def test_it_counts_seconds_not_frames(rate: int, tmp_path: Path, signing: PublishSettings) -> None:
    source = make_video(tmp_path / "in.mp4", seconds=4, rate=rate)

    result = publish_video(source, tmp_path / "out.mp4", tier="confirmed", content_id="c1", settings=signing)

    assert label_on(frame_at(source, 2.5), frame_at(result.dest_path, 2.5)).box is not None
    assert label_on(frame_at(source, 3.5), frame_at(result.dest_path, 3.5)).box is None


@pytest.mark.parametrize(
    ("name", "video", "audio", "media_type", "c2pa_status", "codecs"),
    [
        (
            "in.webm",
            ("-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "2M"),
            ("-c:a", "libopus"),
            "video/webm",
            "unsupported_format",
            ["vp9", "opus"],
        ),
        (
            "in.mkv",
            ("-c:v", "libx264", "-preset", "ultrafast", "-crf", "12"),
            ("-c:a", "libvorbis"),
            "video/x-matroska",
            "unsupported_format",
            ["h264", "vorbis"],
        ),
        (
            "in.mov",
            ("-c:v", "libx264", "-preset", "ultrafast", "-crf", "12"),
            ("-c:a", "pcm_s16le"),
            "video/quicktime",
            "signed",
            ["h264", "pcm_s16le"],
        ),
    ],
)
def test_it_keeps_each_container_family(
    name: str,
    video: tuple[str, ...],
    audio: tuple[str, ...],
    media_type: str,
    c2pa_status: str,
    codecs: list[str],
    tmp_path: Path,
    signing: PublishSettings,
) -> None:
    source = make_video(tmp_path / name, seconds=3, video=video, audio=audio)
    dest = tmp_path / f"out.{rendition_extension(source)}"

    result = publish_video(source, dest, tier="suspected", content_id="c1", settings=signing)

    assert (result.problems, result.media_type, result.c2pa_status) == ([], media_type, c2pa_status)
    assert dest.suffix == Path(name).suffix
    rendition = av_tools.ffprobe(dest, "-show_streams")["streams"]
    assert [s["codec_name"] for s in rendition] == codecs
    assert av_tools.packet_hashes(dest) == av_tools.packet_hashes(source)
    report = inspect_file(dest, options=InspectOptions())
    assert report.media_type == media_type
    assert [label.fields["Label"] for label in report.tc260_labels if label.fields] == ["3"]
    assert json.loads(av_tools.ffprobe_tags(dest)["AIGC"])["AIGC"]["Label"] == "3"
    assert_label_in_bottom_right(source, dest, 1.0)


def test_it_applies_the_display_rotation_so_the_label_is_upright(
    tmp_path: Path, signing: PublishSettings
) -> None:
    plain = make_video(tmp_path / "plain.mp4", seconds=3)
    rotated = tmp_path / "rotated.mp4"
    ffmpeg("-i", str(plain), "-c", "copy", "-metadata:s:v:0", "rotate=90", str(rotated))

    result = publish_video(rotated, tmp_path / "out.mp4", tier="confirmed", content_id="c1", settings=signing)

    stream = av_tools.ffprobe(result.dest_path, "-show_streams", "-select_streams", "v")["streams"][0]
    assert (stream["width"], stream["height"], av_tools.stream_rotation(stream)) == (240, 320, 0)
    assert result.encoding["rotation_applied"] == 270
    assert_label_in_bottom_right(rotated, result.dest_path, 1.0)


def test_it_draws_for_the_displayed_shape_with_non_square_pixels(
    tmp_path: Path, signing: PublishSettings
) -> None:
    source = make_video(tmp_path / "in.mp4", seconds=3, extra=("-vf", "setsar=2/1"))

    result = publish_video(source, tmp_path / "out.mp4", tier="confirmed", content_id="c1", settings=signing)

    stream = av_tools.ffprobe(result.dest_path, "-show_streams", "-select_streams", "v")["streams"][0]
    assert stream["sample_aspect_ratio"] == "2:1"
    assert result.explicit["display_size"] == [640, 240]
    left, _, right, _ = result.explicit["label_box"]
    assert right - left < 100  # half as wide in stored pixels as on screen
    assert_label_in_bottom_right(source, result.dest_path, 1.0)


def test_it_reports_progress_from_zero_to_one(tmp_path: Path, signing: PublishSettings) -> None:
    source = make_video(tmp_path / "in.mp4", seconds=3)
    fractions: list[float] = []

    publish_video(
        source,
        tmp_path / "out.mp4",
        tier="confirmed",
        content_id="c1",
        settings=signing,
        progress=fractions.append,
    )

    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    assert all(0.0 <= fraction <= 1.0 for fraction in fractions)
    assert any(0.0 < fraction < 1.0 for fraction in fractions)


def test_it_refuses_without_a_signer_unless_the_format_cannot_be_signed(tmp_path: Path) -> None:
    unsigned = PublishSettings(publisher_code="PROVENANT")
    mp4 = make_video(tmp_path / "in.mp4", seconds=2)
    webm = make_video(
        tmp_path / "in.webm", seconds=2, video=("-c:v", "libvpx-vp9", "-deadline", "realtime"), audio=("-an",)
    )

    with pytest.raises(PublishError, match="no C2PA signing certificate is configured"):
        publish_video(mp4, tmp_path / "out.mp4", tier="confirmed", content_id="c1", settings=unsigned)
    result = publish_video(webm, tmp_path / "out.webm", tier="confirmed", content_id="c1", settings=unsigned)

    assert not (tmp_path / "out.mp4").exists()
    assert (result.problems, result.c2pa_status) == ([], "unsupported_format")
    assert "video/webm cannot carry a C2PA manifest: the rendition is not signed" in result.notes


def test_it_says_clearly_when_ffmpeg_is_missing_or_too_slow(tmp_path: Path, signing: PublishSettings) -> None:
    source = make_video(tmp_path / "in.mp4", seconds=2)

    with pytest.raises(
        PublishError,
        match=r"in\.mp4: /nonexistent/ffprobe is not installed \(Debian: apt-get install ffmpeg\)",
    ):
        publish_video(
            source,
            tmp_path / "a.mp4",
            tier="confirmed",
            content_id="c1",
            settings=dataclasses.replace(signing, ffprobe="/nonexistent/ffprobe"),
        )
    with pytest.raises(
        PublishError, match=r"ffmpeg \(video label\) did not finish within 0\.01 s and was stopped"
    ):
        publish_video(
            source,
            tmp_path / "b.mp4",
            tier="confirmed",
            content_id="c1",
            settings=dataclasses.replace(signing, av_timeout_seconds=0.01),
        )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["in.mp4"]


def test_it_refuses_audio_and_non_media(tmp_path: Path, signing: PublishSettings) -> None:
    audio = av_tools.make_audio(tmp_path / "in.m4a", seconds=1, codec=("-c:a", "aac"))
    text = tmp_path / "in.txt"
    text.write_text("not a video")

    with pytest.raises(PublishError, match=r"in\.m4a is audio/mp4, not a video format"):
        publish_video(audio, tmp_path / "out.m4a", tier="confirmed", content_id="c1", settings=signing)
    with pytest.raises(PublishError, match=r"in\.txt: ffprobe cannot read the file"):
        publish_video(text, tmp_path / "out.mp4", tier="confirmed", content_id="c1", settings=signing)
    with pytest.raises(PublishError, match=r"in\.mp4 has a video stream: publish it as video"):
        publish_audio(
            make_video(tmp_path / "in.mp4", seconds=1),
            tmp_path / "o.mp4",
            tier="confirmed",
            content_id="c1",
            settings=signing,
        )


def test_it_words_the_label_like_images(published: AvPublishResult) -> None:
    assert published.explicit_label == LABEL_CONFIRMED
    assert published.to_json()["explicit"]["text_height"] >= published.explicit["min_text_height"] == 12
