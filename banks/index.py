"""An in-memory index of every active PDQ entry, for lookups in a millisecond at a million hashes.

Multi-index hashing (Norouzi et al., the scheme of ThreatExchange's `pdq/cpp/index/mih.h`): the
256-bit hash is cut into 16 chunks of 16 bits. Two hashes within distance d agree to within
⌊d / 16⌋ bits in at least one chunk (pigeonhole), so the candidates are the entries whose chunk c
lies within that radius of the query's chunk c, for some c: 16 × 17 buckets at d ≤ 31. Each
bucket is a slice of entries sorted by that chunk. Candidates are then measured exactly with a
popcount over the packed hashes, so the answer is exact, not approximate.

Each worker process keeps one index and checks before every lookup whether the banks changed:
new entries (a higher id) are appended to a small side list searched by brute force; anything
else (an entry disabled, a bank edited) rebuilds the index, as does age (BANKS_INDEX_RELOAD_SECONDS),
which also picks up entries whose transaction committed after a later one was loaded.
"""

import itertools
import threading
import time
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db.models import Count, Max

CHUNKS = 16
CHUNK_VALUES = 1 << 16
# Brute-force the appended entries until there are this many, then rebuild.
DELTA_LIMIT = 50_000


def pack(hex_values: list[str]) -> np.ndarray:
    """Hashes as an (n, 4) array of 64-bit words, for popcounts."""
    if not hex_values:
        return np.zeros((0, 4), dtype=np.uint64)
    return np.frombuffer(bytes.fromhex("".join(hex_values)), dtype=">u8").astype(np.uint64).reshape(-1, 4)


def chunks_of(packed: np.ndarray) -> np.ndarray:
    """(n, 16) 16-bit chunks of packed hashes."""
    return packed.astype(">u8").view(">u2").reshape(-1, CHUNKS).astype(np.uint16)


def distances(packed: np.ndarray, query: np.ndarray) -> np.ndarray:
    return np.bitwise_count(packed ^ query).sum(axis=1, dtype=np.int32)


_masks: dict[int, np.ndarray] = {}


def masks_within(radius: int) -> np.ndarray:
    """Every 16-bit mask of at most `radius` bits: the chunk values to visit around the query's."""
    if radius not in _masks:
        values = [0]
        for bits in range(1, radius + 1):
            values += [sum(1 << b for b in combo) for combo in itertools.combinations(range(16), bits)]
        _masks[radius] = np.array(values, dtype=np.uint16)
    return _masks[radius]


@dataclass(frozen=True)
class Hit:
    entry_id: int
    bank_id: int
    distance: int


class PdqIndex:
    def __init__(self, entry_ids: np.ndarray, bank_ids: np.ndarray, packed: np.ndarray) -> None:
        self.entry_ids = entry_ids.astype(np.int64)
        self.bank_ids = bank_ids.astype(np.int32)
        self.packed = packed
        self.order: list[np.ndarray] = []
        self.starts: list[np.ndarray] = []
        chunks = chunks_of(packed)
        for c in range(CHUNKS):
            column = chunks[:, c]
            self.order.append(np.argsort(column, kind="stable").astype(np.uint32))
            self.starts.append(
                np.concatenate([[0], np.cumsum(np.bincount(column, minlength=CHUNK_VALUES))]).astype(np.int64)
            )
        # Appended since the build: searched by brute force.
        self.delta_ids = np.zeros(0, dtype=np.int64)
        self.delta_banks = np.zeros(0, dtype=np.int32)
        self.delta_packed = np.zeros((0, 4), dtype=np.uint64)

    def __len__(self) -> int:
        return len(self.entry_ids) + len(self.delta_ids)

    def append(self, entry_ids: np.ndarray, bank_ids: np.ndarray, packed: np.ndarray) -> None:
        self.delta_ids = np.concatenate([self.delta_ids, entry_ids.astype(np.int64)])
        self.delta_banks = np.concatenate([self.delta_banks, bank_ids.astype(np.int32)])
        self.delta_packed = np.concatenate([self.delta_packed, packed])

    def search(self, hex_value: str, max_distance: int) -> list[Hit]:
        """Every entry within `max_distance` of the hash, nearest first."""
        query = pack([hex_value])
        query_chunks = chunks_of(query)[0]
        masks = masks_within(max_distance // CHUNKS)
        parts = []
        for c in range(CHUNKS):
            keys = (query_chunks[c] ^ masks).astype(np.int64)
            starts, ends = self.starts[c][keys], self.starts[c][keys + 1]
            order = self.order[c]
            parts += [order[s:e] for s, e in zip(starts, ends, strict=True) if e > s]
        hits: list[Hit] = []
        if parts:
            # Measuring a candidate twice costs less than sorting them all to drop repeats.
            candidates = np.concatenate(parts)
            found = distances(self.packed[candidates], query[0])
            near = found <= max_distance
            positions, first = np.unique(candidates[near], return_index=True)
            for position, distance in zip(positions, found[near][first], strict=True):
                hits.append(Hit(int(self.entry_ids[position]), int(self.bank_ids[position]), int(distance)))
        if len(self.delta_ids):
            found = distances(self.delta_packed, query[0])
            for position in np.nonzero(found <= max_distance)[0]:
                hits.append(
                    Hit(int(self.delta_ids[position]), int(self.delta_banks[position]), int(found[position]))
                )
        return sorted(hits, key=lambda hit: (hit.distance, hit.entry_id))


def load_entries(after_id: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Active PDQ entries of every bank (active or not: the check filters banks), id > after_id."""
    from banks.models import BankEntry, SignalType

    rows = list(
        BankEntry.objects.filter(signal_type=SignalType.PDQ, is_active=True, id__gt=after_id)
        .order_by("id")
        .values_list("id", "bank_id", "value")
        .iterator(chunk_size=20_000)
    )
    ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
    banks = np.fromiter((row[1] for row in rows), dtype=np.int32, count=len(rows))
    return ids, banks, pack([row[2] for row in rows])


def bank_state() -> tuple[str, int, int]:
    """What, when it changes, means the index is stale: banks edited (or entries disabled, which
    touches their bank), and the newest entry id."""
    from banks.models import Bank, BankEntry

    banks = Bank.objects.aggregate(changed=Max("updated_at"), count=Count("id"))
    newest = BankEntry.objects.aggregate(newest=Max("id"))["newest"] or 0
    changed = banks["changed"].isoformat() if banks["changed"] else ""
    return changed, banks["count"], newest


class _Holder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.index: PdqIndex | None = None
        self.banks_token: tuple[str, int] | None = None
        self.loaded_up_to = 0
        self.built_at = 0.0


_holder = _Holder()


def current_index() -> PdqIndex:
    """This process's index, brought up to date with the banks first."""
    changed, count, newest = bank_state()
    with _holder.lock:
        stale = (
            _holder.index is None
            or _holder.banks_token != (changed, count)
            or time.monotonic() - _holder.built_at > settings.BANKS_INDEX_RELOAD_SECONDS
            or len(_holder.index.delta_ids) > DELTA_LIMIT
        )
        if stale:
            ids, banks, packed = load_entries()
            _holder.index = PdqIndex(ids, banks, packed)
            _holder.banks_token = (changed, count)
            _holder.loaded_up_to = max(newest, int(ids[-1]) if len(ids) else 0)
            _holder.built_at = time.monotonic()
        elif newest > _holder.loaded_up_to:
            assert _holder.index is not None
            ids, banks, packed = load_entries(after_id=_holder.loaded_up_to)
            _holder.index.append(ids, banks, packed)
            _holder.loaded_up_to = max(newest, int(ids[-1]) if len(ids) else 0)
        assert _holder.index is not None
        return _holder.index


def forget_index() -> None:
    """Drop this process's index (tests, and after bulk imports in the same process)."""
    with _holder.lock:
        _holder.index = None
        _holder.banks_token = None
        _holder.loaded_up_to = 0
