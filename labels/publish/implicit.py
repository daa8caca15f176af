"""Implicit labels on publication: the one TC260 label, the IPTC source type, what else XMP carries.

Steps:
1. ``propagated_label`` keeps the source label's producer fields and sets the platform's
   propagation fields and the tier's ``Label``.
2. ``publication_xmp`` writes a fresh XMP packet: TC260:AIGC, Iptc4xmpExt:DigitalSourceType (when
   there is one to write) and the AI-system and model-release fields the source carried. Other XMP
   of the source is not copied: the original stays unmodified and is the C2PA ingredient.
3. ``exif_without_labels`` drops the EXIF fields that held a TC260 label, so exactly one remains.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from PIL import Image

from labels import source_types, tc260
from labels.report import MediaReport
from labels.tier import CONFIRMED, POSSIBLE, SUSPECTED
from labels.xmp import AI_SYSTEM_FIELDS, NS_IPTC_EXT, NS_PLUS, NS_TC260

TIER_LABEL_VALUES: dict[str, str] = {CONFIRMED: "1", POSSIBLE: "2", SUSPECTED: "3"}
_EXIF_TAGS = {"ImageDescription": 0x010E, "UserComment": 0x9286, "XPComment": 0x9C9C}
_EXIF_IFD = 0x8769


@dataclass
class PropagatedLabel:
    fields: dict[str, str]
    notes: list[str] = field(default_factory=list)


def propagated_label(report: MediaReport, tier: str, publisher_code: str, content_id: str) -> PropagatedLabel:
    """The single label the rendition carries (Measures Art. 6 last para.; GB 45438 Annex E; R13).

    Producer fields come from the source's first label with usable values; without one, the
    platform names itself producer (``ContentProducer`` = publisher code, ``ProduceID`` = content id),
    since both must be non-empty.
    """
    notes: list[str] = []
    source = next((label for label in report.tc260_labels if label.fields is not None), None)
    fields = {key: "" for key in tc260.LABEL_KEYS}
    fields.update(ContentProducer=publisher_code, ProduceID=content_id)
    if source is None:
        notes.append("the source had no implicit label: the publisher is recorded as ContentProducer")
    else:
        for key in ("ContentProducer", "ProduceID", "ReservedCode1"):
            value = source.field_text(key)
            if value and tc260.ALLOWED_VALUE.match(value):
                fields[key] = value
            elif value:
                notes.append(f"source {key} {value!r} breaks the GB 45438 character set and was replaced")
    fields.update(
        Label=TIER_LABEL_VALUES[tier],
        ContentPropagator=publisher_code,
        PropagateID=content_id,
        ReservedCode2="",
    )
    return PropagatedLabel(fields, notes)


def source_type_to_write(report: MediaReport, tier: str) -> str | None:
    """The IPTC DigitalSourceType of the rendition.

    confirmed: the source's own AI source type (XMP first, then C2PA), else trainedAlgorithmicMedia.
    possible / suspected: the source's XMP value if it had one (never stripped, R14), else none.
    IPTC has no "maybe AI" code, and writing an AI code would turn a "possibly" or "suspected"
    into a machine-readable certainty that every later reader (ours included) reads as confirmed;
    the TC260 Label "2"/"3" carries the uncertainty instead.
    """
    xmp_values = [item.uri for item in report.iptc_source_types]
    if tier == CONFIRMED:
        ai_values = [uri for uri in xmp_values if source_types.is_ai(uri)]
        if not ai_values and report.c2pa:
            ai_values = [claim.uri for claim in report.c2pa.ai_claims]
        if ai_values:
            return _iptc_uri(ai_values[0])
        return source_types.TRAINED_ALGORITHMIC_MEDIA
    return xmp_values[0] if xmp_values else None


def _iptc_uri(uri: str) -> str:
    """C2PA's trainedAlgorithmicData has no IPTC equivalent for media: write trainedAlgorithmicMedia."""
    if uri.startswith(source_types.C2PA_DST_BASES) or "/" not in uri:
        short = source_types.short_name(uri)
        code = short if short in source_types.IPTC_AI_CODES else "trainedAlgorithmicMedia"
        return source_types.IPTC_DST_BASES[0] + code
    return uri


def publication_xmp(label_json: str | None, source_type: str | None, report: MediaReport) -> bytes:
    """The rendition's XMP packet; without ``label_json`` it holds no TC260 label (audio and video
    carry theirs in the container's own metadata, and a file may hold only one)."""
    namespaces = {"Iptc4xmpExt": NS_IPTC_EXT, "TC260": NS_TC260, "plus": NS_PLUS}
    attributes = f" Iptc4xmpExt:DigitalSourceType={quoteattr(source_type)}" if source_type else ""
    elements = [f"<TC260:AIGC>{escape(label_json, {chr(34): '&quot;'})}</TC260:AIGC>"] if label_json else []
    for name, values in report.ai_system.items():
        if name in AI_SYSTEM_FIELDS and values:
            elements.append(f"<Iptc4xmpExt:{name}>{escape(values[0])}</Iptc4xmpExt:{name}>")
    for name, values in report.model_release.items():
        prefix = "Iptc4xmpExt" if name == "PersonInImage" else "plus"
        items = "".join(f"<rdf:li>{escape(value)}</rdf:li>" for value in values)
        if name in ("ModelReleaseStatus", "MinorModelAgeDisclosure") and values:
            elements.append(f"<{prefix}:{name} rdf:resource={quoteattr(values[0])}/>")
        elif values:
            elements.append(f"<{prefix}:{name}><rdf:Bag>{items}</rdf:Bag></{prefix}:{name}>")
    declarations = " ".join(f"xmlns:{prefix}={quoteattr(uri)}" for prefix, uri in namespaces.items())
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        f'<rdf:Description rdf:about="" {declarations}{attributes}>{"".join(elements)}</rdf:Description>'
        '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()


def exif_without_labels(image: Image.Image, report: MediaReport) -> bytes:
    """The source's EXIF minus the fields that held a TC260 label (orientation was already applied)."""
    exif = image.getexif()
    for label in report.tc260_labels:
        container, _, key = label.placement.rpartition(" ")
        tag = _EXIF_TAGS.get(key)
        if tag is None or not container.startswith("EXIF"):
            continue
        if container == "EXIF IFD0":
            exif.pop(tag, None)
        else:
            exif.get_ifd(_EXIF_IFD).pop(tag, None)
    return exif.tobytes() if len(exif) or exif.get_ifd(_EXIF_IFD) else b""


def xmp_worth_writing(source_type: str | None, report: MediaReport) -> bool:
    """Whether an audio or video rendition needs an XMP packet: a source type or fields to carry."""
    carried = any(values for name, values in report.ai_system.items() if name in AI_SYSTEM_FIELDS)
    return bool(source_type or carried or any(report.model_release.values()))
