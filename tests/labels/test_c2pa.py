"""C2PA through c2pa-python: AI source types in any manifest, validation, tampering, trust, no network."""

from __future__ import annotations

import time
from collections.abc import Callable

import c2pa
import pytest

from labels import samples, source_types
from labels.c2pa_manifest import C2paInfo, is_integrity_failure
from labels.engine import InspectOptions, inspect_bytes, inspect_file
from labels.report import MediaReport

from .conftest import CORPUS, SigningCertificate

Inspect = Callable[..., MediaReport]
IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"


def signed_jpeg(
    certificate: SigningCertificate, source_type: str = IPTC + "trainedAlgorithmicMedia"
) -> bytes:
    return samples.sign_c2pa(
        samples.image_bytes(),
        "image/jpeg",
        cert_pem=certificate.cert_pem,
        key_pem=certificate.key_pem,
        source_type=source_type,
    )


def test_it_reads_an_ai_source_type_in_the_active_manifest(inspect: Inspect) -> None:
    report = inspect((CORPUS / "generated" / "c2pa_trainedAlgorithmicMedia.jpg").read_bytes())

    assert report.tier == "confirmed"
    assert report.c2pa is not None
    assert report.c2pa.to_json() == {
        "manifests": 1,
        "validation_state": "Valid",
        "ai_source_types": ["trainedAlgorithmicMedia"],
        "codes": ["signingCredential.untrusted"],
    }
    assert [signal.detail for signal in report.signals] == [
        'C2PA manifest "urn:c2pa:1ab39bca-dedc-4c3b-a0e7-36654e202ff3" (active) action c2pa.created says '
        "digitalSourceType trainedAlgorithmicMedia"
    ]


def test_it_finds_an_ai_source_type_that_only_an_ingredient_manifest_declares(
    inspect: Inspect, certificate: SigningCertificate
) -> None:
    parent = signed_jpeg(certificate)
    child = samples.sign_c2pa(
        samples.image_bytes(color=(10, 10, 10)),
        "image/jpeg",
        cert_pem=certificate.cert_pem,
        key_pem=certificate.key_pem,
        parent=(parent, "image/jpeg"),
    )

    report = inspect(child)

    assert report.c2pa is not None
    active = [action for action in report.c2pa.actions if action.active]
    assert [action.action for action in active] == ["c2pa.opened"]
    assert report.tier == "confirmed"
    assert report.c2pa.manifests == 2
    assert report.c2pa.ai_source_types == ["trainedAlgorithmicMedia"]
    assert len(report.signals) == 1
    assert (
        "(ingredient) action c2pa.created says digitalSourceType trainedAlgorithmicMedia"
        in report.signals[0].detail
    )
    assert report.c2pa.ingredients[0]["relationship"] == "parentOf"


@pytest.mark.parametrize(
    ("source_type", "tier", "ai_source_types"),
    [
        (IPTC + "trainedAlgorithmicMedia", "confirmed", ["trainedAlgorithmicMedia"]),
        (
            IPTC + "compositeWithTrainedAlgorithmicMedia",
            "confirmed",
            ["compositeWithTrainedAlgorithmicMedia"],
        ),
        (IPTC + "compositeSynthetic", "confirmed", ["compositeSynthetic"]),
        ("http://c2pa.org/digitalsourcetype/trainedAlgorithmicData", "confirmed", ["trainedAlgorithmicData"]),
        (IPTC + "algorithmicMedia", "none", []),
        (IPTC + "digitalCapture", "none", []),
        (IPTC + "composite", "none", []),
    ],
)
def test_it_tells_ai_source_types_from_the_others(
    source_type: str, tier: str, ai_source_types: list[str], inspect: Inspect, certificate: SigningCertificate
) -> None:
    report = inspect(signed_jpeg(certificate, source_type=source_type))

    assert report.tier == tier
    assert report.c2pa is not None
    assert report.c2pa.ai_source_types == ai_source_types
    assert [claim.uri for claim in report.c2pa.source_type_claims] == [source_type]


def test_it_strips_the_leading_space_some_writers_put_in_the_uri(inspect: Inspect) -> None:
    report = inspect((CORPUS / "c2pa-rs" / "C_with_CAWG_data.jpg").read_bytes())

    assert report.c2pa is not None
    assert [claim.uri for claim in report.c2pa.source_type_claims] == [IPTC + "digitalCapture"]


def test_it_calls_a_file_altered_after_signing_tampered_and_keeps_its_ai_claim(inspect: Inspect) -> None:
    report = inspect((CORPUS / "generated" / "c2pa_tampered.jpg").read_bytes())

    assert report.tampered is True
    assert report.tier == "confirmed"
    assert report.c2pa is not None
    assert report.c2pa.validation_state == "Invalid"
    assert report.c2pa.tamper_codes == ["assertion.dataHash.mismatch"]


def test_it_does_not_call_an_untrusted_signer_tampering(inspect: Inspect) -> None:
    report = inspect((CORPUS / "real" / "firefly-1.png").read_bytes())

    assert report.tampered is False
    assert report.c2pa is not None
    assert report.c2pa.signer_trust == "untrusted"
    assert report.c2pa.codes == ["signingCredential.untrusted"]


def test_it_trusts_the_test_signer_when_its_root_is_a_trust_anchor(trusted: InspectOptions) -> None:
    report = inspect_file(CORPUS / "generated" / "c2pa_trainedAlgorithmicMedia.png", options=trusted)

    assert report.c2pa is not None
    assert report.c2pa.validation_state == "Trusted"
    assert report.c2pa.signer_trust == "trusted"
    assert report.c2pa.codes == []


@pytest.mark.parametrize(
    ("codes", "state", "trust"),
    [
        (["signingCredential.expired"], "Valid", "expired"),
        (["signingCredential.untrusted", "assertion.dataHash.mismatch"], "Invalid", "untrusted"),
        ([], "Trusted", "trusted"),
        ([], "Valid", "valid"),
    ],
)
def test_it_names_the_signer_trust_state(codes: list[str], state: str, trust: str) -> None:

    assert C2paInfo(location="test", validation_state=state, codes=codes).signer_trust == trust


@pytest.mark.parametrize(
    ("code", "tampering"),
    [
        ("assertion.dataHash.mismatch", True),
        ("assertion.hashedURI.mismatch", True),
        ("assertion.bmffHash.mismatch", True),
        ("assertion.boxesHash.mismatch", True),
        ("claimSignature.mismatch", True),
        ("signingCredential.untrusted", False),
        ("signingCredential.expired", False),
        ("ingredient.unknownProvenance", False),
    ],
)
def test_it_counts_only_integrity_failures_as_tampering(code: str, tampering: bool) -> None:

    assert is_integrity_failure(code) is tampering


def test_it_records_a_store_the_reader_rejects_instead_of_crashing(inspect: Inspect) -> None:
    report = inspect((CORPUS / "c2pa-rs" / "prerelease.jpg").read_bytes())

    assert report.tier == "none"
    assert report.c2pa is not None
    assert report.c2pa.to_json() == {
        "manifests": 0,
        "validation_state": None,
        "ai_source_types": [],
        "codes": [],
    }
    assert report.errors == ["C2PA manifest store could not be read: Other: prerelease content detected"]


def test_it_records_a_remote_manifest_without_fetching_it(inspect: Inspect) -> None:
    started = time.perf_counter()
    report = inspect((CORPUS / "c2pa-rs" / "cloud.jpg").read_bytes())

    assert time.perf_counter() - started < 1.0
    assert report.c2pa is None
    assert report.c2pa_remote_url == (
        "https://cai-manifests.adobe.com/manifests/adobe-urn-uuid-5f37e182-3687-462e-a7fb-573462780391"
    )
    assert report.errors == []


def test_it_never_runs_the_reader_on_files_without_a_manifest_store(
    monkeypatch: pytest.MonkeyPatch, untrusted: InspectOptions
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the C2PA Reader ran on a file without a manifest store")

    monkeypatch.setattr(c2pa, "Reader", refuse)
    # "c2pa" bytes alone, without a JUMBF box, are not a manifest store
    lookalike = samples.jpeg_with(samples.image_bytes(), segments=[(0xEB, b"JP c2pa but no box")])

    for data in (lookalike, (CORPUS / "generated" / "plain.jpg").read_bytes(), samples.image_bytes("PNG")):
        assert inspect_bytes(data, options=untrusted).c2pa is None


def test_it_reads_the_actions_with_their_parameters_and_agents(inspect: Inspect) -> None:
    report = inspect((CORPUS / "c2pa-rs" / "CA.jpg").read_bytes())

    assert report.c2pa is not None
    assert [(a.action, a.parameters.get("name")) for a in report.c2pa.actions] == [
        ("c2pa.opened", None),
        ("c2pa.color_adjustments", "brightnesscontrast"),
    ]
    assert report.c2pa.claim_generator == "make_test_images/0.33.1 c2pa-rs/0.33.1"
    assert report.c2pa.issuer == "C2PA Test Signing Cert"


@pytest.mark.parametrize(
    ("uri", "is_ai"),
    [
        (IPTC + "trainedAlgorithmicMedia", True),
        ("https://cv.iptc.org/newscodes/digitalsourcetype/compositeSynthetic", True),
        (" " + IPTC + "compositeWithTrainedAlgorithmicMedia", True),
        ("trainedAlgorithmicMedia", True),
        ("http://c2pa.org/digitalsourcetype/trainedAlgorithmicData", True),
        (IPTC + "trainedAlgorithmicData", False),
        (IPTC + "algorithmicMedia", False),
        ("http://example.com/trainedAlgorithmicMedia", False),
    ],
)
def test_it_knows_which_source_type_uris_mean_ai(uri: str, is_ai: bool) -> None:
    assert source_types.is_ai(uri) is is_ai


@pytest.mark.parametrize(
    ("data", "media_type", "location"),
    [
        (samples.gif_with(comment="x"), "image/gif", "GIF C2PA application extension"),
        ((CORPUS / "av" / "mp3_plain.mp3").read_bytes(), "audio/mpeg", "ID3v2.4 GEOB frame"),
        (samples.webp_with(), "image/webp", "WebP C2PA chunk"),
        (samples.image_bytes("PNG"), "image/png", "PNG caBX chunk"),
    ],
)
def test_it_finds_manifest_stores_in_gif_mp3_webp_and_png(
    data: bytes, media_type: str, location: str, inspect: Inspect, certificate: SigningCertificate
) -> None:
    signed = samples.sign_c2pa(data, media_type, cert_pem=certificate.cert_pem, key_pem=certificate.key_pem)

    report = inspect(signed)

    assert report.c2pa is not None
    assert (report.media_type, report.c2pa.location, report.tier) == (media_type, location, "confirmed")
    assert report.errors == []
