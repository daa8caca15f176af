"""Tiers (Measures Art. 6, R11): the file tier, the declaration, and several files combined."""

from __future__ import annotations

import pytest

from labels.tier import combine_tiers, decide_tier, validate_tier


@pytest.mark.parametrize(
    ("file_tier", "declared_ai", "tier"),
    [
        ("confirmed", False, "confirmed"),
        ("confirmed", True, "confirmed"),
        ("suspected", True, "possible"),
        ("none", True, "possible"),
        ("suspected", False, "suspected"),
        ("none", False, "none"),
    ],
)
def test_it_ranks_label_then_declaration_then_traces(file_tier: str, declared_ai: bool, tier: str) -> None:
    assert decide_tier(file_tier, declared_ai) == tier


@pytest.mark.parametrize(
    ("tiers", "strongest"),
    [
        (["none", "suspected", "confirmed"], "confirmed"),
        (["suspected", "possible"], "possible"),
        (["none", "suspected"], "suspected"),
        (["none", "none"], "none"),
        ([], "none"),
    ],
)
def test_it_keeps_the_strongest_tier_of_several_files(tiers: list[str], strongest: str) -> None:
    assert combine_tiers(tiers) == strongest
    assert combine_tiers(tier for tier in tiers) == strongest  # any iterable, read once


def test_it_rejects_an_unknown_tier() -> None:
    assert validate_tier("possible") == "possible"
    with pytest.raises(ValueError, match="unknown tier 'maybe'"):
        validate_tier("maybe")
