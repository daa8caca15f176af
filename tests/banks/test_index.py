"""The in-memory multi-index answers exactly what a brute-force scan answers."""

import numpy as np
import pytest

from banks.index import PdqIndex, distances


def random_hashes(count: int, seed: int = 7) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 2**64 - 1, size=(count, 4), dtype=np.uint64, endpoint=True)


def flip(packed: np.ndarray, bits: int, rng: np.random.Generator) -> np.ndarray:
    copy = packed.copy()
    for bit in rng.choice(256, bits, replace=False):
        copy[bit // 64] ^= np.uint64(1) << np.uint64(63 - bit % 64)
    return copy


def hex_of(packed: np.ndarray) -> str:
    return packed.astype(">u8").tobytes().hex()


@pytest.mark.parametrize("threshold", [0, 15, 31, 47])
def test_it_finds_exactly_what_a_scan_finds(threshold: int) -> None:
    rng = np.random.default_rng(threshold)
    packed = random_hashes(20_000)
    # Plant near copies at every distance around the threshold.
    for i, distance in enumerate(range(max(0, threshold - 3), threshold + 4)):
        packed[i + 1] = flip(packed[0], distance, rng)
    index = PdqIndex(np.arange(1, len(packed) + 1), np.full(len(packed), 9), packed)
    for query in (packed[0], flip(packed[0], 3, rng), packed[500]):
        expected = sorted((int(d), i + 1) for i, d in enumerate(distances(packed, query)) if d <= threshold)
        hits = index.search(hex_of(query), threshold)
        assert [(hit.distance, hit.entry_id) for hit in hits] == expected
        assert {hit.bank_id for hit in hits} <= {9}


def test_it_searches_entries_appended_since_it_was_built() -> None:
    packed = random_hashes(1_000)
    index = PdqIndex(np.arange(1, 1_001), np.ones(1_000), packed)
    extra = random_hashes(1, seed=99)
    index.append(np.array([5_000]), np.array([2]), extra)
    hits = index.search(hex_of(extra[0]), 31)
    assert [(hit.entry_id, hit.bank_id, hit.distance) for hit in hits] == [(5_000, 2, 0)]
    assert len(index) == 1_001


def test_an_empty_index_finds_nothing() -> None:
    index = PdqIndex(np.zeros(0), np.zeros(0), np.zeros((0, 4), dtype=np.uint64))
    assert index.search("ab" * 32, 31) == []
