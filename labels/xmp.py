"""XMP packets: IPTC digital source type, IPTC 2025.1 AI fields, model release, TC260 labels.

Packets are parsed with defusedxml, DTDs and entities refused. A packet that declares a DTD or
entities is never dropped: the declaration is cut out unread, references to the entities it
declared are blanked (never expanded), the rest is read, and the packet is reported as an
``unsafe`` metadata problem so a human looks at it (an unused entity declaration used to hide an
IPTC AI source type from the reader). Properties are matched by namespace URI, not prefix, so
``iptcExt:DigitalSourceType`` counts as much as ``Iptc4xmpExt:DigitalSourceType``; ``http`` and
``https`` namespace forms are both accepted. A packet that is not well-formed XML gets a narrow regex
fallback for the TC260 label and the source type, and is reported as ``unreadable``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

import defusedxml
import defusedxml.ElementTree as SafeET

from labels.containers.base import UNREADABLE, UNSAFE, MetadataProblem

RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
NS_IPTC_EXT = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
NS_PLUS = "http://ns.useplus.org/ldf/xmp/1.0/"
NS_TC260 = "http://www.tc260.org.cn/ns/AIGC/1.0/"
NS_XMP = "http://ns.adobe.com/xap/1.0/"
NS_DCTERMS = "http://purl.org/dc/terms/"

XMP_PACKET_LIMIT_JPEG = 65504  # one APP1 segment minus its length and signature

AI_SYSTEM_FIELDS = ("AISystemUsed", "AISystemVersionUsed", "AIPromptInformation", "AIPromptWriterName")
MODEL_RELEASE_FIELDS = ("ModelReleaseStatus", "ModelReleaseID", "PersonInImage", "MinorModelAgeDisclosure")


def _namespace_key(uri: str) -> str:
    """Compare namespaces without scheme or trailing slash: http/https variants are the same."""
    return uri.split("://", 1)[-1].rstrip("/").lower()


_IPTC_EXT, _PLUS, _TC260, _XMP, _DCTERMS = (
    _namespace_key(ns) for ns in (NS_IPTC_EXT, NS_PLUS, NS_TC260, NS_XMP, NS_DCTERMS)
)
_PROPERTIES: dict[tuple[str, str], str] = {
    (_IPTC_EXT, "DigitalSourceType"): "DigitalSourceType",
    **{(_IPTC_EXT, name): name for name in AI_SYSTEM_FIELDS},
    (_IPTC_EXT, "PersonInImage"): "PersonInImage",
    (_PLUS, "ModelReleaseStatus"): "ModelReleaseStatus",
    (_PLUS, "ModelReleaseID"): "ModelReleaseID",
    (_PLUS, "MinorModelAgeDisclosure"): "MinorModelAgeDisclosure",
    (_XMP, "CreatorTool"): "CreatorTool",
    (_DCTERMS, "provenance"): "provenance",
    (_TC260, "AIGC"): "AIGC",
}
_RELEVANT_BYTES = (b"Iptc4xmpExt", b"useplus.org", b"tc260", b"CreatorTool", b"provenance")


@dataclass
class XmpFacts:
    """What one XMP packet says. ``tc260_values`` holds (form, raw text) per TC260:AIGC property."""

    where: str
    digital_source_types: list[str] = field(default_factory=list)
    ai_system: dict[str, list[str]] = field(default_factory=dict)
    model_release: dict[str, list[str]] = field(default_factory=dict)
    creator_tools: list[str] = field(default_factory=list)
    provenance_urls: list[str] = field(default_factory=list)
    tc260_values: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    problems: list[MetadataProblem] = field(default_factory=list)

    def problem(self, kind: str, reason: str, detail: str, **params: Any) -> None:
        self.problems.append(
            MetadataProblem(kind, reason, self.where, detail, {"where": self.where, **params})
        )
        self.errors.append(detail)

    def add(self, name: str, values: list[str], form: str) -> None:
        values = [value for value in values if value.strip()]
        if not values:
            return
        if name == "DigitalSourceType":
            self.digital_source_types.extend(v.strip() for v in values)
        elif name in AI_SYSTEM_FIELDS:
            self.ai_system.setdefault(name, []).extend(values)
        elif name in MODEL_RELEASE_FIELDS:
            self.model_release.setdefault(name, []).extend(values)
        elif name == "CreatorTool":
            self.creator_tools.extend(values)
        elif name == "provenance":
            self.provenance_urls.extend(v.strip() for v in values)
        elif name == "AIGC":
            self.tc260_values.extend((form, v) for v in values)


def parse_xmp(packet: bytes, where: str) -> XmpFacts:
    facts = XmpFacts(where=where)
    packet = packet.strip(b"\x00 \r\n\t")
    declared = _DECLARATION.search(packet)
    if declared:
        packet = _without_dtd(packet, declared.start(), facts)
    elif not any(marker in packet for marker in _RELEVANT_BYTES):
        return facts  # nothing we read can be in it: skip the XML parse
    try:
        root = SafeET.fromstring(packet, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException as error:
        # Only reachable if a declaration survived the cut: read nothing from the XML tree.
        facts.problem(
            UNSAFE,
            "xml_dtd",
            f"XMP in {where} still declares a DTD after it was cut out ({type(error).__name__}); "
            "read with a fallback scan",
            declared_entities=[],
        )
        _fallback_scan(packet.decode("utf-8", errors="replace"), facts)
        return facts
    except ET.ParseError as error:
        facts.problem(
            UNREADABLE,
            "xml_malformed",
            f"XMP in {where} is not well-formed XML ({error}); read with a fallback scan",
            error=str(error),
        )
        _fallback_scan(packet.decode("utf-8", errors="replace"), facts)
        return facts
    _walk(root, facts)
    return facts


# A DTD (or a stray entity declaration) anywhere in the packet.
_DECLARATION = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.I)
_ENTITY_DECLARATION = re.compile(
    rb"<!ENTITY\s+(%\s*)?([^\s>]+)\s+(?:(SYSTEM|PUBLIC)\s*)?(\"[^\"]*\"|'[^']*')?", re.I
)
_ENTITY_REFERENCE = re.compile(rb"&([A-Za-z_:][\w.:-]*);")
_PREDEFINED = frozenset({b"amp", b"lt", b"gt", b"quot", b"apos"})
_MAX_REPORTED_ENTITIES = 20


def _without_dtd(packet: bytes, start: int, facts: XmpFacts) -> bytes:
    """Cut the DTD (internal subset included) out of ``packet`` without interpreting it; record it.

    References to entities other than XML's five predefined ones are blanked, so the parser meets
    neither a declaration nor an undefined entity, and nothing is ever expanded.
    """
    end = _declaration_end(packet, start)
    dtd = packet[start:end]
    entities = [
        {
            "name": match.group(2).decode("utf-8", "replace")[:64],
            "parameter": bool(match.group(1)),
            "external": bool(match.group(3)),
            "value": (match.group(4) or b"").strip(b"\"'").decode("utf-8", "replace")[:200],
        }
        for match in _ENTITY_DECLARATION.finditer(dtd)
    ]
    body = packet[:start] + packet[end:]
    references = sorted({m.group(1) for m in _ENTITY_REFERENCE.finditer(body)} - _PREDEFINED)
    if references:
        body = _ENTITY_REFERENCE.sub(lambda m: m.group(0) if m.group(1) in _PREDEFINED else b"", body)
    names = [str(entity["name"]) for entity in entities]
    facts.problem(
        UNSAFE,
        "xml_dtd",
        f"XMP in {facts.where} declares a DTD"
        + (f" with {len(entities)} entities ({', '.join(names[:5])})" if entities else "")
        + "; the declaration was cut out and entity references left unexpanded",
        declared_entities=entities[:_MAX_REPORTED_ENTITIES],
        entity_count=len(entities),
        unexpanded_references=[name.decode("utf-8", "replace")[:64] for name in references[:20]],
        dtd_bytes=len(dtd),
    )
    return body


def _declaration_end(packet: bytes, start: int) -> int:
    """The offset after the ``>`` that closes the declaration at ``start``, skipping quoted text,
    comments and an internal subset in brackets; the end of the packet if it never closes."""
    pos, depth, size = start + 2, 0, len(packet)
    while pos < size:
        char = packet[pos]
        if char in b"\"'":
            close = packet.find(packet[pos : pos + 1], pos + 1)
            pos = size if close < 0 else close + 1
            continue
        if packet.startswith(b"<!--", pos):
            close = packet.find(b"-->", pos + 4)
            pos = size if close < 0 else close + 3
            continue
        if char == 0x5B:  # [
            depth += 1
        elif char == 0x5D:  # ]
            depth = max(depth - 1, 0)
        elif char == 0x3E and depth == 0:  # >
            return pos + 1
        pos += 1
    return size


def _walk(root: ET.Element, facts: XmpFacts) -> None:
    for element in root.iter():
        for attribute, value in element.attrib.items():
            name = _property_name(attribute)
            if name:
                facts.add(name, [value], "attribute")
        name = _property_name(element.tag)
        if name:
            facts.add(name, _element_values(element), "element")


def _property_name(qualified: Any) -> str | None:
    if not isinstance(qualified, str) or not qualified.startswith("{"):
        return None
    namespace, _, local = qualified[1:].partition("}")
    return _PROPERTIES.get((_namespace_key(namespace), local))


def _element_values(element: ET.Element) -> list[str]:
    """Values of an XMP property element: simple text, rdf:resource, or the items of a Bag/Seq/Alt."""
    resource = element.get(RDF + "resource")
    if resource is not None:
        return [resource]
    items = [
        item.get(RDF + "resource") or (item.text or "")
        for container in element
        if container.tag in (RDF + "Bag", RDF + "Seq", RDF + "Alt")
        for item in container
        if item.tag == RDF + "li"
    ]
    if items:
        return [item.strip() for item in items if item.strip()]
    value = element.find(RDF + "value")
    text = value.text if value is not None else element.text
    return [text.strip()] if text and text.strip() else []


_FALLBACK_TC260 = re.compile(
    r"<(?P<p>[\w.-]+):AIGC>(?P<element>.*?)</(?P=p):AIGC>|[\w.-]+:AIGC\s*=\s*'(?P<attribute>[^']*)'", re.S
)
_FALLBACK_DST = re.compile(
    r"DigitalSourceType\b[^>]{0,40}?(https?://cv\.iptc\.org/newscodes/digitalsourcetype/\w+)"
)


def _fallback_scan(text: str, facts: XmpFacts) -> None:
    """Best effort for broken packets, e.g. an attribute holding raw JSON quotes."""
    if "tc260.org.cn" in text:
        for match in _FALLBACK_TC260.finditer(text):
            form = "element" if match.group("element") is not None else "attribute"
            facts.tc260_values.append((form, match.group("element") or match.group("attribute") or ""))
        raw_attribute = re.search(r':AIGC\s*=\s*"(\{.*?\})"(?=\s|/?>)', text, re.S)
        if raw_attribute and not facts.tc260_values:
            facts.tc260_values.append(("attribute", raw_attribute.group(1)))
    facts.digital_source_types.extend(match.group(1) for match in _FALLBACK_DST.finditer(text))
