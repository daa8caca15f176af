"""The result of inspecting one file: ``MediaReport``, its signals, and its JSON shape.

``MediaReport.to_json()`` returns exactly the documented keys (path, media_type, tier, tampered, c2pa,
tc260, signals, errors); richer data goes under a single "details" key only when asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from labels import source_types
from labels.c2pa_manifest import C2paInfo
from labels.containers.base import MetadataProblem
from labels.marks import MARKS_VERSION, Mark
from labels.tc260 import Tc260Label, Tc260Summary
from labels.tier import CONFIRMED, NONE, SUSPECTED, Tier
from labels.traces import TRACES_VERSION, Trace

ENGINE_VERSION = "1"

# Signal sources, stable identifiers.
SOURCE_C2PA = "c2pa"
SOURCE_IPTC = "iptc"
SOURCE_IPTC_AI_SYSTEM = "iptc_ai_system"
SOURCE_TC260 = "tc260"
SOURCE_TRACE = "trace"
SOURCE_TEXT_MARK = "text_mark"  # an AI mark in a text body ("本文由AI生成")
SOURCE_VISIBLE_MARK = "visible_mark"  # an AI mark drawn into the pixels, read by OCR


@dataclass(frozen=True)
class Signal:
    """One piece of evidence that the content is AI, and the tier it supports."""

    source: str
    detail: str
    strength: Tier

    def to_json(self) -> dict[str, str]:
        return {"source": self.source, "detail": self.detail}


@dataclass(frozen=True)
class XmpSourceType:
    where: str
    uri: str

    @property
    def is_ai(self) -> bool:
        return source_types.is_ai(self.uri)

    def describe(self) -> str:
        return f"XMP Iptc4xmpExt:DigitalSourceType ({self.where}) is {source_types.short_name(self.uri)}"


@dataclass
class MediaReport:
    path: str
    media_type: str
    size: int = 0
    c2pa: C2paInfo | None = None
    c2pa_remote_url: str | None = None
    tc260_labels: list[Tc260Label] = field(default_factory=list)
    iptc_source_types: list[XmpSourceType] = field(default_factory=list)
    ai_system: dict[str, list[str]] = field(default_factory=dict)
    model_release: dict[str, list[str]] = field(default_factory=dict)
    creator_tools: list[str] = field(default_factory=list)
    traces: list[Trace] = field(default_factory=list)
    signals: list[Signal] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    container_errors: list[str] = field(default_factory=list)
    # metadata that could not be read safely (unsafe XML, an entry a reader gave up on): findings
    metadata_problems: list[MetadataProblem] = field(default_factory=list)
    dimensions: tuple[int, int] | None = None
    marks: list[Mark] = field(default_factory=list)  # visible AI marks (text, or OCR of pixels)
    visible_checked: bool = False  # whether the pixels were read for visible marks

    @property
    def tier(self) -> Tier:
        strengths = {signal.strength for signal in self.signals}
        if CONFIRMED in strengths:
            return CONFIRMED
        return SUSPECTED if SUSPECTED in strengths else NONE

    @property
    def tampered(self) -> bool:
        return self.c2pa is not None and self.c2pa.tampered

    @property
    def tc260(self) -> Tc260Summary | None:
        return Tc260Summary(self.tc260_labels) if self.tc260_labels else None

    @property
    def readable(self) -> bool:
        """False when the container itself could not be walked completely (truncated, unknown...)."""
        return not self.container_errors

    def to_json(self, *, include_details: bool = False) -> dict[str, Any]:
        summary = self.tc260
        result: dict[str, Any] = {
            "path": self.path,
            "media_type": self.media_type,
            "tier": self.tier,
            "tampered": self.tampered,
            "c2pa": self.c2pa.to_json() if self.c2pa else None,
            "tc260": summary.to_json() if summary else None,
            "signals": [signal.to_json() for signal in self.signals],
            "errors": list(self.errors),
        }
        if include_details:
            result["details"] = self.details_json()
        return result

    def details_json(self) -> dict[str, Any]:
        return {
            "engine_version": ENGINE_VERSION,
            "traces_version": TRACES_VERSION,
            "size": self.size,
            "c2pa": self.c2pa.details_json() if self.c2pa else None,
            "c2pa_remote_manifest_url": self.c2pa_remote_url,
            "tc260_labels": [label.to_json() for label in self.tc260_labels],
            "iptc": {
                "digital_source_types": [
                    {"where": item.where, "uri": item.uri, "ai": item.is_ai}
                    for item in self.iptc_source_types
                ],
                "ai_system": self.ai_system,
                "model_release": self.model_release,
                "creator_tools": self.creator_tools,
            },
            "traces": [trace.to_json() for trace in self.traces],
            "metadata_problems": [problem.to_json() for problem in self.metadata_problems],
            "dimensions": list(self.dimensions) if self.dimensions else None,
            "marks_version": MARKS_VERSION,
            "marks": [mark.to_json() for mark in self.marks],
            "visible_checked": self.visible_checked,
        }
