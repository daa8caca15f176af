"""Our PDQ port against Meta's reference hashes and quality scores (tests/fixtures/pdq/NOTICE.md)."""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from banks.hashing.pdq import hamming, hash_from_luma, pdq_hash_file, pdq_hash_image

PDQ = Path(__file__).resolve().parents[1] / "fixtures" / "pdq"

# The C++ reference through `pdqhash`, on the whole image (python-threatexchange's own test).
EXACT = [
    ("rgb.jpeg", "fb4eed46cb8a6c78819ca06b756c541f7b07ef6d02c82fccd00f862166272cda", 100),
    ("LA.png", "accb6d39648035f8125c8ce6ba65007de7b54c67a2d93ef7b8f33b0611306715", 100),
    ("I16.png", "de2ef0e99ecdfc1d248a0eb055f023d1d61e79c3920cbb55d561c02accab1763", 36),
]
# The C++ file hasher (pdq/python/pdqhashing/tests/pdq_test.py, which itself allows 16 bits).
REFERENCE = [
    ("wee.jpg", "6227401f601ff4ccafcc9fad4b0d95d371a2eb7265a3285234d228ca94deeb2d"),
    ("q0122.jpg", "cfb2009ddd21c6dab0046a7745b5984757a8a4535b3377aea2591d32b33ff940"),
    ("q0291.jpg", "a0fe94f1e5cc1cc8dd855948498dc9243f7ca27336f036d7f212b74bc103c9a7"),
    ("q0746.jpg", "1049d96239e24d4dca2c55512b8bdb77425f4dbcf575a0a95555aaab5554aaaa"),
    ("q1050.jpg", "489db672e9190276d452aeab41eba20f02375fe4092d88defdf491a5c55c5f70"),
    ("q2821.jpg", "b150231ffae4710ffcf4f18bb574b109a576f14bb8543189f8743289f174b109"),
]


@pytest.mark.parametrize(("name", "expected", "quality"), EXACT)
def test_it_reproduces_the_reference_hash_and_quality_bit_for_bit(
    name: str, expected: str, quality: int
) -> None:
    result = pdq_hash_file(PDQ / name, exact=True)
    assert (result.hex, result.quality) == (expected, quality)
    # The working-size path changes nothing for images of at most 512 pixels.
    assert pdq_hash_file(PDQ / name) == result


@pytest.mark.parametrize(("name", "expected"), REFERENCE)
def test_it_agrees_with_the_reference_file_hasher(name: str, expected: str) -> None:
    result = pdq_hash_file(PDQ / name)
    assert hamming(result.hex, expected) == 0
    assert result.quality == 100


def test_large_images_hash_at_working_size_within_a_few_bits_of_the_exact_hash() -> None:
    with Image.open(PDQ / "q2821.jpg") as image:
        large = image.resize((2048, 2048), Image.Resampling.BICUBIC)
    exact = pdq_hash_image(large, exact=True)
    fast = pdq_hash_image(large)
    # Meta's bar for a correct implementation: within 10 bits of the reference at quality >= 80.
    assert hamming(exact.hex, fast.hex) <= 10
    assert fast.quality == exact.quality == 100


def test_it_gives_tiny_and_flat_images_no_hash_and_no_quality() -> None:
    assert hash_from_luma(np.zeros((4, 40), dtype=np.float32)).quality == 0
    flat = hash_from_luma(np.full((64, 64), 128, dtype=np.float32))
    assert flat.quality == 0


def test_hamming_counts_differing_bits() -> None:
    assert hamming("0" * 64, "0" * 63 + "f") == 4
    assert hamming("f" * 64, "0" * 64) == 256
