"""Visible AI marks (R10): OCR of the edges of images and of a video's first 2 s.

OCR takes seconds a picture, so the pictures are few: each carries up to four wordings, one per
corner, drawn at 5-8 % of the short side in a CJK font from Debian (fonts-wqy-zenhei, installed by
.ci/run), white with a dark outline as generators draw them. Negatives: a shop sign and a caption,
a plain photo. The OCR engine is one per process, shared by these tests.
"""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from labels.engine import InspectOptions, inspect_file
from labels.findings import evaluate
from labels.visible import find_visible_marks

from ..conftest import skip_or_fail
from .media_tools import ffmpeg

pytestmark = pytest.mark.slow
FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
VISIBLE = InspectOptions(visible=True)


def font(size: int) -> ImageFont.FreeTypeFont:
    if not FONT.exists():
        skip_or_fail("the CJK font fonts-wqy-zenhei is not installed")
    return ImageFont.truetype(str(FONT), size)


def photo(size: tuple[int, int] = (800, 600), seed: int = 3) -> Image.Image:
    """A photo-like background: a sky-to-ground gradient, soft shapes and grain."""
    rng = random.Random(seed)
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y, r = rng.randrange(size[0]), rng.randrange(size[1]), rng.randrange(20, 120)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randrange(60, 200) for _ in range(3)))
    return image.filter(ImageFilter.GaussianBlur(3))


def with_text(image: Image.Image, corners: dict[str, str], share: float = 0.06) -> Image.Image:
    """Draw each text in its corner ("tl", "tr", "bl", "br") at ``share`` of the short side."""
    draw = ImageDraw.Draw(image)
    face = font(round(min(image.size) * share))
    margin = round(min(image.size) * 0.03)
    for corner, text in corners.items():
        left, top, right, bottom = draw.textbbox((0, 0), text, font=face, stroke_width=2)
        x = margin if corner[1] == "l" else image.width - margin - (right - left)
        y = margin if corner[0] == "t" else image.height - margin - (bottom - top)
        draw.text(
            (x - left, y - top), text, font=face, fill="white", stroke_width=2, stroke_fill=(40, 40, 40)
        )
    return image


def saved(image: Image.Image, path: Path) -> Path:
    image.save(path, quality=92)
    return path


@pytest.mark.parametrize(
    "corners",
    [
        {"tl": "AI生成", "tr": "人工智能生成", "bl": "AI合成", "br": "人工智能合成"},
        {"tl": "AI-generated", "br": "Made with AI"},
        {"tl": "豆包AI生成", "tr": "即梦AI", "bl": "通义万相", "br": "可灵AI"},
        {"tl": "元宝", "tr": "文心一格", "br": "百度AI"},
    ],
    ids=["gb45438-cn", "gb45438-en", "generators-1", "generators-2"],
)
def test_it_finds_each_wording_drawn_at_a_corner(corners: dict[str, str], tmp_path: Path) -> None:
    path = saved(with_text(photo(), corners, share=0.07), tmp_path / "marked.jpg")

    report = inspect_file(path, options=VISIBLE)

    found = {mark.text.replace(" ", "") for mark in report.marks}
    for text in corners.values():
        drawn = text.replace(" ", "")
        assert any(part in drawn or drawn in part for part in found), (text, found, report.errors)
    assert report.tier == "suspected"
    assert report.visible_checked
    codes = [(f.code, f.rule) for f in evaluate([report], declared_ai=False, categories=[])]
    assert ("visible_ai_mark", "R10") in codes
    assert ("declaration_contradicts_metadata", "R10") in codes


def test_ordinary_text_and_plain_photos_are_not_marks(tmp_path: Path) -> None:
    shop = saved(
        with_text(photo(seed=5), {"tl": "欢迎光临", "br": "营业中 9:00-21:00"}), tmp_path / "shop.jpg"
    )
    caption = saved(
        with_text(photo(seed=6), {"bl": "2024年春节 全家福"}, share=0.05), tmp_path / "caption.png"
    )
    plain = saved(photo(seed=7), tmp_path / "plain.jpg")

    results = [find_visible_marks(path, f"image/{path.suffix[1:]}") for path in (shop, caption, plain)]

    assert [result.marks for result in results] == [[], [], []]
    assert any("欢迎光临" in text for text in results[0].texts)  # read, and not taken for a mark
    assert [result.errors for result in results] == [[], [], []]
    assert inspect_file(shop, options=VISIBLE).tier == "none"


def test_it_finds_a_mark_in_the_first_seconds_of_a_video(tmp_path: Path) -> None:
    frame = saved(with_text(photo((640, 360)), {"br": "AI生成"}, share=0.08), tmp_path / "frame.png")
    video = tmp_path / "clip.mp4"
    command = [ffmpeg(), "-hide_banner", "-loglevel", "error", "-y", "-loop", "1", "-i", str(frame)]
    command += ["-t", "2.5", "-r", "10", "-pix_fmt", "yuv420p", "-c:v", "libx264", str(video)]
    subprocess.run(command, check=True, timeout=120)

    report = inspect_file(video, options=VISIBLE)

    assert [mark.text for mark in report.marks][:1] == ["AI生成"]
    assert report.marks[0].where.startswith("video frame at 0 s")
    assert report.tier == "suspected"


def test_it_stays_out_of_inspection_unless_asked(tmp_path: Path) -> None:
    path = saved(with_text(photo(), {"br": "AI生成"}), tmp_path / "marked.jpg")

    report = inspect_file(path, options=InspectOptions())

    assert (report.marks, report.visible_checked, report.tier) == ([], False, "none")


def test_inspect_media_reads_visible_marks_only_with_visible(tmp_path: Path) -> None:
    import io
    import json

    import django
    from django.conf import settings
    from django.core.management import call_command

    if not settings.configured:
        settings.configure(SECRET_KEY="labels-tests", INSTALLED_APPS=["labels"], USE_TZ=True)
        django.setup()
    path = saved(with_text(photo(), {"bl": "AI生成"}), tmp_path / "marked.jpg")
    records = []
    for flags in (["--json", "--details"], ["--json", "--details", "--visible"]):
        out = io.StringIO()
        call_command("inspect_media", *flags, str(path), stdout=out)
        records.append(json.loads(out.getvalue()))

    assert [record["tier"] for record in records] == ["none", "suspected"]
    assert records[1]["signals"][0]["source"] == "visible_mark"
    assert records[1]["details"]["marks"][0]["where"] == "image, bottom edge"
    assert records[1]["details"]["visible_checked"] is True
