"""Explicit (visible) AI labels: the tier wordings, drawing them on images, prefixing texts.

GB 45438 §5.2: an image label is a text prompt containing "AI" and "生成"/"合成", at an edge or
corner, with a text height of at least 5 % of the image's shortest side. The Chinese line is sized so
its glyphs' ink height meets that; the English line uses the same size and shrinks only if the box
would not fit the image.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageStat

from labels.tier import CONFIRMED, POSSIBLE, SUSPECTED

CHINESE_WORDING: dict[str, str] = {
    CONFIRMED: "属于AI生成合成内容",
    POSSIBLE: "可能为AI生成合成内容",
    SUSPECTED: "疑似为AI生成合成内容",
}
DEFAULT_ENGLISH_WORDING: dict[str, str] = {
    CONFIRMED: "AI-generated",
    POSSIBLE: "possibly AI-generated",
    SUSPECTED: "suspected AI-generated",
}
LABEL_CONFIRMED = "属于AI生成合成内容 / AI-generated"
LABEL_POSSIBLE = "可能为AI生成合成内容 / possibly AI-generated"
LABEL_SUSPECTED = "疑似为AI生成合成内容 / suspected AI-generated"

FONT_PATH = Path(__file__).resolve().parent.parent / "fonts" / "NotoSansCJKsc-Bold-subset.otf"
MIN_TEXT_HEIGHT_RATIO = 0.05  # GB 45438 §5.2
CORNERS = ("bottom-right", "bottom-left", "top-right", "top-left")
TEXT_LABEL_OPEN, TEXT_LABEL_CLOSE = "【", "】"


def wording(tier: str, english: str) -> str:
    """The full label, e.g. "属于AI生成合成内容 / AI-generated"; Chinese only when ``english`` is empty."""
    chinese = CHINESE_WORDING[tier]
    return f"{chinese} / {english}" if english else chinese


def label_text(text: str, tier: str, english: str) -> str:
    """Put the explicit label at the start of a text (Measures Art. 4(1)); replaces an earlier one of ours."""
    for chinese in CHINESE_WORDING.values():
        if text.startswith(TEXT_LABEL_OPEN + chinese):
            text = text.split(TEXT_LABEL_CLOSE, 1)[-1].lstrip("\n")
            break
    return f"{TEXT_LABEL_OPEN}{wording(tier, english)}{TEXT_LABEL_CLOSE}\n{text}"


@dataclass(frozen=True)
class DrawnLabel:
    box: tuple[int, int, int, int]  # left, top, right, bottom
    text_height: int  # ink height of the Chinese line, in pixels
    min_text_height: int
    lines: tuple[str, ...]
    fits: bool


@functools.lru_cache(maxsize=64)
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_PATH), size)


def _ink_height(text: str, size: int) -> int:
    _, top, _, bottom = _font(size).getbbox(text)
    return int(bottom - top)


def _font_size_for(text: str, min_height: int) -> int:
    size = max(min_height, 4)
    while _ink_height(text, size) < min_height:
        size += 1
    return size


@dataclass(frozen=True)
class _Layout:
    lines: tuple[str, ...]
    sizes: tuple[int, ...]
    heights: tuple[int, ...]
    box: tuple[int, int, int, int]
    padding: int
    gap: int
    min_height: int
    fits: bool

    def drawn(self) -> DrawnLabel:
        return DrawnLabel(self.box, self.heights[0], self.min_height, self.lines, self.fits)


def _layout(width: int, height: int, tier: str, english: str, corner: str) -> _Layout:
    """Where the label goes on a ``width`` x ``height`` picture, and the size of each line."""
    if corner not in CORNERS:
        raise ValueError(f"unknown corner {corner!r}; expected one of {', '.join(CORNERS)}")
    shortest = min(width, height)
    min_height = max(math.ceil(MIN_TEXT_HEIGHT_RATIO * shortest), 1)
    lines = [CHINESE_WORDING[tier]] + ([english] if english else [])
    # Headroom, so the legal height holds without the faint anti-aliased rows at the glyphs' edges.
    size = _font_size_for(lines[0], min_height + 2 + min_height // 20)
    sizes = [size] * len(lines)
    padding = max(round(size * 0.35), 2)
    margin = max(round(shortest * 0.02), 1)
    gap = max(round(size * 0.25), 1)

    def text_width(index: int) -> int:
        left, _, right, _ = _font(sizes[index]).getbbox(lines[index])
        return int(right - left)

    # Shrink only the English line when the box is too wide; the Chinese line keeps its legal size.
    available = width - 2 * margin - 2 * padding
    while len(lines) > 1 and text_width(1) > available and sizes[1] > 6:
        sizes[1] -= 1
    heights = [_ink_height(lines[i], sizes[i]) for i in range(len(lines))]
    box_width = max(text_width(i) for i in range(len(lines))) + 2 * padding
    box_height = sum(heights) + gap * (len(lines) - 1) + 2 * padding
    left = margin if corner.endswith("left") else width - margin - box_width
    top = margin if corner.startswith("top") else height - margin - box_height
    box = (left, top, left + box_width, top + box_height)
    fits = box[0] >= 0 and box[1] >= 0 and box[2] <= width and box[3] <= height
    return _Layout(tuple(lines), tuple(sizes), tuple(heights), box, padding, gap, min_height, fits)


def _paint(overlay: Image.Image, layout: _Layout, origin: tuple[int, int], dark_box: bool) -> None:
    """Draw the box and its lines on ``overlay`` (RGBA), the box's top-left corner at ``origin``."""
    box_fill = (0, 0, 0, 180) if dark_box else (255, 255, 255, 200)
    text_fill = (255, 255, 255, 255) if dark_box else (0, 0, 0, 255)
    left, top = origin
    right, bottom = left + layout.box[2] - layout.box[0], top + layout.box[3] - layout.box[1]
    draw = ImageDraw.Draw(overlay)
    draw.rounded_rectangle((left, top, right, bottom), radius=max(layout.padding // 2, 1), fill=box_fill)
    y = top + layout.padding
    for index, line in enumerate(layout.lines):
        font = _font(layout.sizes[index])
        bbox_left, bbox_top, _, _ = font.getbbox(line)
        draw.text((left + layout.padding - bbox_left, y - bbox_top), line, font=font, fill=text_fill)
        y += layout.heights[index] + layout.gap


def draw_label(
    image: Image.Image, tier: str, english: str, corner: str = "bottom-right"
) -> tuple[Image.Image, DrawnLabel]:
    """Return a copy of ``image`` (RGB or RGBA) with the label drawn on a semi-opaque box at ``corner``."""
    layout = _layout(image.size[0], image.size[1], tier, english, corner)
    # A dark box on light pictures, a light box on dark ones.
    dark_box = _mean_luminance(image, layout.box) >= 128
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    _paint(overlay, layout, layout.box[:2], dark_box)
    labelled = Image.alpha_composite(image.convert("RGBA"), overlay)
    if image.mode != "RGBA":
        labelled = labelled.convert(image.mode)
    return labelled, layout.drawn()


def label_overlay(
    frame_size: tuple[int, int], tier: str, english: str, corner: str = "bottom-right"
) -> tuple[Image.Image, DrawnLabel]:
    """The label alone, as an RGBA picture the size of its box, for a frame of ``frame_size``.

    ``DrawnLabel.box`` says where it goes on the frame. Used for video, where one picture is laid over
    many frames: the box is always dark with white text, which reads on any frame behind it.
    """
    layout = _layout(frame_size[0], frame_size[1], tier, english, corner)
    left, top, right, bottom = layout.box
    overlay = Image.new("RGBA", (right - left, bottom - top), (0, 0, 0, 0))
    _paint(overlay, layout, (0, 0), dark_box=True)
    return overlay, layout.drawn()


def _mean_luminance(image: Image.Image, box: tuple[int, int, int, int]) -> float:
    left, top, right, bottom = box
    region = image.crop((max(left, 0), max(top, 0), max(right, 1), max(bottom, 1))).convert("L")
    return float(ImageStat.Stat(region).mean[0])
