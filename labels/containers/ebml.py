"""Matroska / WebM (EBML): read ``Segment/Tags/Tag/SimpleTag`` name-value pairs.

GB 45438 labels in Matroska sit in a SimpleTag named ``AIGC``. Clusters are skipped by size; a
cluster of unknown size (live streams) ends the walk, since skipping it would mean parsing frames.
"""

from __future__ import annotations

from labels.containers.base import MAX_DEPTH, MAX_ENTRIES, ByteSource, RawMetadata, decode_text

_SEGMENT = 0x18538067
_TAGS = 0x1254C367
_TAG = 0x7373
_SIMPLE_TAG = 0x67C8
_TAG_NAME = 0x45A3
_TAG_STRING = 0x4487
_UNKNOWN = -1


def read_ebml(buf: ByteSource, meta: RawMetadata) -> None:
    pos = 0
    size = len(buf)
    for _ in range(MAX_ENTRIES):
        element = _element(buf, pos, size, meta)
        if element is None:
            return
        element_id, data_start, data_end = element
        if element_id == _SEGMENT:
            _read_segment(buf, data_start, data_end, meta)
            return
        pos = data_end


def _read_segment(buf: ByteSource, pos: int, end: int, meta: RawMetadata) -> None:
    for _ in range(MAX_ENTRIES):
        element = _element(buf, pos, end, meta)
        if element is None:
            return
        element_id, data_start, data_end = element
        if element_id == _TAGS:
            _read_tags(buf, data_start, data_end, meta, depth=0)
        pos = data_end


def _read_tags(buf: ByteSource, pos: int, end: int, meta: RawMetadata, depth: int) -> None:
    """Walk Tags, Tag and (nested) SimpleTag elements, adding each TagName/TagString pair."""
    if depth > MAX_DEPTH:
        return
    name = value = None
    for _ in range(MAX_ENTRIES):
        element = _element(buf, pos, end, meta)
        if element is None:
            break
        element_id, data_start, data_end = element
        if element_id in (_TAG, _SIMPLE_TAG):
            _read_tags(buf, data_start, data_end, meta, depth + 1)
        elif element_id == _TAG_NAME:
            name = decode_text(bytes(buf[data_start:data_end]))
        elif element_id == _TAG_STRING:
            value = decode_text(bytes(buf[data_start:data_end]))
        pos = data_end
    if name is not None and value is not None:
        meta.add_text("Matroska SimpleTag", name, value)


def _element(buf: ByteSource, pos: int, end: int, meta: RawMetadata) -> tuple[int, int, int] | None:
    """Read an element header at ``pos``: (id, data start, data end), or None at the end or on error."""
    if pos >= end:
        return None
    element_id, id_length = _vint(buf, pos, end, keep_marker=True)
    if id_length == 0:
        meta.errors.append(f"Matroska element ID at offset {pos} is malformed")
        return None
    size, size_length = _vint(buf, pos + id_length, end, keep_marker=False)
    if size_length == 0:
        meta.errors.append(f"Matroska element size at offset {pos} is malformed")
        return None
    data_start = pos + id_length + size_length
    if size == _UNKNOWN:
        if element_id == _SEGMENT:
            return element_id, data_start, end
        return None  # unknown-size cluster: the tags we could still reach are not worth a frame parse
    if data_start + size > end:
        meta.errors.append(f"Matroska element 0x{element_id:X} at offset {pos} runs past the end of the file")
        return None
    return element_id, data_start, data_start + size


def _vint(buf: ByteSource, pos: int, end: int, *, keep_marker: bool) -> tuple[int, int]:
    """Decode an EBML variable-length integer: (value, length); length 0 means malformed."""
    if pos >= end:
        return 0, 0
    first = buf[pos]
    length = 1
    mask = 0x80
    while length <= 8 and not first & mask:
        mask >>= 1
        length += 1
    if length > 8 or pos + length > end:
        return 0, 0
    value = first if keep_marker else first & (mask - 1)
    all_ones = value == mask - 1
    for index in range(1, length):
        byte = buf[pos + index]
        value = (value << 8) | byte
        all_ones = all_ones and byte == 0xFF
    if not keep_marker and all_ones:
        return _UNKNOWN, length
    return value, length
