"""Publishing audio: the · − · · rhythm found in the decoded sound, the spoken prompt, the one implicit
label in every container read back by our engine and by ffprobe, C2PA where the format allows."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import struct
from pathlib import Path

import pytest

from labels import samples
from labels.engine import InspectOptions, inspect_file
from labels.publish import AvPublishResult, PublishError, PublishSettings, publish_audio, rendition_extension
from labels.publish.av_metadata import append_riff_chunks
from labels.publish.prompts import RHYTHM_SECONDS

from . import av_tools
from .av_tools import duration, find_morse_ai, make_audio, tone_runs
from .av_tools import samples as decoded
from .conftest import SigningCertificate

pytestmark = pytest.mark.skipif(not av_tools.have("ffmpeg"), reason="needs Debian's ffmpeg")

SOURCE_LABEL = samples.tc260_json(samples.tc260_fields(ProduceID="aud-7"))
PROMPT_SECONDS = RHYTHM_SECONDS + 0.35  # the rhythm, then the gap before the sound

# name, ffmpeg codec options, label placement read back, C2PA status, rendition media type
FORMATS = [
    ("in.mp3", ("-c:a", "libmp3lame", "-b:a", "128k"), "ID3v2.4 TXXX AIGC", "signed", "audio/mpeg"),
    ("in.wav", ("-c:a", "pcm_s16le"), "WAV RIFF chunk AIGC", "signed", "audio/wav"),
    (
        "in.m4a",
        ("-c:a", "aac", "-b:a", "128k", "-movflags", "+use_metadata_tags"),
        "MP4 moov/udta/meta AIGC",
        "signed",
        "audio/mp4",
    ),
    ("in.flac", ("-c:a", "flac"), "FLAC Vorbis comment AIGC", "signed", "audio/flac"),
    ("in.ogg", ("-c:a", "libvorbis"), "Ogg Vorbis comment AIGC", "unsupported_format", "audio/ogg"),
    (
        "in.opus",
        ("-c:a", "libopus", "-f", "ogg"),
        "Ogg Opus comment AIGC",
        "unsupported_format",
        "audio/ogg",
    ),
]


def labelled_source(path: Path, codec: tuple[str, ...]) -> Path:
    """3 s of a 440 Hz tone carrying SOURCE_LABEL where the format keeps it (WAV: an AIGC chunk)."""
    make_audio(path, seconds=3, codec=codec, extra=("-metadata", f"AIGC={SOURCE_LABEL}"))
    if path.suffix == ".wav":
        append_riff_chunks(path, [(b"AIGC", SOURCE_LABEL.encode())])
    before = inspect_file(path, options=InspectOptions())
    assert [label.fields and label.fields["ProduceID"] for label in before.tc260_labels] == ["aud-7"]
    return path


@pytest.fixture
def signing(certificate: SigningCertificate) -> PublishSettings:
    return PublishSettings(
        publisher_code="PROVENANT",
        c2pa_sign_cert=str(certificate.cert_path),
        c2pa_sign_key=str(certificate.key_path),
        c2pa_trust_anchors=str(certificate.trust_anchors_path),
    )


def publish(
    source: Path, tmp_path: Path, settings: PublishSettings, tier: str = "confirmed"
) -> AvPublishResult:
    dest = tmp_path / f"public.{rendition_extension(source)}"
    return publish_audio(source, dest, tier=tier, content_id="provenant-3-r2-m5", settings=settings)


@pytest.mark.parametrize(("name", "codec", "placement", "c2pa_status", "media_type"), FORMATS)
def test_it_plays_the_rhythm_first_and_writes_one_label(
    name: str,
    codec: tuple[str, ...],
    placement: str,
    c2pa_status: str,
    media_type: str,
    tmp_path: Path,
    signing: PublishSettings,
    certificate: SigningCertificate,
) -> None:
    source = labelled_source(tmp_path / name, codec)
    before = hashlib.sha256(source.read_bytes()).hexdigest()

    result = publish(source, tmp_path, signing)

    assert (result.problems, result.media_type, result.c2pa_status) == ([], media_type, c2pa_status)
    assert result.dest_path.suffix == source.suffix
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before
    start = find_morse_ai(tone_runs(decoded(result.dest_path, seconds=3.0)))
    assert start is not None and start < 0.1
    assert abs(duration(result.dest_path) - (3.0 + PROMPT_SECONDS)) < 0.15
    assert result.explicit["prompt_window"] == [0.0, round(PROMPT_SECONDS, 3)]

    report = inspect_file(result.dest_path, options=InspectOptions(certificate.trust_anchors_pem))
    assert report.media_type == media_type  # a signed FLAC starts with an ID3 tag and is still FLAC
    assert [label.placement for label in report.tc260_labels] == [placement]
    assert report.tc260_labels[0].fields == {
        "Label": "1",
        "ContentProducer": samples.PRODUCER_CODE,
        "ProduceID": "aud-7",
        "ReservedCode1": "",
        "ContentPropagator": "PROVENANT",
        "PropagateID": "provenant-3-r2-m5",
        "ReservedCode2": "",
    }
    if c2pa_status == "signed":
        assert report.c2pa is not None and report.c2pa.validation_state == "Trusted"
        assert report.c2pa.ai_source_types == ["trainedAlgorithmicMedia"]
    else:
        assert report.c2pa is None
    if name != "in.wav":  # ffprobe does not read WAV's AIGC chunk: see the RIFF walk below
        tags = av_tools.ffprobe_tags(result.dest_path)
        assert json.loads(tags["AIGC"])["AIGC"]["PropagateID"] == "provenant-3-r2-m5"


def riff_chunks(path: Path) -> list[tuple[bytes, bytes]]:
    data = path.read_bytes()
    chunks, pos = [], 12
    while pos + 8 <= len(data):
        chunk_id, size = struct.unpack_from("<4sI", data, pos)
        chunks.append((chunk_id, data[pos + 8 : pos + 8 + size]))
        pos += 8 + size + (size & 1)
    return chunks


def test_it_writes_wav_labels_in_their_own_chunks(tmp_path: Path, signing: PublishSettings) -> None:
    source = make_audio(tmp_path / "in.wav", seconds=1)

    result = publish(source, tmp_path, signing)

    chunks = dict(riff_chunks(result.dest_path))
    assert json.loads(chunks[b"AIGC"])["AIGC"] == result.tc260_label
    assert b"Iptc4xmpExt:DigitalSourceType=" in chunks[b"_PMX"]
    assert b"<TC260:AIGC>" not in chunks[b"_PMX"]  # one label per file: the AIGC chunk
    assert b"C2PA" in chunks
    assert [item.uri for item in result.readback.iptc_source_types] == [result.digital_source_type]


def test_it_joins_mp3_frames_without_re_encoding_the_source(tmp_path: Path, signing: PublishSettings) -> None:
    source = make_audio(tmp_path / "in.mp3", seconds=3, codec=("-c:a", "libmp3lame", "-b:a", "128k"))

    result = publish(source, tmp_path, signing)

    source_packets = av_tools.packet_hashes(source)
    rendition_packets = av_tools.packet_hashes(result.dest_path)
    assert rendition_packets[-len(source_packets) :] == source_packets
    assert result.encoding["reencoded"] is False
    assert [item.uri for item in result.readback.iptc_source_types] == [result.digital_source_type]


def test_it_keeps_lossless_audio_lossless(tmp_path: Path, signing: PublishSettings) -> None:
    source = make_audio(tmp_path / "in.flac", seconds=2, codec=("-c:a", "flac", "-sample_fmt", "s32"))

    result = publish(source, tmp_path, signing)

    stream = av_tools.ffprobe(result.dest_path, "-show_streams")["streams"][0]
    assert (stream["codec_name"], stream["bits_per_raw_sample"]) == ("flac", "24")
    assert result.encoding == {"audio": "flac -sample_fmt s32", "reencoded": False, "covers_copied": 0}


def test_it_can_play_the_prompt_at_the_end(tmp_path: Path, signing: PublishSettings) -> None:
    source = make_audio(tmp_path / "in.wav", seconds=3)
    settings = dataclasses.replace(signing, audio_prompt_position="end")

    result = publish(source, tmp_path, settings)

    assert find_morse_ai(tone_runs(decoded(result.dest_path, seconds=2.0))) is None
    start = find_morse_ai(tone_runs(decoded(result.dest_path, start=-2.5)))
    assert start is not None and abs(start - (2.5 - RHYTHM_SECONDS)) < 0.05
    assert result.explicit["prompt_window"] == [3.0, round(3.0 + PROMPT_SECONDS, 3)]


@pytest.mark.skipif(not av_tools.have("espeak-ng"), reason="needs Debian's espeak-ng")
@pytest.mark.parametrize("prompt", ["voice", "both"])
def test_it_speaks_the_prompt(prompt: str, tmp_path: Path, signing: PublishSettings) -> None:
    source = make_audio(tmp_path / "in.wav", seconds=2)
    settings = dataclasses.replace(signing, audio_prompt=prompt)

    result = publish(source, tmp_path, settings)

    window_start, window_end = result.explicit["prompt_window"]
    # [voice, gap] or [rhythm, gap, voice, gap]
    spoken_seconds = window_end - window_start - 0.35 - (PROMPT_SECONDS if prompt == "both" else 0)
    assert 1.0 < spoken_seconds < 5.0  # espeak-ng saying 人工智能生成
    assert result.explicit["spoken"] == "人工智能生成"
    rhythm = find_morse_ai(tone_runs(decoded(result.dest_path, seconds=3.0)))
    assert (rhythm is not None) == (prompt == "both")
    voice = decoded(result.dest_path, start=window_end - 0.35 - 1.0, seconds=1.0)
    assert max(abs(sample) for sample in voice) > 1000  # speech, not silence


def test_it_refuses_the_voice_without_espeak(tmp_path: Path, signing: PublishSettings) -> None:
    source = make_audio(tmp_path / "in.wav", seconds=1)
    settings = dataclasses.replace(signing, audio_prompt="voice", espeak="/nonexistent/espeak-ng")

    with pytest.raises(PublishError, match=r"the spoken prompt cannot be made: .*apt-get install espeak-ng"):
        publish(source, tmp_path, settings)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["in.wav"]


def test_it_copies_the_cover_picture(tmp_path: Path, signing: PublishSettings) -> None:
    cover = tmp_path / "cover.png"
    av_tools.ffmpeg("-f", "lavfi", "-i", "color=c=red:s=64x64", "-frames:v", "1", str(cover))
    plain = make_audio(tmp_path / "plain.mp3", seconds=2, codec=("-c:a", "libmp3lame"))
    source = tmp_path / "in.mp3"
    av_tools.ffmpeg(
        *("-i", str(plain), "-i", str(cover), "-map", "0", "-map", "1", "-c", "copy"),
        *("-disposition:v", "attached_pic", str(source)),
    )

    result = publish(source, tmp_path, signing)

    streams = av_tools.ffprobe(result.dest_path, "-show_streams")["streams"]
    assert [(s["codec_type"], s["disposition"]["attached_pic"]) for s in streams] == [
        ("audio", 0),
        ("video", 1),
    ]
    assert result.problems == []


def test_possible_audio_states_no_source_type(tmp_path: Path, signing: PublishSettings) -> None:
    source = make_audio(tmp_path / "in.m4a", seconds=1, codec=("-c:a", "aac"))

    result = publish(source, tmp_path, signing, tier="possible")

    assert (result.tc260_label["Label"], result.digital_source_type, result.problems) == ("2", None, [])
    assert result.readback.c2pa is not None and result.readback.c2pa.ai_source_types == []
    assert result.readback.tier == "suspected"
