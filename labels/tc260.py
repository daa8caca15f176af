"""GB 45438-2025 implicit labels (TC260 ``AIGC`` metadata): find, parse, validate, classify, write.

A label is the JSON ``{"AIGC": {"Label": ..., "ContentProducer": ..., ...}}`` (Annex E), sometimes
without the ``"AIGC"`` wrapper, HTML-escaped inside XMP, or prefixed ``AIGC`` in a bare segment.
Validation follows RULES R06-R08: one label per file, valid JSON, exactly the seven keys, ``Label`` a
string "1"/"2"/"3", ``ContentProducer`` and ``ProduceID`` non-empty, every value in the allowed
character set.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

from labels.containers.base import TextEntry
from labels.producers import PRODUCER_CODE, ProducerClass, classify_producer
from labels.xmp import XmpFacts

LABEL_KEYS = (
    "Label",
    "ContentProducer",
    "ProduceID",
    "ReservedCode1",
    "ContentPropagator",
    "PropagateID",
    "ReservedCode2",
)
LABEL_MEANINGS = {"1": "AI-generated", "2": "possibly AI-generated", "3": "suspected AI-generated"}
ALLOWED_VALUE = re.compile(r"^[\x21\x23-\x5B\x5D-\x7E]*$")
# Free-text fields (EXIF UserComment, ImageDescription...) count as a label only when they hold the
# label's JSON object, wrapped or not.
_LABEL_JSON = re.compile(r'^\s*\{\s*"(AIGC"\s*:|Label"\s*:.*"ContentProducer")', re.S)


@dataclass
class Tc260Label:
    placement: str
    raw: str
    fields: dict[str, Any] | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def label_value(self) -> Any:
        return None if self.fields is None else self.fields.get("Label")

    @property
    def tier_value(self) -> str | None:
        """The Label as "1"/"2"/"3" for the tier, also when written as a number (still invalid)."""
        value = self.label_value
        if isinstance(value, bool):
            return None
        text = str(value) if isinstance(value, (str, int)) else None
        return text if text in LABEL_MEANINGS else None

    def field_text(self, name: str) -> str | None:
        value = None if self.fields is None else self.fields.get(name)
        return value if isinstance(value, str) else None

    @property
    def producer(self) -> ProducerClass:
        return classify_producer(self.field_text("ContentProducer") or "")

    def to_json(self) -> dict[str, Any]:
        producer = self.producer
        return {
            "placement": self.placement,
            "raw": self.raw,
            "fields": self.fields,
            "errors": self.errors,
            "producer": producer.to_json(),
        }


@dataclass
class Tc260Summary:
    """The file-level view: how many labels, whether the (single) label is valid, and its fields."""

    labels: list[Tc260Label]

    @property
    def count(self) -> int:
        return len(self.labels)

    @property
    def errors(self) -> list[str]:
        errors: list[str] = []
        if self.count > 1:
            places = ", ".join(label.placement for label in self.labels)
            errors.append(f"{self.count} implicit labels found ({places}); GB 45438 §6.1 c) allows only one")
        for label in self.labels:
            prefix = f"{label.placement}: " if self.count > 1 else ""
            errors.extend(prefix + error for error in label.errors)
        return errors

    @property
    def valid(self) -> bool:
        return self.count == 1 and not self.labels[0].errors

    @property
    def first(self) -> Tc260Label:
        return self.labels[0]

    def to_json(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "valid": self.valid,
            "label": self.first.label_value,
            "content_producer": self.first.field_text("ContentProducer"),
            "produce_id": self.first.field_text("ProduceID"),
            "errors": self.errors,
        }


def find_labels(texts: list[TextEntry], xmp_facts: list[XmpFacts]) -> list[Tc260Label]:
    """Every implicit label of a file, one per placement (XMP property, EXIF field, chunk, frame...)."""
    labels = [
        parse_label(f"XMP TC260:AIGC {form} ({facts.where})", raw)
        for facts in xmp_facts
        for form, raw in facts.tc260_values
    ]
    for entry in texts:
        value = html.unescape(entry.value) if "&" in entry.value[:32] else entry.value
        if _is_label_key(entry.key) or _LABEL_JSON.match(value):
            labels.append(parse_label(entry.placement, entry.value))
    return labels


def _is_label_key(key: str) -> bool:
    """ "AIGC", also namespaced as phone apps and taggers write it: "com.apple.quicktime.AIGC",
    "----:com.apple.iTunes:AIGC", "WM/AIGC", "info.AIGC"."""
    return re.split(r"[.:/]", key.strip())[-1].upper() == "AIGC"


def label_from_fields(placement: str, raw: str, fields: dict[str, Any]) -> Tc260Label:
    """A label read from a format that is not JSON (YAML front matter, HTML attributes)."""
    label = Tc260Label(placement=placement, raw=raw, fields=fields)
    label.errors.extend(validate_fields(fields))
    return label


def parse_label(placement: str, raw: str) -> Tc260Label:
    label = Tc260Label(placement=placement, raw=raw)
    document = _load_json(raw)
    if document is None:
        label.errors.append("the label is not valid JSON")
        return label
    inner = document.get("AIGC", document) if isinstance(document, dict) else document
    if isinstance(inner, str):
        inner = _load_json(inner)  # the inner object written as a JSON string
    if not isinstance(inner, dict):
        label.errors.append('the label is not a JSON object of the form {"AIGC": {...}}')
        return label
    label.fields = inner
    label.errors.extend(validate_fields(inner))
    return label


def _load_json(raw: str) -> Any:
    text = raw.strip().strip("\x00")
    if text.startswith("AIGC") and not text.startswith('AIGC"'):
        text = text[4:].lstrip(":= ")  # bare "AIGC{...}" form
    for candidate in (text, html.unescape(text)):
        try:
            return json.loads(candidate)
        except ValueError:
            continue
    return None


def validate_fields(fields: dict[str, Any]) -> list[str]:
    """Plain-language problems with a parsed label, each naming the field (R07)."""
    errors = [f"field {key} is missing" for key in LABEL_KEYS if key not in fields]
    errors += [f"unexpected field {key}" for key in fields if key not in LABEL_KEYS]
    label = fields.get("Label")
    if "Label" in fields:
        if not isinstance(label, str):
            errors.append(
                f'Label must be the string "1", "2" or "3", found {_json_kind(label)} {json.dumps(label)}'
            )
        elif label not in LABEL_MEANINGS:
            errors.append(f'Label must be "1", "2" or "3", found "{label}"')
    for key in ("ContentProducer", "ProduceID"):
        if key in fields and fields[key] in ("", None):
            errors.append(f"{key} is empty")
    for key, value in fields.items():
        if key == "Label" and not isinstance(value, str):
            continue
        if not isinstance(value, str):
            errors.append(f"{key} must be a string, found {_json_kind(value)}")
        elif not ALLOWED_VALUE.match(value):
            errors.append(f"{key} contains characters outside the allowed set: {_describe_bad(value)}")
    return errors


def _json_kind(value: Any) -> str:
    """The JSON name of a parsed value's type, for error messages."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return "string"


def _describe_bad(value: str) -> str:
    names = {" ": "space", '"': "double quote", "\\": "backslash"}
    bad = sorted({ch for ch in value if not ALLOWED_VALUE.match(ch)})
    return ", ".join(names.get(ch, f"U+{ord(ch):04X}") for ch in bad)


def label_json(fields: dict[str, str]) -> str:
    """Serialise a label the way Annex E shows it: wrapped, keys in order, no spaces."""
    ordered = {key: fields.get(key, "") for key in LABEL_KEYS}
    return json.dumps({"AIGC": ordered}, separators=(",", ":"), ensure_ascii=True)


__all__ = [
    "LABEL_KEYS",
    "LABEL_MEANINGS",
    "PRODUCER_CODE",
    "ProducerClass",
    "Tc260Label",
    "Tc260Summary",
    "classify_producer",
    "find_labels",
    "label_from_fields",
    "label_json",
    "parse_label",
    "validate_fields",
]
