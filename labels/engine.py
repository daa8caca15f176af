"""Inspect one media file for AI provenance labels: ``inspect_file``, ``inspect_bytes``, ``inspect_stream``.

Steps:
1. Decide the MIME type from the first bytes.
2. Walk the container (``labels.containers``) for text entries, XMP packets and C2PA stores.
3. Read XMP (IPTC source type, AI-system fields, model release, TC260 labels), TC260 labels from
   every other placement, and generator traces.
4. Only if the walk found an embedded C2PA store, read and validate it with c2pa-python (network off).
5. Turn the facts into signals; the strongest signal gives the tier.

Nothing here raises on bad input: problems are recorded in ``MediaReport.errors``.
"""

from __future__ import annotations

import functools
import io
import logging
import mmap
import multiprocessing
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeVar

from labels import tc260, text, traces
from labels.c2pa_manifest import read_manifest_store
from labels.conf import get_setting
from labels.containers import RawMetadata, read_container
from labels.containers.base import LIMIT, ByteSource, MetadataProblem
from labels.media_types import UNKNOWN, sniff_buffer
from labels.report import (
    SOURCE_C2PA,
    SOURCE_IPTC,
    SOURCE_IPTC_AI_SYSTEM,
    SOURCE_TC260,
    SOURCE_TEXT_MARK,
    SOURCE_TRACE,
    SOURCE_VISIBLE_MARK,
    MediaReport,
    Signal,
    XmpSourceType,
)
from labels.tier import CONFIRMED, SUSPECTED
from labels.xmp import XmpFacts, parse_xmp

# Files up to this size are read into memory; larger ones are memory-mapped, so only the parts the
# container walk touches are read (a photo's compressed pixels and a video's mdat never are, except
# by the C2PA hash check). Reading whole 200 KB photos was a third of the engine's time.
READ_WHOLE = 64 * 1024
# Streams (uploads) are read into memory up to this size.
MAX_IN_MEMORY = 32 * 1024 * 1024

StreamFactory = Callable[[], IO[bytes]]
T = TypeVar("T")
DEFAULT_MAX_IMAGE_PIXELS = 50_000_000  # the UPLOAD_MAX_IMAGE_PIXELS default

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class InspectOptions:
    trust_anchors_pem: str | None = None
    read_c2pa: bool = True
    # Images whose header declares more pixels than this are reported (their metadata is still read).
    max_image_pixels: int | None = DEFAULT_MAX_IMAGE_PIXELS
    # OCR the edges of images and of a video's first seconds for drawn AI marks (slow: background only)
    visible: bool = False

    @classmethod
    def from_settings(cls) -> InspectOptions:
        return cls(
            trust_anchors_pem=read_pem(get_setting("LABELS_C2PA_TRUST_ANCHORS")),
            max_image_pixels=get_setting("UPLOAD_MAX_IMAGE_PIXELS", DEFAULT_MAX_IMAGE_PIXELS),
        )


@functools.lru_cache(maxsize=4)
def read_pem(path: str | None) -> str | None:
    return Path(path).read_text(encoding="ascii") if path else None


def inspect_file(path: str | os.PathLike[str], *, options: InspectOptions | None = None) -> MediaReport:
    options = options or InspectOptions.from_settings()
    name = str(path)
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            # a FIFO or device would block or never end
            report = MediaReport(path=name, media_type=UNKNOWN)
            _container_error(report, "file could not be read: not a regular file")
            return report
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size <= READ_WHOLE:
                data = handle.read(READ_WHOLE)
                report = _inspect(data, name, options, lambda: io.BytesIO(data))
            else:
                with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
                    report = _inspect(mapped, name, options, lambda: _rewound(handle))
        if options.visible:
            _add_visible_marks(report, Path(path), options)
        return report
    except OSError as error:
        report = MediaReport(path=name, media_type=UNKNOWN)
        _container_error(report, f"file could not be read: {error.strerror or error}")
        return report


def inspect_many(
    paths: Iterable[str | os.PathLike[str]],
    *,
    options: InspectOptions,
    render: Callable[[MediaReport], T],
    jobs: int = 1,
) -> Iterator[T]:
    """``render(inspect_file(path))`` for each path, in order, on ``jobs`` processes (0: one per core).

    The readers are CPU-bound Python and native C2PA code, so more processes, not threads, use more
    cores. ``render`` runs in the worker (it must be a module-level function) so only its result
    crosses back, e.g. a JSON line.
    """
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1:
        for path in paths:
            yield render(inspect_file(path, options=options))
        return
    # Not "fork": a parent that already ran the native C2PA library (its threads) forks broken children.
    # The fork server starts clean, imports the engine once, and forks each worker from there.
    if "forkserver" in multiprocessing.get_all_start_methods():
        context: Any = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["labels.engine"])
    else:
        context = multiprocessing.get_context("spawn")
    with context.Pool(jobs, initializer=_worker_start, initargs=(options, render)) as pool:
        yield from pool.imap(_worker_inspect, [str(path) for path in paths], chunksize=8)


_worker_state: dict[str, Any] = {}


def _worker_start(options: InspectOptions, render: Callable[[MediaReport], Any]) -> None:
    _worker_state.update(options=options, render=render)


def _worker_inspect(path: str) -> Any:
    return _worker_state["render"](inspect_file(path, options=_worker_state["options"]))


def inspect_bytes(
    data: bytes, *, name: str = "<bytes>", options: InspectOptions | None = None
) -> MediaReport:
    options = options or InspectOptions.from_settings()
    report = _inspect(data, name, options, lambda: io.BytesIO(data))
    if options.visible and report.media_type.startswith(("image/", "video/")):
        with tempfile.NamedTemporaryFile(prefix="visible-") as copy:
            copy.write(data)
            copy.flush()
            _add_visible_marks(report, Path(copy.name), options)
    return report


def inspect_stream(
    stream: IO[bytes], *, name: str = "<stream>", options: InspectOptions | None = None
) -> MediaReport:
    """Inspect a readable binary stream (e.g. an upload); at most MAX_IN_MEMORY bytes are read."""
    data = stream.read(MAX_IN_MEMORY + 1)
    report = inspect_bytes(data[:MAX_IN_MEMORY], name=name, options=options)
    if len(data) > MAX_IN_MEMORY:
        _container_error(report, f"only the first {MAX_IN_MEMORY} bytes of the stream were read")
    return report


TEXT_TYPES = ("text/plain", "text/markdown", "text/html")


def inspect_text(text_body: str, *, name: str = "<text>", media_type: str | None = None) -> MediaReport:
    """Inspect a text (a submission's body, an uploaded Markdown/HTML/plain-text file).

    Finds GB 45438 labels in YAML front matter, HTML ``<meta name="AIGC">`` and JSON lines, and
    visible AI marks ("本文由AI生成"); a mark makes the text at least suspected (R11).
    """
    report = MediaReport(
        path=name, media_type=media_type or _text_type(text_body), size=len(text_body.encode("utf-8"))
    )
    try:
        report.tc260_labels = text.find_text_labels(text_body)
        report.marks = text.find_text_marks(text_body)
        if len(text_body) > text.MAX_TEXT_CHARS:
            report.errors.append(f"only the first {text.MAX_TEXT_CHARS} characters of the text were read")
        report.signals = _signals(report)
    except Exception as error:  # never raise on input: a record with the error, and the log
        logger.exception("label engine failed on text %s", name)
        report.signals = []
        _container_error(report, f"internal error while reading the text: {type(error).__name__}: {error}")
    return report


def _text_type(body: str) -> str:
    head = body[:1024].lstrip("\ufeff \r\n\t").lower()
    if head.startswith(("<!doctype html", "<html", "<head", "<meta")):
        return "text/html"
    if head.startswith("---"):
        return "text/markdown"
    return "text/plain"


def _as_text(buf: ByteSource) -> str | None:
    """The file as text when it looks like UTF-8 text (no NUL, decodes), else None."""
    head = bytes(buf[: 64 * 1024])
    if b"\x00" in head:
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # a cut multi-byte character at the end is fine
            return None
    return bytes(buf[: text.MAX_TEXT_CHARS * 4]).decode("utf-8", errors="replace")


def _add_visible_marks(report: MediaReport, path: Path, options: InspectOptions) -> None:
    """OCR of the edges (``labels.visible``): drawn AI marks become signals (at least suspected)."""
    if not report.media_type.startswith(("image/", "video/")):
        return
    from labels.visible import find_visible_marks  # OCR models load only when asked for

    result = find_visible_marks(path, report.media_type, max_pixels=options.max_image_pixels)
    report.visible_checked = not result.errors
    report.marks += result.marks
    report.errors += result.errors
    report.signals = _signals(report)


def _rewound(handle: IO[bytes]) -> IO[bytes]:
    handle.seek(0)
    return handle


def _container_error(report: MediaReport, message: str) -> None:
    report.errors.append(message)
    report.container_errors.append(message)


def _inspect(buf: ByteSource, name: str, options: InspectOptions, open_stream: StreamFactory) -> MediaReport:
    report = MediaReport(path=name, media_type=sniff_buffer(buf), size=len(buf))
    if not len(buf):
        report.media_type = UNKNOWN
        _container_error(report, "file is empty")
        return report
    if report.media_type == UNKNOWN:
        body = _as_text(buf)
        if body is not None:
            text_report = inspect_text(body, name=name)
            text_report.size = len(buf)
            return text_report
    try:
        _read_labels(buf, report, options, open_stream)
    except Exception as error:
        # A bug must not stop a batch: the file gets an error record and tier none, the log the trace.
        logger.exception("label engine failed on %s", name)
        report.signals = []
        _container_error(report, f"internal error while reading the file: {type(error).__name__}: {error}")
    return report


def _read_labels(
    buf: ByteSource, report: MediaReport, options: InspectOptions, open_stream: StreamFactory
) -> None:
    meta = read_container(buf, report.media_type)
    for message in meta.errors:
        _container_error(report, message)
    for problem in meta.problems:
        report.metadata_problems.append(problem)
        report.errors.append(problem.detail)
    report.dimensions = meta.dimensions
    _check_pixels(report, options)
    xmp_facts = [parse_xmp(packet, where) for where, packet in meta.xmp_packets]
    for facts in xmp_facts:
        report.errors.extend(facts.errors)
        report.metadata_problems.extend(facts.problems)
        _take_xmp_facts(report, facts)
    report.tc260_labels = tc260.find_labels(meta.texts, xmp_facts)
    report.traces = traces.find_traces(meta.texts, xmp_facts)
    if meta.c2pa_locations and options.read_c2pa:
        _read_c2pa(report, meta, options, open_stream)
    report.signals = _signals(report)


def _check_pixels(report: MediaReport, options: InspectOptions) -> None:
    if report.dimensions is None or not options.max_image_pixels:
        return
    width, height = report.dimensions
    if width * height > options.max_image_pixels:
        detail = (
            f"image is {width}x{height} ({width * height} pixels), over the limit of "
            f"{options.max_image_pixels} pixels; its pixels are not examined"
        )
        report.errors.append(detail)
        report.metadata_problems.append(
            MetadataProblem(
                LIMIT,
                "pixel_limit",
                "image header",
                detail,
                {
                    "width": width,
                    "height": height,
                    "pixels": width * height,
                    "limit": options.max_image_pixels,
                },
            )
        )


def _take_xmp_facts(report: MediaReport, facts: XmpFacts) -> None:
    report.iptc_source_types.extend(XmpSourceType(facts.where, uri) for uri in facts.digital_source_types)
    for name, values in facts.ai_system.items():
        report.ai_system.setdefault(name, []).extend(values)
    for name, values in facts.model_release.items():
        report.model_release.setdefault(name, []).extend(values)
    report.creator_tools.extend(facts.creator_tools)
    if facts.provenance_urls and report.c2pa_remote_url is None:
        report.c2pa_remote_url = facts.provenance_urls[0]  # recorded, never fetched


def _read_c2pa(
    report: MediaReport, meta: RawMetadata, options: InspectOptions, open_stream: StreamFactory
) -> None:
    info = read_manifest_store(
        open_stream(), report.media_type, meta.c2pa_locations[0], options.trust_anchors_pem
    )
    report.c2pa = info
    if info.error:
        report.errors.append(info.error)


def _signals(report: MediaReport) -> list[Signal]:
    signals: list[Signal] = []
    if report.c2pa:
        signals += [Signal(SOURCE_C2PA, claim.describe(), CONFIRMED) for claim in report.c2pa.ai_claims]
    signals += [
        Signal(SOURCE_IPTC, item.describe(), CONFIRMED) for item in report.iptc_source_types if item.is_ai
    ]
    for label in report.tc260_labels:
        value = label.tier_value
        if value is not None:
            meaning = tc260.LABEL_MEANINGS[value]
            strength = CONFIRMED if value == "1" else SUSPECTED
            signals.append(
                Signal(SOURCE_TC260, f'{label.placement} says Label "{value}" ({meaning})', strength)
            )
    for name, values in report.ai_system.items():
        shown = ", ".join(f'"{value}"' for value in values)
        signals.append(Signal(SOURCE_IPTC_AI_SYSTEM, f"XMP Iptc4xmpExt:{name} is {shown}", SUSPECTED))
    signals += [Signal(SOURCE_TRACE, f"{trace.tool}: {trace.detail}", SUSPECTED) for trace in report.traces]
    for mark in report.marks:
        source = SOURCE_TEXT_MARK if mark.where == "text" else SOURCE_VISIBLE_MARK
        shown = f" ({mark.generator}'s mark)" if mark.generator else ""
        signals.append(Signal(source, f'{mark.where} carries the AI mark "{mark.text}"{shown}', SUSPECTED))
    return signals


__all__ = [
    "InspectOptions",
    "MediaReport",
    "inspect_bytes",
    "inspect_file",
    "inspect_many",
    "inspect_stream",
    "inspect_text",
]
