"""Durations kept as histograms, so that percentiles of any set of days can be read from daily rows.

Buckets are log-spaced, eight per doubling: bucket b holds durations in [2^(b/8), 2^((b+1)/8))
seconds, so a percentile read from the histogram is within 9 % of the exact one (the bucket is
interpolated geometrically). Durations under a second go to bucket 0.
"""

import math
from collections.abc import Iterable, Mapping

STEPS_PER_DOUBLING = 8


def bucket_of(seconds: float) -> int:
    if seconds < 1:
        return 0
    return math.floor(math.log2(seconds) * STEPS_PER_DOUBLING)


def bucket_bounds(bucket: int) -> tuple[float, float]:
    return 2 ** (bucket / STEPS_PER_DOUBLING), 2 ** ((bucket + 1) / STEPS_PER_DOUBLING)


def histogram_percentile(histogram: Mapping[int, int], share: float) -> float | None:
    """The duration below which `share` of the counted durations fall (nearest rank), or None."""
    total = sum(histogram.values())
    if total == 0:
        return None
    rank = max(1, math.ceil(share * total))
    seen = 0
    for bucket in sorted(histogram):
        count = histogram[bucket]
        if seen + count >= rank:
            lower, upper = bucket_bounds(bucket)
            if bucket == 0:
                lower = 0.0
            fraction = (rank - seen - 0.5) / count
            if lower == 0.0:
                return upper * fraction
            return lower * (upper / lower) ** fraction
        seen += count
    return None


def exact_percentile(values: Iterable[float], share: float) -> float | None:
    """Nearest-rank percentile of the values themselves (what the histogram approximates)."""
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[max(1, math.ceil(share * len(ordered))) - 1]


def add_to(histogram: dict[int, int], seconds: float) -> None:
    bucket = bucket_of(seconds)
    histogram[bucket] = histogram.get(bucket, 0) + 1


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"
