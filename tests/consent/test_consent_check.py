"""The consent check (R22-R25) inside the pipeline: when it is needed, one blocking finding per person
without consent, a warning for a face edit nobody declared, and model-release metadata as information."""

from pathlib import Path
from typing import Any

import pytest

from accounts.models import User
from labels import samples, source_types
from moderation.intake.services import PersonInput
from moderation.models import Finding, Relation, RunStatus
from moderation.pipeline.checks import get_check
from tests.consent.builders import latest_consent_run, needing_consent, person_key
from tests.media_samples import upload

CERTS = Path(__file__).resolve().parents[1] / "fixtures" / "media" / "corpus" / "certs"


def face_swap_jpeg(release: str | None = None) -> bytes:
    """A JPEG whose C2PA manifest records a face swap, optionally with an IPTC model-release status."""
    image = samples.image_bytes()
    if release:
        xmp = samples.xmp_packet(
            namespaces={"plus": samples.NS_PLUS},
            elements=f'<plus:ModelReleaseStatus rdf:resource="{release}"/>',
        )
        image = samples.jpeg_with(image, xmp=xmp)
    return samples.sign_c2pa(
        image,
        "image/jpeg",
        cert_pem=(CERTS / "es256.pub").read_bytes(),
        key_pem=(CERTS / "es256.pem").read_bytes(),
        actions=[
            {"action": "c2pa.created", "digitalSourceType": source_types.TRAINED_ALGORITHMIC_MEDIA},
            {"action": "c2pa.edited", "description": "Face swap with the uploaded portrait"},
        ],
    )


def findings(submission: Any) -> list[tuple[str, str, str]]:
    run = latest_consent_run(submission)
    return list(Finding.objects.filter(run=run).order_by("id").values_list("code", "severity", "rule"))


def test_it_has_a_new_version() -> None:
    assert get_check("consent").version == "1.1"


def test_it_passes_and_says_why_when_consent_is_not_needed(alice: User, run_commit_hooks: Any) -> None:
    submission = needing_consent(
        alice, run_commit_hooks, declared_ai=False, categories=[], no_real_person=True, persons=[]
    )

    run = latest_consent_run(submission)
    assert run.status == RunStatus.PASSED
    assert run.summary == (
        "Not required: no face, voice or body synthesis declared, no other real person depicted and no face "
        "or voice edit in the files"
    )
    assert run.result["required"] is False


@pytest.mark.parametrize(
    ("overrides", "reasons", "kinds"),
    [
        (
            {"categories": ["voice_synthesis"], "persons": [PersonInput("Alice", Relation.SELF)]},
            ["biometric_category"],
            ["voice"],
        ),
        (
            {"categories": ["body_manipulation"], "persons": [PersonInput("Alice", Relation.SELF)]},
            ["biometric_category"],
            ["body"],
        ),
        ({"categories": [], "declared_ai": False}, ["other_person"], []),
        ({"categories": ["face_generation"]}, ["biometric_category", "other_person"], ["face"]),
    ],
)
def test_it_is_needed_for_biometric_categories_and_other_persons(
    alice: User, run_commit_hooks: Any, overrides: dict, reasons: list[str], kinds: list[str]
) -> None:
    submission = needing_consent(alice, run_commit_hooks, **overrides)

    run = latest_consent_run(submission)
    assert run.status == RunStatus.FAILED
    assert (run.result["reasons"], run.result["kinds"]) == (reasons, kinds)


def test_it_blocks_once_per_person_without_consent(alice: User, run_commit_hooks: Any) -> None:
    submission = needing_consent(
        alice,
        run_commit_hooks,
        persons=[
            PersonInput("Carol Chen", Relation.OTHER, email="carol@example.com"),
            PersonInput("Dan Deng", Relation.PUBLIC_FIGURE),
        ],
    )

    run = latest_consent_run(submission)
    assert run.status == RunStatus.FAILED
    assert run.summary == (
        "Consent missing for 2 of 2 person(s) (a face, voice or body synthesis category is declared; another "
        "real person is depicted)"
    )
    carol, dan = Finding.objects.filter(run=run).order_by("id")
    assert (carol.code, carol.severity, carol.rule) == ("consent_missing", "blocking", "R23")
    assert (
        carol.message
        == "Carol Chen (another real person) has no valid consent: no consent request has been sent."
    )
    assert carol.evidence == {
        "person_key": person_key(submission),
        "state": "not_requested",
        "name": "Carol Chen",
        "relation": "other",
        "kinds": ["face"],
    }
    assert dan.message == "Dan Deng (a public figure) has no valid consent: no consent request has been sent."
    submission.refresh_from_db()
    assert submission.consent_missing is True
    assert submission.has_blocking_findings is True


def test_it_blocks_when_the_files_edit_a_face_but_no_real_person_is_declared(
    alice: User, run_commit_hooks: Any
) -> None:
    submission = needing_consent(
        alice,
        run_commit_hooks,
        categories=[],
        no_real_person=True,
        persons=[],
        files=[upload("swap.jpg", face_swap_jpeg())],
    )

    run = latest_consent_run(submission)
    assert run.status == RunStatus.FAILED
    assert run.result["reasons"] == ["c2pa_edit"]
    assert run.result["kinds"] == ["face"]
    undeclared, uncovered = Finding.objects.filter(run=run).order_by("id")
    assert (undeclared.code, undeclared.severity, undeclared.rule) == (
        "consent_person_undeclared",
        "blocking",
        "R22",
    )
    assert undeclared.message == (
        "The files' C2PA data records a face or voice edit (c2pa.edited), but the contributor names no "
        "depicted person and did not state that the person is fictional."
    )
    assert (uncovered.code, uncovered.severity) == ("consent_edit_undeclared", "blocking")
    assert uncovered.message == (
        "The files' C2PA data records a face edit (c2pa.edited), but no face or voice synthesis category "
        "covering it is declared."
    )


def test_a_face_edit_in_the_files_makes_consent_needed(alice: User, run_commit_hooks: Any) -> None:
    submission = needing_consent(
        alice,
        run_commit_hooks,
        categories=["face_swap"],
        persons=[PersonInput("Alice Liddell", Relation.SELF)],
        files=[upload("swap.jpg", face_swap_jpeg())],
    )

    run = latest_consent_run(submission)
    assert run.result["reasons"] == ["biometric_category", "c2pa_edit"]
    assert findings(submission) == [("consent_missing", "blocking", "R23")]


def test_it_reports_model_release_metadata_as_information(alice: User, run_commit_hooks: Any) -> None:
    submission = needing_consent(
        alice,
        run_commit_hooks,
        files=[upload("swap.jpg", face_swap_jpeg("http://ns.useplus.org/ldf/vocab/MR-NON"))],
    )

    run = latest_consent_run(submission)
    release = Finding.objects.get(run=run, code="model_release_metadata")
    assert (release.severity, release.rule) == ("info", "R25")
    assert release.message == (
        'File "swap.jpg" carries IPTC model-release metadata (ModelReleaseStatus: '
        "http://ns.useplus.org/ldf/vocab/MR-NON). It says there is no model release, yet consent is needed. "
        "This is information only: it does not replace separate consent."
    )
    assert release.evidence == {
        "path": "swap.jpg",
        "fields": {"ModelReleaseStatus": ["http://ns.useplus.org/ldf/vocab/MR-NON"]},
    }
