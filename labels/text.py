"""GB 45438 labels and visible AI marks in text: Markdown or plain-text bodies, HTML, JSON lines.

Placements read (each counts as one label, like the metadata placements of a file):
- YAML front matter (``---`` at the very start): an ``AIGC:`` block with the seven keys, as a
  nested mapping or a flow/JSON object, or the seven keys at the top level without the wrapper.
  Read line by line, never with a YAML loader (no anchors, aliases or tags are interpreted).
- HTML ``<meta name="AIGC" content="...">`` (the content is the label's JSON, HTML-escaped).
- A line holding the label's JSON object (``{"AIGC": {...}}`` or the bare seven keys).

Visible marks ("本文由AI生成", "AI-generated"...) come from ``labels.marks``. Work is bounded: at
most ``MAX_TEXT_CHARS`` characters are read, front matter up to ``_MAX_FRONT_MATTER_LINES`` lines.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from labels.marks import Mark, find_marks
from labels.tc260 import LABEL_KEYS, Tc260Label, label_from_fields, parse_label

MAX_TEXT_CHARS = 4 * 1024 * 1024
_MAX_FRONT_MATTER_LINES = 500
_MAX_JSON_LINE = 64 * 1024
_META_TAG = re.compile(r"<meta\b[^>]{0,8192}>", re.I)
_ATTRIBUTE = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_KEY_VALUE = re.compile(r"^(\s*)([A-Za-z0-9_]+)\s*:\s*(.*?)\s*$")
_JSON_LABEL = re.compile(r'^\s*\{\s*"(?:AIGC"\s*:|Label"\s*:.*"ContentProducer")', re.S)


def find_text_labels(text: str) -> list[Tc260Label]:
    text = text[:MAX_TEXT_CHARS]
    labels = _front_matter_labels(text)
    labels += _html_meta_labels(text)
    labels += _json_line_labels(text)
    return labels


def find_text_marks(text: str) -> list[Mark]:
    return find_marks(text[:MAX_TEXT_CHARS], where="text")


def _front_matter_labels(text: str) -> list[Tc260Label]:
    lines = text.lstrip("\ufeff").split("\n", _MAX_FRONT_MATTER_LINES + 1)
    if not lines or lines[0].strip() != "---":
        return []
    body: list[str] = []
    for line in lines[1 : _MAX_FRONT_MATTER_LINES + 1]:
        if line.strip() in ("---", "..."):
            break
        body.append(line.rstrip("\r"))
    else:
        return []  # not closed: not front matter
    return _yaml_labels(body)


def _yaml_labels(lines: list[str]) -> list[Tc260Label]:
    labels: list[Tc260Label] = []
    top: dict[str, Any] = {}
    index = 0
    while index < len(lines):
        match = _KEY_VALUE.match(lines[index])
        index += 1
        if not match or match.group(1):
            continue
        key, value = match.group(2), match.group(3)
        if key.upper() == "AIGC":
            if value and value not in ("|", ">"):
                labels.append(parse_label("text YAML front matter AIGC", _unquote(value)))
                continue
            block, index = _indented_block(lines, index)
            fields = {name: _unquote(raw) for name, raw in block}
            raw = "\n".join(lines[index - len(block) - 1 : index])
            labels.append(label_from_fields("text YAML front matter AIGC", raw, fields))
        elif key in LABEL_KEYS:
            top[key] = _unquote(value)
    if not labels and "Label" in top and ("ContentProducer" in top or "ProduceID" in top):
        raw = "\n".join(f"{key}: {value}" for key, value in top.items())
        labels.append(label_from_fields("text YAML front matter (no AIGC wrapper)", raw, top))
    return labels


def _indented_block(lines: list[str], index: int) -> tuple[list[tuple[str, str]], int]:
    block: list[tuple[str, str]] = []
    while index < len(lines):
        match = _KEY_VALUE.match(lines[index])
        if not lines[index].strip():
            index += 1
            continue
        if not match or not match.group(1):
            break
        block.append((match.group(2), match.group(3)))
        index += 1
    return block, index


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        inner = value[1:-1]
        return inner.replace("''", "'") if value[0] == "'" else _json_string(value) or inner
    return value.split(" #", 1)[0].strip()  # a YAML comment after a plain scalar


def _json_string(value: str) -> str | None:
    try:
        decoded = json.loads(value)
    except ValueError:
        return None
    return decoded if isinstance(decoded, str) else None


def _html_meta_labels(text: str) -> list[Tc260Label]:
    if "<meta" not in text and "<META" not in text:
        return []
    labels = []
    for tag in _META_TAG.finditer(text):
        attributes = {
            match.group(1).lower(): next(group for group in match.groups()[1:] if group is not None)
            for match in _ATTRIBUTE.finditer(tag.group(0))
        }
        name = attributes.get("name") or attributes.get("property") or ""
        if name.strip().upper() == "AIGC" and "content" in attributes:
            labels.append(parse_label("HTML meta AIGC", html.unescape(attributes["content"])))
    return labels


def _json_line_labels(text: str) -> list[Tc260Label]:
    labels = []
    for number, line in enumerate(text.splitlines(), start=1):
        if len(line) <= _MAX_JSON_LINE and line.lstrip().startswith("{") and _JSON_LABEL.match(line):
            labels.append(parse_label(f"text JSON line {number}", line.strip()))
    return labels
