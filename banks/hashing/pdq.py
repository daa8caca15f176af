"""PDQ, Meta's perceptual image hash, written for numpy and Pillow.

Our own implementation of the algorithm of the C++ reference in facebook/ThreatExchange
(`pdq/cpp/hashing/pdqhashing.cpp`, `pdq/cpp/downscaling/downscaling.cpp`, commit baefb4ed; the
algorithm is described in `hashing/hashing.pdf` there). No code was copied. Why a port rather
than the `pdqhash` wheel: pdqhash 0.2.8 builds from C++ source and imports only with numpy < 2,
while OCR (rapidocr-onnxruntime → opencv-python ≥ 4.12) needs numpy ≥ 2. Tests check this port
against the reference's published hashes and quality scores (tests/banks/test_pdq.py).

Steps, as in the reference:
1. luminance Y = 0.299 R + 0.587 G + 0.114 B, in float32;
2. a "Jarosz" tent filter: two passes of a box filter along rows then columns, each window
   ⌈dimension / 128⌉ wide, then decimation to 64×64 by sampling the centre of each cell;
3. quality: the sum of quantised gradients between neighbouring 64×64 cells / 90, at most 100;
4. a 2-D DCT keeping coefficients 1..16 in each direction (16×16);
5. one bit per coefficient: above the median (the 128th smallest of the 256) or not.
The hexadecimal form is the reference's: row 15 first, each row one 16-bit word whose bit j is
column j.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image, ImageOps

HASH_BITS = 256
MIN_DIMENSION = 5  # the reference refuses anything smaller (hash of zeros, quality 0)
LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)

# DCT-II basis for coefficients 1..16 of a 64-point signal, scaled by sqrt(2/64): shape (16, 64).
_rows = np.arange(1, 17, dtype=np.float64)[:, None]
_cols = np.arange(64, dtype=np.float64)[None, :]
DCT_MATRIX = (np.sqrt(2.0 / 64) * np.cos(np.pi / 2 / 64 * _rows * (2 * _cols + 1))).astype(np.float32)


@dataclass(frozen=True)
class PdqHash:
    hex: str
    quality: int

    @property
    def bits(self) -> bytes:
        return bytes.fromhex(self.hex)


def window_size(old: int, new: int = 64) -> int:
    """Half the cell size, rounded up: two box passes then cover a whole cell."""
    return (old + 2 * new - 1) // (2 * new)


def box_filter(values: np.ndarray, window: int, axis: int) -> np.ndarray:
    """Mean over a window of `window` samples along `axis`, shrinking at the edges.

    The reference's window for output i runs from i - (window - half) to i + half - 1 with
    half = (window + 2) // 2, clipped to the signal; prefix sums compute every mean at once.
    """
    length = values.shape[axis]
    half = (window + 2) // 2
    index = np.arange(length)
    low = np.maximum(index - (window - half), 0)
    high = np.minimum(index + half - 1, length - 1)
    sums = np.cumsum(values, axis=axis, dtype=np.float64)
    zero_shape = list(values.shape)
    zero_shape[axis] = 1
    sums = np.concatenate([np.zeros(zero_shape), sums], axis=axis)
    total = np.take(sums, high + 1, axis=axis) - np.take(sums, low, axis=axis)
    counts = (high - low + 1).astype(np.float64)
    shape = [1, 1]
    shape[axis] = length
    return (total / counts.reshape(shape)).astype(np.float32)


def downsample_64(luma: np.ndarray) -> np.ndarray:
    rows, cols = luma.shape
    if (rows, cols) == (64, 64):
        return luma.astype(np.float32)
    along_rows, along_cols = window_size(cols), window_size(rows)
    buffer = luma.astype(np.float32)
    for _ in range(2):
        buffer = box_filter(buffer, along_rows, axis=1)
        buffer = box_filter(buffer, along_cols, axis=0)
    row_index = ((np.arange(64) + 0.5) * rows / 64).astype(int)
    col_index = ((np.arange(64) + 0.5) * cols / 64).astype(int)
    return buffer[np.ix_(row_index, col_index)]


def quality_of(cells: np.ndarray) -> int:
    """The reference's heuristic: gradients quantised to whole percent of 255, truncated."""
    vertical = np.trunc((cells[:-1, :] - cells[1:, :]) * np.float32(100) / np.float32(255))
    horizontal = np.trunc((cells[:, :-1] - cells[:, 1:]) * np.float32(100) / np.float32(255))
    gradient_sum = int(np.abs(vertical).sum() + np.abs(horizontal).sum())
    return min(gradient_sum // 90, 100)


def hash_from_luma(luma: np.ndarray) -> PdqHash:
    """The hash and quality of a luminance matrix (rows × columns, values 0-255)."""
    rows, cols = luma.shape
    if rows < MIN_DIMENSION or cols < MIN_DIMENSION:
        return PdqHash("0" * 64, 0)
    cells = downsample_64(luma)
    quality = quality_of(cells)
    coefficients = DCT_MATRIX @ cells @ DCT_MATRIX.T
    median = np.partition(coefficients.ravel(), 127)[127]
    bits = coefficients > median  # bits[i, j] is bit i * 16 + j
    words = (bits.astype(np.uint32) << np.arange(16, dtype=np.uint32)).sum(axis=1)
    return PdqHash("".join(f"{int(word):04x}" for word in words[::-1]), quality)


def luma_of(image: Image.Image) -> np.ndarray:
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    pixels = np.asarray(image, dtype=np.float32)
    if pixels.ndim == 2:
        return pixels
    return pixels @ LUMA


# Larger images are reduced to at most this many pixels a side before the tent filter: the
# filter then averages cells of a 512-pixel image, as the reference's file hasher does, and a
# 12-megapixel photo costs milliseconds instead of a quarter of a second.
WORKING_SIZE = 512


def prepare(image: Image.Image, *, exact: bool = False) -> Image.Image:
    """Orient the image as it is shown (EXIF), and shrink a large one unless `exact`.

    JPEG decoding is asked for a reduced scale first (`draft`), the cheapest way to a small image.
    """
    if not exact and image.format == "JPEG" and (image.width > WORKING_SIZE or image.height > WORKING_SIZE):
        image.draft("RGB", (WORKING_SIZE, WORKING_SIZE))
    image = ImageOps.exif_transpose(image)
    if not exact and (image.width > WORKING_SIZE or image.height > WORKING_SIZE):
        image = image.convert("RGB") if image.mode not in ("RGB", "L") else image
        image = image.resize(
            (min(image.width, WORKING_SIZE), min(image.height, WORKING_SIZE)), Image.Resampling.BOX
        )
    return image


def pdq_hash_image(image: Image.Image, *, exact: bool = False) -> PdqHash:
    return hash_from_luma(luma_of(prepare(image, exact=exact)))


def pdq_hash_file(path: Any, *, exact: bool = False) -> PdqHash:
    with Image.open(path) as image:
        return pdq_hash_image(image, exact=exact)


def hamming(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()
