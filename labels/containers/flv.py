"""FLV: read the ``onMetaData`` script tag (AMF0), where GB 45438 labels sit as the string ``AIGC``.

Tags are skipped by their sizes; only script-data tags (type 18) are parsed. AMF0 values are read to
a bounded depth and count; strings become text entries named by their key path.
"""

from __future__ import annotations

import struct

from labels.containers.base import MAX_DEPTH, MAX_ENTRIES, MAX_TEXT_BYTES, ByteSource, RawMetadata

_SCRIPT = 18
_MAX_VALUES = 10_000
_END = object()


class _Amf0Error(ValueError):
    pass


def read_flv(buf: ByteSource, meta: RawMetadata) -> None:
    if len(buf) < 9:
        meta.errors.append("FLV header is truncated")
        return
    (header_size,) = struct.unpack_from(">I", buf, 5)
    pos = header_size + 4  # the first PreviousTagSize
    for _ in range(MAX_ENTRIES):
        if pos >= len(buf):
            return
        if pos + 11 > len(buf):
            meta.errors.append(f"FLV tag header at offset {pos} is truncated")
            return
        tag_type = buf[pos] & 0x1F
        size = int.from_bytes(bytes(buf[pos + 1 : pos + 4]), "big")
        start, end = pos + 11, pos + 11 + size
        if end > len(buf):
            meta.errors.append(f"FLV tag at offset {pos} runs past the end of the file")
            return
        if tag_type == _SCRIPT:
            _read_script(bytes(buf[start : min(end, start + MAX_TEXT_BYTES)]), meta)
        pos = end + 4
    meta.errors.append("FLV has too many tags; stopped reading")


def _read_script(data: bytes, meta: RawMetadata) -> None:
    reader = _Amf0(data)
    try:
        name = reader.value(0)
        value = reader.value(0)
    except (_Amf0Error, struct.error, IndexError) as error:
        meta.errors.append(f"FLV script data could not be read: {error}")
        return
    prefix = name if isinstance(name, str) else "script"
    for path, text in _strings(value, ""):
        meta.add_text(f"FLV {prefix}", path, text)


def _strings(value: object, path: str) -> list[tuple[str, str]]:
    if isinstance(value, str):
        return [(path or "value", value)]
    if isinstance(value, dict):
        return [
            item for key, inner in value.items() for item in _strings(inner, f"{path}.{key}" if path else key)
        ]
    if isinstance(value, list):
        return [item for index, inner in enumerate(value) for item in _strings(inner, f"{path}[{index}]")]
    return []


class _Amf0:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0
        self.count = 0

    def take(self, size: int) -> bytes:
        if self.pos + size > len(self.data):
            raise _Amf0Error("AMF0 value runs past the end of the tag")
        chunk = self.data[self.pos : self.pos + size]
        self.pos += size
        return chunk

    def value(self, depth: int) -> object:
        self.count += 1
        if depth > MAX_DEPTH or self.count > _MAX_VALUES:
            raise _Amf0Error("AMF0 data is nested too deeply or has too many values")
        marker = self.take(1)[0]
        if marker == 0x00:
            return struct.unpack(">d", self.take(8))[0]
        if marker == 0x01:
            return bool(self.take(1)[0])
        if marker == 0x02:
            return self.string(2)
        if marker == 0x0C:
            return self.string(4)
        if marker in (0x03, 0x08):
            if marker == 0x08:
                self.take(4)  # approximate count; the end marker decides
            return self.properties(depth)
        if marker == 0x0A:
            (count,) = struct.unpack(">I", self.take(4))
            return [self.value(depth + 1) for _ in range(min(count, _MAX_VALUES))]
        if marker in (0x05, 0x06):
            return None
        if marker == 0x07:
            self.take(2)
            return None
        if marker == 0x0B:
            self.take(10)
            return None
        if marker == 0x09:
            return _END
        raise _Amf0Error(f"AMF0 type 0x{marker:02X} is not supported")

    def string(self, length_size: int) -> str:
        length = int.from_bytes(self.take(length_size), "big")
        return self.take(length).decode("utf-8", errors="replace")

    def properties(self, depth: int) -> dict[str, object]:
        result: dict[str, object] = {}
        while self.pos < len(self.data):
            key = self.string(2)
            if not key and self.pos < len(self.data) and self.data[self.pos] == 0x09:
                self.pos += 1
                return result
            value = self.value(depth + 1)
            if value is _END:
                return result
            result[key] = value
        return result
