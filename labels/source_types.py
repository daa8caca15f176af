"""Digital source type URIs (IPTC NewsCodes and the C2PA extension) and which of them mean AI."""

from __future__ import annotations

IPTC_DST_BASES = (
    "http://cv.iptc.org/newscodes/digitalsourcetype/",
    "https://cv.iptc.org/newscodes/digitalsourcetype/",
)
C2PA_DST_BASES = ("http://c2pa.org/digitalsourcetype/", "https://c2pa.org/digitalsourcetype/")

IPTC_AI_CODES = frozenset(
    {"trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia", "compositeSynthetic"}
)
C2PA_AI_CODES = frozenset({"trainedAlgorithmicData"})

TRAINED_ALGORITHMIC_MEDIA = IPTC_DST_BASES[0] + "trainedAlgorithmicMedia"


def normalize(uri: str) -> str:
    """Strip the surrounding whitespace some writers leave in the URI (c2pa-rs fixtures do)."""
    return uri.strip()


def short_name(uri: str) -> str:
    """The code at the end of a source type URI, e.g. ``trainedAlgorithmicMedia``."""
    return normalize(uri).rstrip("/").rsplit("/", 1)[-1]


def is_ai(uri: str) -> bool:
    """True for the source types that mean generative AI (R02); ``algorithmicMedia`` is not AI."""
    value = normalize(uri)
    if value.startswith(C2PA_DST_BASES):
        return short_name(value) in C2PA_AI_CODES
    if value.startswith(IPTC_DST_BASES) or "/" not in value:
        # A bare code without its vocabulary URI is still read as the IPTC code it names.
        return short_name(value) in IPTC_AI_CODES
    return False
