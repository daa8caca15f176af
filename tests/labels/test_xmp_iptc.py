"""XMP: IPTC digital source type in every form, IPTC 2025.1 AI fields, model release, safe parsing."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from labels import samples
from labels.report import MediaReport
from labels.xmp import parse_xmp

Inspect = Callable[..., MediaReport]
TRAINED = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"


@pytest.mark.parametrize("form", ["attribute", "element", "resource"])
@pytest.mark.parametrize("prefix", ["Iptc4xmpExt", "iptcExt", "ns1"])
@pytest.mark.parametrize("https_namespace", [False, True])
def test_it_reads_the_digital_source_type_under_any_prefix_and_form(
    form: str, prefix: str, https_namespace: bool, inspect: Inspect
) -> None:
    xmp = samples.dst_xmp(form=form, prefix=prefix, https_namespace=https_namespace)

    report = inspect(samples.jpeg_with(samples.image_bytes(), xmp=xmp))

    assert report.tier == "confirmed"
    assert [item.uri for item in report.iptc_source_types] == [TRAINED]
    assert [signal.to_json() for signal in report.signals] == [
        {
            "source": "iptc",
            "detail": "XMP Iptc4xmpExt:DigitalSourceType (JPEG APP1) is trainedAlgorithmicMedia",
        }
    ]


def test_it_accepts_https_value_uris(inspect: Inspect) -> None:
    report = inspect(samples.jpeg_with(samples.image_bytes(), xmp=samples.dst_xmp(https_value=True)))

    assert report.tier == "confirmed"
    assert [item.uri for item in report.iptc_source_types] == [TRAINED.replace("http:", "https:")]


@pytest.mark.parametrize("code", ["digitalCapture", "algorithmicMedia", "composite", "humanEdits"])
def test_it_records_non_ai_source_types_without_a_signal(code: str, inspect: Inspect) -> None:
    report = inspect(samples.png_with(samples.image_bytes("PNG"), xmp=samples.dst_xmp(code, form="element")))

    assert report.tier == "none"
    assert [item.uri for item in report.iptc_source_types] == [
        "http://cv.iptc.org/newscodes/digitalsourcetype/" + code
    ]
    assert report.signals == []


def test_it_reads_xmp_in_webp_and_gif(inspect: Inspect) -> None:
    webp = inspect(samples.webp_with(xmp=samples.dst_xmp()))
    gif = inspect(samples.gif_with(xmp=samples.dst_xmp(), comment="made by hand"))

    assert (webp.media_type, webp.tier) == ("image/webp", "confirmed")
    assert (gif.media_type, gif.tier) == ("image/gif", "confirmed")
    assert gif.signals[0].detail == (
        "XMP Iptc4xmpExt:DigitalSourceType (GIF XMP application extension) is trainedAlgorithmicMedia"
    )


def test_it_reads_the_iptc_ai_system_fields_as_a_suspected_signal(inspect: Inspect) -> None:
    elements = (
        "<Iptc4xmpExt:AISystemUsed>Midjourney</Iptc4xmpExt:AISystemUsed>"
        "<Iptc4xmpExt:AISystemVersionUsed>6.1</Iptc4xmpExt:AISystemVersionUsed>"
        "<Iptc4xmpExt:AIPromptInformation><rdf:Alt><rdf:li xml:lang='x-default'>a fox</rdf:li></rdf:Alt>"
        "</Iptc4xmpExt:AIPromptInformation>"
        "<Iptc4xmpExt:AIPromptWriterName>Alice</Iptc4xmpExt:AIPromptWriterName>"
    )
    xmp = samples.xmp_packet(namespaces={"Iptc4xmpExt": samples.NS_IPTC_EXT}, elements=elements)

    report = inspect(samples.jpeg_with(samples.image_bytes(), xmp=xmp))

    assert report.tier == "suspected"
    assert report.ai_system == {
        "AISystemUsed": ["Midjourney"],
        "AISystemVersionUsed": ["6.1"],
        "AIPromptInformation": ["a fox"],
        "AIPromptWriterName": ["Alice"],
    }
    assert {signal.source for signal in report.signals} == {"iptc_ai_system"}
    assert report.signals[0].detail == 'XMP Iptc4xmpExt:AISystemUsed is "Midjourney"'


def test_it_reads_the_model_release_fields(inspect: Inspect) -> None:
    elements = (
        '<plus:ModelReleaseStatus rdf:resource="http://ns.useplus.org/ldf/vocab/MR-NON"/>'
        "<plus:ModelReleaseID><rdf:Bag><rdf:li>MR-1</rdf:li><rdf:li>MR-2</rdf:li></rdf:Bag></plus:ModelReleaseID>"
        "<plus:MinorModelAgeDisclosure>http://ns.useplus.org/ldf/vocab/AG-A25</plus:MinorModelAgeDisclosure>"
        "<Iptc4xmpExt:PersonInImage><rdf:Bag><rdf:li>Jane Doe</rdf:li></rdf:Bag></Iptc4xmpExt:PersonInImage>"
    )
    xmp = samples.xmp_packet(
        namespaces={"plus": samples.NS_PLUS, "Iptc4xmpExt": samples.NS_IPTC_EXT}, elements=elements
    )

    report = inspect(samples.jpeg_with(samples.image_bytes(), xmp=xmp))

    assert report.model_release == {
        "ModelReleaseStatus": ["http://ns.useplus.org/ldf/vocab/MR-NON"],
        "ModelReleaseID": ["MR-1", "MR-2"],
        "MinorModelAgeDisclosure": ["http://ns.useplus.org/ldf/vocab/AG-A25"],
        "PersonInImage": ["Jane Doe"],
    }
    assert report.tier == "none"


def test_it_refuses_entity_expansion_and_records_it() -> None:
    doctype = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">' for n in range(1, 10)).replace(
            "&lol0;", "&lol;"
        )
        + "]>"
    )
    xmp = samples.xmp_packet(
        namespaces={"Iptc4xmpExt": samples.NS_IPTC_EXT},
        elements="<Iptc4xmpExt:AISystemUsed>&lol9;</Iptc4xmpExt:AISystemUsed>",
        doctype=doctype,
    )

    facts = parse_xmp(xmp, "JPEG APP1")

    assert facts.errors == [
        "XMP in JPEG APP1 declares a DTD with 10 entities (lol, lol1, lol2, lol3, lol4); "
        "the declaration was cut out and entity references left unexpanded"
    ]
    assert [(p.kind, p.reason, p.params["entity_count"]) for p in facts.problems] == [
        ("unsafe", "xml_dtd", 10)
    ]
    assert facts.ai_system == {}


def test_it_falls_back_to_a_scan_when_the_xmp_is_not_well_formed() -> None:
    # An attribute holding raw JSON quotes: not XML, but seen from careless writers.
    broken = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description xmlns:TC260="http://www.tc260.org.cn/ns/AIGC/1.0/" '
        b'TC260:AIGC="{"AIGC":{"Label":"1"}}"/></rdf:RDF></x:xmpmeta>'
    )

    facts = parse_xmp(broken, "JPEG APP1")

    assert facts.tc260_values == [("attribute", '{"AIGC":{"Label":"1"}}')]
    assert len(facts.errors) == 1
    assert facts.errors[0].startswith("XMP in JPEG APP1 is not well-formed XML")


def test_it_skips_packets_that_hold_nothing_it_reads() -> None:
    xmp = samples.xmp_packet(
        namespaces={"dc": "http://purl.org/dc/elements/1.1/"}, attributes={"dc:format": "x"}
    )

    facts = parse_xmp(xmp + b"<unclosed", "JPEG APP1")

    assert facts.errors == []
    assert facts.digital_source_types == []


def test_it_reads_a_remote_manifest_reference_from_dcterms_provenance() -> None:
    xmp = samples.xmp_packet(
        namespaces={"dcterms": "http://purl.org/dc/terms/"},
        attributes={"dcterms:provenance": "https://x.test/m"},
    )

    assert parse_xmp(xmp, "PNG iTXt").provenance_urls == ["https://x.test/m"]
