"""Findings: every code with its severity, rule, plain-words message and evidence."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from labels import findings, samples, source_types
from labels.findings import FindingSpec, biometric_edit_actions, evaluate, model_release_info
from labels.marks import MARKS_VERSION
from labels.report import MediaReport

from .conftest import CORPUS, SigningCertificate

Inspect = Callable[..., MediaReport]


def corpus(inspect: Inspect, relative_path: str) -> MediaReport:
    return inspect((CORPUS / relative_path).read_bytes(), name=relative_path)


def only(found: list[FindingSpec], code: str) -> FindingSpec:
    matching = [finding for finding in found if finding.code == code]
    assert len(matching) == 1, [finding.code for finding in found]
    return matching[0]


def codes(found: list[FindingSpec]) -> list[str]:
    return [finding.code for finding in found]


def test_it_blocks_a_declaration_that_contradicts_a_c2pa_label(inspect: Inspect) -> None:
    report = corpus(inspect, "generated/c2pa_trainedAlgorithmicMedia.jpg")

    finding = only(evaluate([report], declared_ai=False, categories=[]), "declaration_contradicts_metadata")

    assert (finding.severity, finding.rule) == ("blocking", "R02")
    assert finding.message == (
        'File "generated/c2pa_trainedAlgorithmicMedia.jpg": C2PA manifest '
        '"urn:c2pa:1ab39bca-dedc-4c3b-a0e7-36654e202ff3" (active) action c2pa.created says digitalSourceType '
        "trainedAlgorithmicMedia, but the contributor declared no AI"
    )
    assert finding.evidence["signals"][0]["source"] == "c2pa"


def test_it_accepts_the_declaration_when_it_matches_the_label(inspect: Inspect) -> None:
    report = corpus(inspect, "generated/c2pa_trainedAlgorithmicMedia.jpg")

    found = evaluate([report], declared_ai=True, categories=[])

    assert codes(found) == ["c2pa_signer_untrusted", "ai_label_found"]
    assert only(found, "ai_label_found").rule == "R02"


@pytest.mark.parametrize(
    ("relative_path", "rule"), [("generated/xmp_dst_ai.png", "R04"), ("tc260/tc260_png_text.png", "R06")]
)
def test_it_names_the_rule_of_the_label_that_contradicts(
    relative_path: str, rule: str, inspect: Inspect
) -> None:
    found = evaluate([corpus(inspect, relative_path)], declared_ai=False, categories=[])

    assert codes(found) == ["ai_label_found", "declaration_contradicts_metadata"]
    assert [finding.rule for finding in found] == [rule, rule]


def test_it_warns_when_only_traces_suggest_undeclared_ai(inspect: Inspect) -> None:
    found = evaluate([corpus(inspect, "generated/sd_parameters.png")], declared_ai=False, categories=[])

    assert codes(found) == ["generator_trace", "suspected_ai_undeclared"]
    assert [(f.severity, f.rule) for f in found] == [("info", "R09"), ("warning", "R11")]
    assert found[0].message == (
        'File "generated/sd_parameters.png": PNG tEXt parameters holds "a red fox in snow Negative '
        "prompt: blurry "
        'Steps: 20, Sampler: Euler a, CFG scal…", a trace of AUTOMATIC1111 Stable Diffusion web UI (or a '
        "fork)"
    )


def test_it_blocks_a_tampered_manifest(inspect: Inspect) -> None:
    finding = only(
        evaluate([corpus(inspect, "c2pa-rs/XCA.jpg")], declared_ai=False, categories=[]), "c2pa_tampered"
    )

    assert (finding.severity, finding.rule) == ("blocking", "R03")
    assert finding.message == (
        'C2PA manifest "contentauth:urn:uuid:c2677d4b-0a93-4444-876f-ed2f2d40b8cf" (active) of '
        '"c2pa-rs/XCA.jpg" '
        "reports assertion.dataHash.mismatch: the file was altered after signing"
    )
    assert finding.evidence["codes"] == ["assertion.dataHash.mismatch"]


def test_it_notes_an_untrusted_signer_without_doubting_the_claim(inspect: Inspect) -> None:
    found = evaluate([corpus(inspect, "real/firefly-1.png")], declared_ai=True, categories=[])

    finding = only(found, "c2pa_signer_untrusted")
    assert (finding.severity, finding.rule) == ("info", "R03")
    assert finding.message == (
        'C2PA manifest "urn:uuid:9935f65b-957e-4f83-b43f-f4b10098d7fe" (active) of "real/firefly-1.png" '
        "is signed "
        'by "Adobe Inc." (Adobe Firefly C2PA), whose certificate is untrusted; its AI claim still stands'
    )
    assert "c2pa_tampered" not in codes(found)


def test_it_warns_about_an_unreadable_manifest_store(inspect: Inspect) -> None:
    finding = only(
        evaluate([corpus(inspect, "c2pa-rs/prerelease.jpg")], declared_ai=False, categories=[]),
        "c2pa_unreadable",
    )

    assert (finding.severity, finding.rule) == ("warning", "R01")
    assert finding.evidence == {
        "path": "c2pa-rs/prerelease.jpg",
        "location": "JPEG APP11 JUMBF",
        "error": "C2PA manifest store could not be read: Other: prerelease content detected",
    }


def test_it_notes_a_remote_manifest_it_did_not_fetch(inspect: Inspect) -> None:
    finding = only(
        evaluate([corpus(inspect, "c2pa-rs/cloud.jpg")], declared_ai=False, categories=[]),
        "c2pa_remote_manifest",
    )

    assert (finding.severity, finding.rule) == ("info", "R01")
    assert finding.evidence["url"].startswith("https://cai-manifests.adobe.com/manifests/")


def test_it_warns_when_the_xmp_names_an_embedded_manifest_that_is_gone(inspect: Inspect) -> None:
    # c2pa-rs no_manifest.jpg keeps the XMP of a signed file whose manifest store was cut out
    found = evaluate([corpus(inspect, "c2pa-rs/no_manifest.jpg")], declared_ai=False, categories=[])

    assert [(f.code, f.severity, f.rule) for f in found] == [("c2pa_manifest_missing", "warning", "R01")]
    assert found[0].evidence["url"].startswith("self#jumbf=/c2pa/adobe:urn:uuid:")


def test_it_blocks_two_labels(inspect: Inspect) -> None:
    found = evaluate([corpus(inspect, "tc260/tc260_two_labels.jpg")], declared_ai=True, categories=[])

    finding = only(found, "tc260_multiple")
    assert (finding.severity, finding.rule) == ("blocking", "R06")
    assert finding.message == (
        'File "tc260/tc260_two_labels.jpg" carries 2 GB 45438 implicit labels (XMP TC260:AIGC element '
        "(JPEG APP1), "
        "EXIF IFD0 UserComment); §6.1 c) allows one"
    )


def test_it_blocks_a_malformed_label_and_names_the_field(inspect: Inspect) -> None:
    data = samples.jpeg_with(
        samples.image_bytes(), xmp=samples.tc260_xmp(samples.tc260_json(samples.tc260_fields(1)))
    )

    finding = only(
        evaluate([inspect(data, name="a.jpg")], declared_ai=True, categories=[]), "tc260_malformed"
    )

    assert (finding.severity, finding.rule) == ("blocking", "R07")
    assert finding.message == (
        'GB 45438 label in XMP TC260:AIGC element (JPEG APP1) of "a.jpg" is malformed: Label must be the '
        "string "
        '"1", "2" or "3", found number 1'
    )


def test_it_warns_about_a_file_it_could_not_read(inspect: Inspect) -> None:
    finding = only(
        evaluate([inspect(b"", name="empty.jpg")], declared_ai=False, categories=[]), "file_unreadable"
    )

    assert (finding.severity, finding.message) == (
        "warning",
        'File "empty.jpg" could not be read completely: file is empty',
    )


def test_it_warns_when_an_article_17_category_is_chosen_without_declaring_ai() -> None:
    found = evaluate([], declared_ai=False, categories=["face_swap", "voice_synthesis"])

    finding = only(found, "conspicuous_label_required_undeclared")
    assert (finding.severity, finding.rule) == ("warning", "R12")
    assert finding.message == (
        "The contributor chose face swap (Art. 17(1)(3)); synthetic voice or voice imitation (Art. "
        "17(1)(2)), "
        "which needs a conspicuous AI label, but declared no AI"
    )
    assert evaluate([], declared_ai=True, categories=["face_swap"]) == []


def test_it_rejects_unknown_categories() -> None:
    with pytest.raises(ValueError, match="unknown categories: cartoon"):
        evaluate([], declared_ai=False, categories=["cartoon"])


def test_it_reads_the_iptc_ai_system_fields(inspect: Inspect) -> None:
    xmp = samples.xmp_packet(
        namespaces={"Iptc4xmpExt": samples.NS_IPTC_EXT},
        attributes={"Iptc4xmpExt:AISystemUsed": "Firefly Image 3"},
    )
    found = evaluate(
        [inspect(samples.jpeg_with(samples.image_bytes(), xmp=xmp), name="b.jpg")],
        declared_ai=True,
        categories=[],
    )

    finding = only(found, "iptc_ai_system_fields")
    assert (finding.severity, finding.rule) == ("info", "R05")
    assert finding.message == 'File "b.jpg": XMP Iptc4xmpExt:AISystemUsed is "Firefly Image 3"'


def test_it_finds_a_visible_ai_mark_in_the_text() -> None:
    found = evaluate([], declared_ai=False, categories=[], text="今天的配图由AI生成，仅供参考。")

    assert codes(found) == ["text_ai_mark", "suspected_ai_undeclared"]
    assert found[0].evidence == {"mark": "AI生成", "offset": 6, "marks_version": MARKS_VERSION}
    assert [f.rule for f in found] == ["R10", "R10"]
    assert evaluate([], declared_ai=False, categories=[], text="A plain report about rivers.") == []


def face_swap_report(inspect: Inspect, certificate: SigningCertificate, release: str | None) -> MediaReport:
    actions: list[dict[str, Any]] = [
        {"action": "c2pa.created", "digitalSourceType": source_types.TRAINED_ALGORITHMIC_MEDIA},
        {
            "action": "c2pa.edited",
            "description": "Face swap with the uploaded portrait",
            "softwareAgent": {"name": "SwapStudio"},
        },
        {
            "action": "c2pa.color_adjustments",
            "parameters": {"name": "brightness", "interface": "surface tool"},
        },
    ]
    image = samples.image_bytes()
    if release:
        xmp = samples.xmp_packet(
            namespaces={"plus": samples.NS_PLUS},
            elements=f'<plus:ModelReleaseStatus rdf:resource="{release}"/>',
        )
        image = samples.jpeg_with(image, xmp=xmp)
    signed = samples.sign_c2pa(
        image, "image/jpeg", cert_pem=certificate.cert_pem, key_pem=certificate.key_pem, actions=actions
    )
    return inspect(signed, name="swap.jpg")


def test_it_lists_the_c2pa_actions_that_edit_a_face_or_voice(
    inspect: Inspect, certificate: SigningCertificate
) -> None:
    report = face_swap_report(inspect, certificate, release=None)

    edits = biometric_edit_actions([report])

    assert [(edit["action"], edit["matched"]) for edit in edits] == [
        ("c2pa.edited", ["face", "portrait", "swap"])
    ]
    finding = only(evaluate([report], declared_ai=True, categories=[]), "biometric_edit")
    assert (finding.severity, finding.rule) == ("warning", "R22")


def test_it_flags_a_model_release_of_none_on_an_edited_face(
    inspect: Inspect, certificate: SigningCertificate
) -> None:
    report = face_swap_report(inspect, certificate, release="http://ns.useplus.org/ldf/vocab/MR-NON")

    assert model_release_info([report]) == [
        {"path": "swap.jpg", "fields": {"ModelReleaseStatus": ["http://ns.useplus.org/ldf/vocab/MR-NON"]}}
    ]
    finding = only(evaluate([report], declared_ai=True, categories=[]), "model_release_contradicts_edit")
    assert (finding.severity, finding.rule) == ("warning", "R25")


def test_it_catalogues_every_code_it_can_emit() -> None:
    assert set(findings.FINDING_CODES) == {
        "declaration_contradicts_metadata",
        "suspected_ai_undeclared",
        "conspicuous_label_required_undeclared",
        "ai_label_found",
        "iptc_ai_system_fields",
        "generator_trace",
        "text_ai_mark",
        "c2pa_tampered",
        "c2pa_signer_untrusted",
        "c2pa_unreadable",
        "c2pa_remote_manifest",
        "c2pa_manifest_missing",
        "tc260_multiple",
        "tc260_malformed",
        "file_unreadable",
        "biometric_edit",
        "model_release_contradicts_edit",
        "metadata_unsafe",
        "metadata_unreadable",
        "image_over_pixel_limit",
        "visible_ai_mark",
        "tc260_producer_code_invalid",
        "tc260_producer_denied",
    }
    assert {severity for severity, _, _ in findings.FINDING_CODES.values()} == {"info", "warning", "blocking"}


def test_it_evaluates_visible_marks_on_their_own() -> None:
    from labels.marks import find_marks
    from labels.report import SOURCE_VISIBLE_MARK, Signal

    report = MediaReport(path="poster.jpg", media_type="image/jpeg")
    report.marks = find_marks("豆包AI生成", where="image, bottom edge", generators=True)
    report.signals = [
        Signal(SOURCE_VISIBLE_MARK, 'image, bottom edge carries the AI mark "AI生成"', "suspected")
    ]

    found = findings.evaluate_visible([report], declared_ai=False)

    assert [(f.code, f.severity, f.rule) for f in found] == [
        ("visible_ai_mark", "info", "R10"),
        ("visible_ai_mark", "info", "R10"),
        ("declaration_contradicts_metadata", "blocking", "R10"),
    ]
    assert [f.evidence["kind"] for f in found[:2]] == ["gb45438", "generator"]
    assert found[1].evidence["generator"] == "Doubao"
    assert findings.evaluate_visible([report], declared_ai=True)[-1].code == "visible_ai_mark"
