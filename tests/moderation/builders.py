"""Submissions built through the real services, the way a contributor makes them."""

from typing import Any

from django.core.files.uploadedfile import UploadedFile

from accounts.models import User
from moderation.intake.services import (
    PersonInput,
    RevisionInput,
    submission_create,
    submission_submit,
)
from moderation.models import BIOMETRIC_SYNTHESIS, Relation, Submission
from tests.media_samples import image_bytes, upload

_counter = [0]


def revision_input(**overrides: Any) -> RevisionInput:
    values: dict[str, Any] = {
        "title": "A day at the lake",
        "body": "Photos from our trip.",
        "declared_ai": False,
        "region": "cn",
        "no_real_person": True,
    }
    values.update(overrides)
    # Where persons are depicted or a face or voice synthesised, the contributor ticks the consent
    # notice (R24); tests of the notice itself untick it.
    values.setdefault(
        "consent_notice_acknowledged",
        bool(values.get("persons")) or any(c in BIOMETRIC_SYNTHESIS for c in values.get("categories", [])),
    )
    return RevisionInput(**values)


def unique_image(fmt: str = "JPEG") -> UploadedFile:
    _counter[0] += 1
    n = _counter[0]
    return upload(
        f"photo-{n}.{fmt.lower()}", image_bytes(fmt, (64, 48), (n % 256, (n * 7) % 256, (n * 13) % 256))
    )


def draft(contributor: User, *, files: list[UploadedFile] | None = None, **overrides: Any) -> Submission:
    submission, outcome = submission_create(
        contributor=contributor, data=revision_input(**overrides), uploads=files if files is not None else []
    )
    assert not outcome.refused, outcome.refused
    return submission


def submitted(contributor: User, **kwargs: Any) -> Submission:
    submission = draft(contributor, **kwargs)
    submission_submit(submission=submission, actor=contributor)
    submission.refresh_from_db()
    return submission


def person(
    name: str = "Carol Chen", relation: str = Relation.OTHER, email: str = "carol@example.com"
) -> PersonInput:
    return PersonInput(name=name, relation=relation, email=email)
