"""Generator traces (RULES R09): metadata that generation tools leave behind, as a versioned list.

A trace is evidence for the "suspected" tier only. Bump ``TRACES_VERSION`` whenever a rule is added or
changed, so a stored result says which list produced it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from labels.containers.base import TextEntry
from labels.xmp import XmpFacts

TRACES_VERSION = "2025.11.1"

# Text keys (PNG text chunks, FLAC/ID3/MP4 tags...) that only generation tools write.
GENERATOR_KEYS: dict[str, str] = {
    "parameters": "AUTOMATIC1111 Stable Diffusion web UI (or a fork)",
    "prompt": "ComfyUI",
    "workflow": "ComfyUI",
    "invokeai_metadata": "InvokeAI",
    "invokeai_graph": "InvokeAI",
    "sd-metadata": "InvokeAI (legacy sd-metadata)",
    "dream": "InvokeAI / lstein Dream",
    "generation_data": "unidentified image generator (generation_data)",
    "hf-job-id": "Hugging Face Jobs",
}

# Generator names looked for in software-like fields: EXIF Software/Make, XMP CreatorTool, PNG Software
# and Source, encoder tags of audio and video.
KNOWN_GENERATORS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.I))
    for name, pattern in (
        ("Midjourney", r"midjourney"),
        ("DALL-E", r"dall[\s·\-_]?e\b"),
        ("Stable Diffusion", r"stable[\s_-]?diffusion|\bsdxl\b"),
        ("Adobe Firefly", r"\bfirefly\b"),
        ("Reve", r"\breve\.com\b|\breve ai\b"),
        ("Aphrodite AI", r"aphrodite ai"),
        ("Luma AI", r"\bluma ai\b"),
        ("NovelAI", r"\bnovelai\b"),
        ("Ideogram", r"\bideogram\b"),
        ("ComfyUI", r"\bcomfyui\b"),
        ("InvokeAI", r"\binvokeai\b"),
        ("Leonardo.Ai", r"\bleonardo\.?ai\b"),
        ("Google Imagen", r"\bimagen\b"),
        ("OpenAI", r"\bchatgpt\b|\bopenai\b|\bgpt-image|\bsora\b"),
        ("FLUX", r"\bflux(\.1)?\b|black forest labs"),
        ("Runway", r"\brunway(ml| gen)"),
        ("Kling", r"\bkling ai\b|\bkeling\b"),
        ("Suno", r"\bsuno\b"),
        ("Udio", r"\budio\b"),
        ("ElevenLabs", r"eleven ?labs"),
        ("Doubao", r"\bdoubao\b|豆包"),
        ("Jimeng / Dreamina", r"\bjimeng\b|即梦|\bdreamina\b"),
        ("Tongyi Wanxiang", r"wanxiang|通义万相"),
        ("Kolors", r"\bkolors\b"),
        ("Hunyuan", r"\bhunyuan\b|混元"),
        ("Wenxin Yige", r"文心一格"),
        ("Bing Image Creator", r"bing image creator|microsoft designer"),
    )
)
# One search over every generator's pattern first: most software fields name none of them.
_ANY_GENERATOR = re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern in KNOWN_GENERATORS), re.I)
SOFTWARE_KEYS = frozenset(
    {
        "software",
        "source",
        "make",
        "creatortool",
        "encoder",
        "©too",
        "©swr",
        "tsse",
        "tss",
        "ten",
        "tenc",
        "isft",
        "writing_app",
    }
)
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_GENERATED_BY = re.compile(r"\bgenerated (?:by|with|using)\b", re.I)
_BYTEDANCE_AIGC_TYPE = re.compile(r"""["']?aigc_type["']?\s*[:=]\s*["']?1\b""")


@dataclass(frozen=True)
class Trace:
    tool: str
    where: str
    detail: str

    def to_json(self) -> dict[str, str]:
        return {"tool": self.tool, "where": self.where, "detail": self.detail}


A1111 = "AUTOMATIC1111 Stable Diffusion web UI (or a fork)"


def find_traces(texts: list[TextEntry], xmp_facts: list[XmpFacts]) -> list[Trace]:
    traces = [trace for entry in texts for trace in _entry_traces(entry)]
    fields = {(entry.container, entry.key.lower()): entry.value for entry in texts}
    for container in dict.fromkeys(entry.container for entry in texts):
        traces += _field_pair_traces(container, fields)
    for facts in xmp_facts:
        for tool in facts.creator_tools:
            traces += _named_generator(tool, f"XMP xmp:CreatorTool ({facts.where})")
    return _unique(traces)


def _entry_traces(entry: TextEntry) -> list[Trace]:
    """Traces one text entry shows on its own."""
    key, where, value = entry.key.lower(), entry.placement, entry.value
    traces: list[Trace] = []
    if key in GENERATOR_KEYS and not entry.container.startswith("EXIF"):
        traces.append(Trace(GENERATOR_KEYS[key], where, f'{where} holds "{_clip(value)}"'))
    if key in SOFTWARE_KEYS or (key in ("comment", "description") and _GENERATED_BY.search(value)):
        traces += _named_generator(value, where)
    if key in ("usercomment", "comment", "description") and _is_a1111_infotext(value):
        traces.append(Trace(A1111, where, f'{where} holds generation settings "{_clip(value)}"'))
    if key in ("usercomment", "imagedescription", "comment") and _BYTEDANCE_AIGC_TYPE.search(value):
        traces.append(Trace("ByteDance app export", where, f"{where} says aigc_type=1"))
    return traces


def _field_pair_traces(container: str, fields: dict[tuple[str, str], str]) -> list[Trace]:
    """Traces that need two fields of the same container (EXIF IFD, PNG text...)."""
    traces: list[Trace] = []
    software = fields.get((container, "software"), "").strip().lower()
    if software == "novelai" and (container, "comment") in fields:
        where = f"{container} Software + Comment"
        traces.append(Trace("NovelAI", where, f"{where}: Software is NovelAI, with a Comment"))
    artist = fields.get((container, "artist"), "").strip()
    description = fields.get((container, "imagedescription"), "")
    if _UUID.match(artist) and description.startswith("Signature:"):
        where = f"{container} Artist + ImageDescription"
        traces.append(Trace("xAI Grok", where, f"{where}: Artist is a UUID, ImageDescription a signature"))
    return traces


def _named_generator(value: str, where: str) -> list[Trace]:
    if not _ANY_GENERATOR.search(value):
        return []
    return [
        Trace(name, where, f'{where} is "{_clip(value)}"')
        for name, pattern in KNOWN_GENERATORS
        if pattern.search(value)
    ]


def _is_a1111_infotext(value: str) -> bool:
    return "Steps:" in value and ("Sampler:" in value or "Seed:" in value)


def _clip(value: str, limit: int = 80) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _unique(traces: list[Trace]) -> list[Trace]:
    seen: set[tuple[str, str]] = set()
    result = []
    for trace in traces:
        if (trace.tool, trace.where) not in seen:
            seen.add((trace.tool, trace.where))
            result.append(trace)
    return result
