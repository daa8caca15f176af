"""Tiers of the Labeling Measures Art. 6: confirmed, possible, suspected, none (RULES R11).

Files give confirmed / suspected / none; "possible" comes only from the contributor's declaration.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

Tier = Literal["confirmed", "possible", "suspected", "none"]

CONFIRMED: Tier = "confirmed"
POSSIBLE: Tier = "possible"
SUSPECTED: Tier = "suspected"
NONE: Tier = "none"

# Strongest first.
TIER_ORDER: tuple[Tier, ...] = (CONFIRMED, POSSIBLE, SUSPECTED, NONE)


def decide_tier(file_tier: str, declared_ai: bool) -> Tier:
    """Art. 6: a label saying AI (1) beats the declaration (2), which beats detected traces (3).

    ``file_tier`` is what the files say (see ``combine_tiers``); it is never "possible".
    """
    if file_tier == CONFIRMED:
        return CONFIRMED
    if declared_ai:
        return POSSIBLE
    if file_tier == SUSPECTED:
        return SUSPECTED
    return NONE


def combine_tiers(tiers: Iterable[str]) -> Tier:
    """The strongest of several tiers (files or sources): confirmed > possible > suspected > none."""
    present = set(tiers)  # once: a generator can be read only once
    ranked = [tier for tier in TIER_ORDER if tier in present]
    return ranked[0] if ranked else NONE


def validate_tier(tier: str) -> Tier:
    for known in TIER_ORDER:
        if tier == known:
            return known
    raise ValueError(f"unknown tier {tier!r}; expected one of {', '.join(TIER_ORDER)}")
