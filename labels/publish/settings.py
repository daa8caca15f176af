"""Publication settings: who the platform is, the English wording, the C2PA credentials, the corner,
and how video and audio get their explicit labels."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from labels.conf import get_setting
from labels.publish.explicit import CORNERS, DEFAULT_ENGLISH_WORDING

AUDIO_PROMPTS = ("rhythm", "voice", "both")
AUDIO_PROMPT_POSITIONS = ("start", "end")
X264_PRESETS = (
    "ultrafast",
    "superfast",
    "veryfast",
    "faster",
    "fast",
    "medium",
    "slow",
    "slower",
    "veryslow",
)
MIN_VIDEO_LABEL_SECONDS = 2.0  # GB 45438 §5.4: the start frames, at least 2 s at normal speed
# x264's ultrafast preset with the compression tools it switches off, and that cost little time, switched
# back on: CABAC, the deblocking filter (x264's default strength 0,0), three weighted B-frames, the 8x8
# transform, adaptive quantisation: the values of every preset from superfast to slower, where these
# options change nothing. Half the CPU time of veryfast at its quality (bench/publish.py, video.py).
DEFAULT_X264_PARAMS = "cabac=1:deblock=0,0:bframes=3:weightb=1:8x8dct=1:aq-mode=1"
# key=value pairs joined by ":", as ffmpeg's -x264-params reads them; no spaces or quotes.
X264_PARAMS_PATTERN = re.compile(r"[a-z0-9-]+=[A-Za-z0-9.,/+-]+(:[a-z0-9-]+=[A-Za-z0-9.,/+-]+)*")


@dataclass(frozen=True)
class PublishSettings:
    publisher_code: str
    english_wording: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_ENGLISH_WORDING))
    c2pa_sign_cert: str | None = None  # PEM path: certificate chain, es256
    c2pa_sign_key: str | None = None  # PEM path: private key
    c2pa_trust_anchors: str | None = None  # PEM path
    corner: str = "bottom-right"
    jpeg_quality: int = 92
    # Video: how long the label shows from the first frame, and whether it shows again at the end.
    video_label_seconds: float = 3.0
    video_end_label: bool = False
    # H.264 (MP4, MOV, MKV) and VP9 (WebM) quality: lower CRF is better and bigger. The x264 options
    # go on top of the preset ("" for the preset alone).
    video_x264_preset: str = "ultrafast"
    video_x264_crf: int = 26
    video_x264_params: str = DEFAULT_X264_PARAMS
    video_vp9_crf: int = 32
    # Audio: the rhythm "短长短短" (Morse "AI"), the spoken "人工智能生成", or both; at the start or end.
    audio_prompt: str = "rhythm"
    audio_prompt_position: str = "start"
    # Tools and a bound on one ffmpeg run.
    ffmpeg: str = "ffmpeg"
    ffprobe: str = "ffprobe"
    espeak: str = "espeak-ng"
    av_timeout_seconds: float = 3600.0

    def __post_init__(self) -> None:
        if self.corner not in CORNERS:
            raise ValueError(f"unknown label corner {self.corner!r}; expected one of {', '.join(CORNERS)}")
        if self.video_label_seconds < MIN_VIDEO_LABEL_SECONDS:
            raise ValueError(
                f"the video label must show at least {MIN_VIDEO_LABEL_SECONDS:g} s, "
                f"not {self.video_label_seconds:g} s (GB 45438 §5.4)"
            )
        _one_of("audio prompt", self.audio_prompt, AUDIO_PROMPTS)
        _one_of("audio prompt position", self.audio_prompt_position, AUDIO_PROMPT_POSITIONS)
        _one_of("x264 preset", self.video_x264_preset, X264_PRESETS)
        if self.video_x264_params and not X264_PARAMS_PATTERN.fullmatch(self.video_x264_params):
            raise ValueError(
                f"the x264 options {self.video_x264_params!r} are not key=value pairs joined by ':'"
            )
        if not 0 <= self.video_x264_crf <= 51 or not 0 <= self.video_vp9_crf <= 63:
            raise ValueError("the x264 CRF must be within 0-51 and the VP9 CRF within 0-63")
        if self.av_timeout_seconds <= 0:
            raise ValueError("the ffmpeg timeout must be positive")

    @property
    def can_sign(self) -> bool:
        return bool(self.c2pa_sign_cert and self.c2pa_sign_key)

    def english_for(self, tier: str) -> str:
        return self.english_wording.get(tier, DEFAULT_ENGLISH_WORDING[tier])

    @classmethod
    def from_django_settings(cls) -> PublishSettings:
        """Read LABELS_PUBLISHER_CODE, LABELS_EXPLICIT_ENGLISH (dict tier -> wording, merged over the
        defaults), LABELS_EXPLICIT_CORNER, LABELS_C2PA_SIGN_CERT, LABELS_C2PA_SIGN_KEY,
        LABELS_C2PA_TRUST_ANCHORS and the LABELS_VIDEO_*, LABELS_AUDIO_*, LABELS_FFMPEG,
        LABELS_FFPROBE, LABELS_ESPEAK and LABELS_AV_TIMEOUT_SECONDS settings, each optional."""
        english = get_setting("LABELS_EXPLICIT_ENGLISH", None) or {}
        if not isinstance(english, Mapping):
            raise ValueError("LABELS_EXPLICIT_ENGLISH must be a dict of tier -> English wording")
        defaults = cls(publisher_code="")
        return cls(
            publisher_code=get_setting("LABELS_PUBLISHER_CODE", "") or "",
            english_wording={**DEFAULT_ENGLISH_WORDING, **english},
            c2pa_sign_cert=get_setting("LABELS_C2PA_SIGN_CERT", None),
            c2pa_sign_key=get_setting("LABELS_C2PA_SIGN_KEY", None),
            c2pa_trust_anchors=get_setting("LABELS_C2PA_TRUST_ANCHORS", None),
            corner=get_setting("LABELS_EXPLICIT_CORNER", "bottom-right"),
            video_label_seconds=float(
                get_setting("LABELS_VIDEO_LABEL_SECONDS", defaults.video_label_seconds)
            ),
            video_end_label=bool(get_setting("LABELS_VIDEO_END_LABEL", defaults.video_end_label)),
            video_x264_preset=get_setting("LABELS_VIDEO_X264_PRESET", defaults.video_x264_preset),
            video_x264_crf=int(get_setting("LABELS_VIDEO_X264_CRF", defaults.video_x264_crf)),
            video_x264_params=str(get_setting("LABELS_VIDEO_X264_PARAMS", defaults.video_x264_params)),
            video_vp9_crf=int(get_setting("LABELS_VIDEO_VP9_CRF", defaults.video_vp9_crf)),
            audio_prompt=get_setting("LABELS_AUDIO_PROMPT", defaults.audio_prompt),
            audio_prompt_position=get_setting("LABELS_AUDIO_PROMPT_POSITION", defaults.audio_prompt_position),
            ffmpeg=get_setting("LABELS_FFMPEG", defaults.ffmpeg) or defaults.ffmpeg,
            ffprobe=get_setting("LABELS_FFPROBE", defaults.ffprobe) or defaults.ffprobe,
            espeak=get_setting("LABELS_ESPEAK", defaults.espeak) or defaults.espeak,
            av_timeout_seconds=float(get_setting("LABELS_AV_TIMEOUT_SECONDS", defaults.av_timeout_seconds)),
        )


def _one_of(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"unknown {name} {value!r}; expected one of {', '.join(allowed)}")
