"""XMP packets: IPTC digital source type, IPTC 2025.1 AI fields, model release, TC260 labels.

Packets are parsed with defusedxml (entity declarations refused). Properties are matched by
namespace URI, not prefix, so ``iptcExt:DigitalSourceType`` counts as much as
``Iptc4xmpExt:DigitalSourceType``; ``http`` and ``https`` namespace forms are both accepted. A packet
that is not well-formed XML gets a narrow regex fallback for the TC260 label and the source type.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

import defusedxml
import defusedxml.ElementTree as SafeET

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

    def add(self, name: str, values: list[str], form: str) -> None:
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
    if not any(marker in packet for marker in _RELEVANT_BYTES):
        return facts  # nothing we read can be in it: skip the XML parse
    try:
        root = SafeET.fromstring(packet, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException as error:
        facts.errors.append(
            f"XMP in {where} refused: it declares XML entities or a DTD ({type(error).__name__})"
        )
        return facts
    except ET.ParseError as error:
        facts.errors.append(f"XMP in {where} is not well-formed XML ({error}); read with a fallback scan")
        _fallback_scan(packet.decode("utf-8", errors="replace"), facts)
        return facts
    _walk(root, facts)
    return facts


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
