"""The API's writes: each one the same service the web form calls, with the integration's
author as the actor. Nothing here decides what the intake, the gate or the checks decide."""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from api.problems import Problem
from api.schemas import SubmissionIn
from integrations.models import IdempotencyRecord, Integration
from integrations.services import Attestation, AuthorRefused, author_resolve
from moderation.intake import media
from moderation.intake.services import (
    PersonInput,
    RevisionInput,
    SubmissionIncomplete,
    UploadsRefused,
    submission_create_and_submit,
    submission_submit,
)
from moderation.models import Submission


@dataclass(frozen=True)
class Replay:
    status_code: int
    body: dict[str, Any]
    location: str


def request_hash(metadata: str, uploads: list[UploadedFile]) -> str:
    """What makes two requests "the same": the metadata document and the files' contents."""
    digest = hashlib.sha256()
    try:
        canonical = json.dumps(json.loads(metadata), sort_keys=True, separators=(",", ":"))
    except ValueError:
        canonical = metadata
    digest.update(canonical.encode())
    for upload in uploads:
        digest.update(b"\0" + (getattr(upload, "sha256", "") or media.sha256_of(upload.file)).encode())
    return digest.hexdigest()


def idempotent_replay(*, integration: Integration, key: str, fingerprint: str) -> Replay | None:
    """The stored answer to the same key and request; a 422 problem for the same key and another
    request; None when the key is new, or its record is older than IDEMPOTENCY_KEY_TTL_HOURS."""
    record = IdempotencyRecord.objects.honoured().filter(integration=integration, key=key).first()
    if record is None:
        return None
    if record.request_hash != fingerprint:
        raise Problem(
            422,
            "idempotency-key-reused",
            _("Idempotency key reused"),
            _("This Idempotency-Key was used for a different request."),
        )
    return Replay(record.status_code, record.response, record.location)


def _revision_input(data: SubmissionIn) -> RevisionInput:
    """The CMS's metadata as the intake service takes it, for a first revision or a later one."""
    return RevisionInput(
        title=data.title,
        body=data.text,
        declared_ai=data.ai_declaration,
        categories=list(data.categories),
        region=data.region,
        no_real_person=data.no_real_person,
        persons=[
            PersonInput(name=p.name, relation=p.relation, email=p.email, phone=p.phone) for p in data.persons
        ],
        **_consent_statements(data),
    )


def _consent_statements(data: SubmissionIn) -> dict[str, Any]:
    """The author's statements about depicted persons (R22, R24), as the intake service takes them.

    A notice version other than the one in force is refused here: the author must see the notice
    as it reads now."""
    version = data.consent_notice_version.strip()
    if version and version != settings.CONSENT_NOTICE_VERSION:
        raise Problem(
            422,
            "consent-notice-outdated",
            _("Consent notice outdated"),
            _(
                "The author acknowledged consent notice version %(given)s; "
                "the version in force is %(current)s."
            )
            % {"given": version, "current": settings.CONSENT_NOTICE_VERSION},
        )
    return {
        "fictional_person": data.fictional_person,
        "fictional_statement": data.fictional_statement,
        "consent_notice_acknowledged": bool(version),
    }


def _refused_problem(refused: list[tuple[str, str]]) -> Problem:
    return Problem(
        422,
        "upload-refused",
        _("Files refused"),
        _("Some files cannot be accepted; nothing was stored."),
        errors=[
            {"loc": ["files", name], "msg": reason, "type": "upload_refused"} for name, reason in refused
        ],
    )


def api_submission_create(
    *, integration: Integration, data: SubmissionIn, uploads: list[UploadedFile]
) -> Submission:
    """Steps: the author (created on first use, attestation and terms recorded); the draft through
    the intake (the gate, file inspection, storage); the integration's content id on it; submit
    (complete? then check runs). A refused file or an incomplete draft undoes all of it, so the
    CMS can retry the same request."""
    if any(getattr(upload, "oversized", False) for upload in uploads):
        largest = max(settings.UPLOAD_MAX_BYTES.values()) // (1024 * 1024)
        raise Problem(
            413,
            "too-large",
            _("File too large"),
            _("No file may be larger than %(mb)s MB.") % {"mb": largest},
        )
    if Submission.objects.filter(integration=integration, external_id=data.external_id).exists():
        raise Problem(
            409,
            "external-id-exists",
            _("Already submitted"),
            _("A submission with this external_id exists; send a revision instead."),
        )
    try:
        with transaction.atomic():
            try:
                author = author_resolve(
                    integration=integration,
                    external_id=data.author.id,
                    display_name=data.author.name,
                    attestation=Attestation(
                        method=data.author.attestation.method,
                        reference=data.author.attestation.reference,
                        verified_at=data.author.attestation.verified_at,
                    )
                    if data.author.attestation
                    else None,
                    terms_version=data.author.terms_version,
                )
            except AuthorRefused as exc:
                raise Problem(422, "author-refused", _("Author refused"), str(exc)) from None
            # One intake for the form and the API; it removes its stored files if anything fails.
            submission, _outcome = submission_create_and_submit(
                contributor=author.user,
                data=_revision_input(data),
                uploads=uploads,
                integration=integration,
                external_id=data.external_id,
            )
    except UploadsRefused as exc:
        raise _refused_problem(exc.refused) from None
    except SubmissionIncomplete as exc:
        raise Problem(
            422,
            "incomplete",
            _("The submission is incomplete"),
            " ".join(exc.problems),
            errors=[{"loc": ["metadata"], "msg": problem, "type": "incomplete"} for problem in exc.problems],
            # What the author must acknowledge when persons are depicted (R24).
            extra={"consent_notice_version": settings.CONSENT_NOTICE_VERSION},
        ) from None
    except IntegrityError:
        raise Problem(
            409,
            "external-id-exists",
            _("Already submitted"),
            _("A submission with this external_id exists; send a revision instead."),
        ) from None
    # Reloaded with what the API's representation reads, in one query rather than four.
    return Submission.objects.select_related("current_revision", "contributor__integration_author").get(
        pk=submission.pk
    )


def idempotency_store(
    *,
    integration: Integration,
    key: str,
    fingerprint: str,
    status_code: int,
    body: dict[str, Any],
    location: str,
) -> Replay:
    """Keep the answer; if a concurrent request with the same key won, answer with its one.

    An expired record of the key gives way, in the same transaction as the insert. A concurrent
    request that also found it expired blocks on its row until this one commits, deletes nothing,
    then fails the insert on the unique constraint and answers with this request's answer."""
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.expired().filter(integration=integration, key=key).delete()
            IdempotencyRecord.objects.create(
                integration=integration,
                key=key,
                request_hash=fingerprint,
                status_code=status_code,
                response=body,
                location=location,
            )
    except IntegrityError:
        replay = idempotent_replay(integration=integration, key=key, fingerprint=fingerprint)
        if replay is not None:
            return replay
    return Replay(status_code, body, location)


def api_submission_revise(*, submission: Submission, data: SubmissionIn, uploads: list[UploadedFile]) -> None:
    """After "changes requested": a new revision with the changed fields (and files, if sent),
    submitted again. Steps: start the revision (the intake's copy of the last one); edit the
    draft (sent files replace the earlier ones); submit. A refused file or an incomplete
    revision undoes all of it."""
    from moderation.intake.services import submission_start_revision, submission_update_draft

    if any(getattr(upload, "oversized", False) for upload in uploads):
        raise Problem(413, "too-large", _("File too large"), _("A file is larger than any file may be."))
    actor = submission.contributor
    stored: list[str] = []
    try:
        with transaction.atomic():
            revision = submission_start_revision(submission=submission, actor=actor)
            outcome = submission_update_draft(
                submission=submission,
                actor=actor,
                data=_revision_input(data),
                uploads=uploads,
                remove_media_ids=list(revision.media.values_list("pk", flat=True)) if uploads else (),
            )
            stored = [row.file.name or "" for row in outcome.accepted]
            if outcome.refused:
                raise _refused_problem(outcome.refused)
            try:
                submission_submit(submission=submission, actor=actor)
            except SubmissionIncomplete as exc:
                raise Problem(
                    422,
                    "incomplete",
                    _("The submission is incomplete"),
                    " ".join(exc.problems),
                    extra={"consent_notice_version": settings.CONSENT_NOTICE_VERSION},
                ) from None
    except Exception:
        media.delete_stored(stored)
        raise
    submission.refresh_from_db()


def api_submission_take_down(*, submission: Submission, key: Any, reason_code: str, explanation: str) -> None:
    """The publisher's takedown, through the takedown service, with its statement of reasons."""
    from moderation.models import PolicyReason
    from moderation.publication.takedown import TakedownRefused, publication_take_down_by_publisher

    reason = PolicyReason.objects.filter(code=reason_code, is_active=True).first()
    if reason is None:
        raise Problem(
            422,
            "validation",
            _("The request is not valid"),
            _("Unknown reason %(code)s: use a code of the policy list.") % {"code": reason_code},
            errors=[{"loc": ["body", "reason"], "msg": "unknown reason", "type": "value_error"}],
        )
    try:
        publication_take_down_by_publisher(
            submission=submission,
            publisher=key.integration.name,
            reason=reason,
            explanation=explanation,
            details={"integration": key.integration_id, "api_key": key.pk},
        )
    except TakedownRefused as exc:
        raise Problem(409, "takedown-refused", _("Cannot take this down"), str(exc)) from None
