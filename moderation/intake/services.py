"""The contributor's side of a submission: drafts with uploads, submitting, withdrawing, and
starting a new revision after "changes requested". Status changes go through
moderation.lifecycle.submission_transition, which audits them."""

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import assert_can_submit
from audit.services import record_event
from integrations.models import Integration
from moderation.intake import media
from moderation.intake.inspection import UploadRefused
from moderation.intake.thumbnails import media_send_thumbnails
from moderation.lifecycle import InvalidTransition, submission_transition
from moderation.models import (
    Category,
    DepictedPerson,
    MediaFile,
    Queue,
    Region,
    Revision,
    Status,
    Submission,
)
from moderation.pipeline.services import checks_create_runs

logger = logging.getLogger(__name__)


class SubmissionIncomplete(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


class UploadsRefused(SubmissionIncomplete):
    """Create-and-submit refused files: nothing was kept. `refused` holds (file name, reason)."""

    def __init__(self, refused: list[tuple[str, str]]) -> None:
        super().__init__(
            [
                _("%(name)s was not accepted: %(reason)s.") % {"name": name, "reason": reason}
                for name, reason in refused
            ]
        )
        self.refused = refused


@dataclass
class PersonInput:
    name: str
    relation: str
    email: str = ""
    phone: str = ""
    person_key: str = ""


@dataclass
class RevisionInput:
    title: str
    body: str = ""
    prompt: str = ""
    declared_ai: bool | None = None
    categories: list[str] = field(default_factory=list)
    region: str = Region.OTHER
    no_real_person: bool = False
    persons: list[PersonInput] = field(default_factory=list)
    eu_public_interest_text: bool = False
    eu_human_reviewed: bool = False
    eu_editor: str = ""
    # R22: nobody real is depicted in a face or voice synthesis; the contributor says why.
    fictional_person: bool = False
    fictional_statement: str = ""
    # R24: the contributor read the current consent notice (settings.CONSENT_NOTICE_VERSION).
    consent_notice_acknowledged: bool = False


@dataclass
class UploadOutcome:
    accepted: list[MediaFile] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def _require_owner(submission: Submission, actor: User) -> None:
    if submission.contributor_id != actor.pk:
        raise PermissionDenied(_("Only the contributor can change this submission."))


def notice_is_acknowledged(revision: Revision) -> bool:
    """The contributor acknowledged the consent notice as it reads now (R24)."""
    return (
        revision.consent_notice_acknowledged_at is not None
        and revision.consent_notice_version == settings.CONSENT_NOTICE_VERSION
    )


def _write_revision_fields(revision: Revision, data: RevisionInput) -> None:
    revision.title = data.title.strip()
    revision.body = data.body
    revision.prompt = data.prompt
    revision.declared_ai = data.declared_ai
    revision.category_flags = Category.to_flags(data.categories)
    revision.region = data.region
    # A fictional person is no real person: the statement is the stronger form of the tick.
    revision.no_real_person = data.no_real_person or data.fictional_person
    revision.fictional_person = data.fictional_person
    revision.fictional_statement = data.fictional_statement.strip() if data.fictional_person else ""
    revision.eu_public_interest_text = data.eu_public_interest_text
    revision.eu_human_reviewed = data.eu_human_reviewed
    revision.eu_editor = data.eu_editor.strip()
    if not data.consent_notice_acknowledged:
        revision.consent_notice_version, revision.consent_notice_acknowledged_at = "", None
    elif not notice_is_acknowledged(revision):  # the first acknowledgement of this version counts
        revision.consent_notice_version = settings.CONSENT_NOTICE_VERSION
        revision.consent_notice_acknowledged_at = timezone.now()


def _audit_declarations(
    *, actor: User, submission: Submission, revision: Revision, before: tuple[str, str, str | None]
) -> None:
    """Audit what the contributor states under R22 and R24: a fictional person (with the
    statement) and the acknowledgement of the consent notice (with its version)."""
    statement, version, acknowledged_at = before
    if revision.fictional_person and revision.fictional_statement != statement:
        record_event(
            action="submission.fictional_person_stated",
            actor=actor,
            target=submission,
            details={"revision": revision.number, "statement": revision.fictional_statement},
        )
    now_at = (
        revision.consent_notice_acknowledged_at.isoformat()
        if revision.consent_notice_acknowledged_at
        else None
    )
    if revision.consent_notice_version and (revision.consent_notice_version, now_at) != (
        version,
        acknowledged_at,
    ):
        record_event(
            action="submission.consent_notice_acknowledged",
            actor=actor,
            target=submission,
            details={
                "revision": revision.number,
                "version": revision.consent_notice_version,
                "acknowledged_at": now_at,
            },
        )


def _declarations_before(revision: Revision) -> tuple[str, str, str | None]:
    at = revision.consent_notice_acknowledged_at
    return (
        revision.fictional_statement if revision.fictional_person else "",
        revision.consent_notice_version,
        at.isoformat() if at else None,
    )


def _replace_persons(revision: Revision, persons: list[PersonInput], *, new: bool = False) -> None:
    if not new:  # a revision saved a moment ago has no persons to delete
        revision.persons.all().delete()
    DepictedPerson.objects.bulk_create(
        [
            DepictedPerson(
                revision=revision,
                name=p.name.strip(),
                email=p.email.strip(),
                phone=p.phone.strip(),
                relation=p.relation,
                person_key=p.person_key or uuid.uuid4().hex,
            )
            for p in persons
            if p.name.strip()
        ]
    )


def _already_uploaded(contributor: User, sha256: str, submission: Submission | None) -> Submission | None:
    """An earlier, still-live submission of this contributor holding the same file."""
    earlier = (
        MediaFile.objects.filter(sha256=sha256, revision__submission__contributor=contributor)
        .exclude(revision__submission__status=Status.WITHDRAWN)
        .select_related("revision__submission")
    )
    if submission is not None:
        earlier = earlier.exclude(revision__submission=submission)
    found = earlier.first()
    return found.revision.submission if found else None


def _accept_uploads(
    *,
    contributor: User,
    submission: Submission | None,
    uploads: list[UploadedFile],
    room: int,
    known_hashes: set[str],
) -> tuple[list[media.AcceptedUpload], list[tuple[str, str]]]:
    """Inspect and store each upload; return the stored ones and the refused ones with reasons."""
    accepted: list[media.AcceptedUpload] = []
    refused: list[tuple[str, str]] = []
    for upload in uploads:
        name = media.clean_original_name(upload.name or "")
        if len(accepted) >= room:
            refused.append((name, _("at most %(n)s files per submission") % {"n": settings.UPLOAD_MAX_FILES}))
            continue
        try:
            inspected, sha256 = media.check_upload(upload)
        except UploadRefused as exc:
            refused.append((name, str(exc)))
            continue
        if sha256 in known_hashes:
            refused.append((name, _("the same file is already part of this submission")))
            continue
        earlier = _already_uploaded(contributor, sha256, submission)
        if earlier is not None:
            refused.append(
                (name, _("you already uploaded this file in submission #%(id)s") % {"id": earlier.pk})
            )
            continue
        known_hashes.add(sha256)
        accepted.append(media.store_upload(upload, inspected, sha256))
    return accepted, refused


def _attach(revision: Revision, accepted: list[media.AcceptedUpload]) -> list[MediaFile]:
    rows = MediaFile.objects.bulk_create(
        [
            MediaFile(
                revision=revision,
                kind=item.file_type.kind,
                mime_type=item.file_type.mime,
                original_name=item.original_name,
                file=item.stored_name,
                size=item.size,
                sha256=item.sha256,
                width=item.width,
                height=item.height,
            )
            for item in accepted
        ]
    )
    image_ids = [row.pk for row in rows if row.is_image]
    if image_ids:
        transaction.on_commit(lambda: media_send_thumbnails(image_ids))
    return rows


def submission_create(
    *,
    contributor: User,
    data: RevisionInput,
    uploads: list[UploadedFile],
    integration: Integration | None = None,
    external_id: str = "",
) -> tuple[Submission, UploadOutcome]:
    """Save a new draft with the uploads that pass inspection; report the refused ones. A
    publisher's CMS names the integration it came from and its own content id.

    Steps: the gate (a verified contributor in good standing); inspect and store files under
    random names; then, in one transaction, the submission, its first revision, its persons
    and media rows. If the transaction fails, the stored files are removed again.
    """
    assert_can_submit(contributor)
    accepted, refused = _accept_uploads(
        contributor=contributor,
        submission=None,
        uploads=uploads,
        room=settings.UPLOAD_MAX_FILES,
        known_hashes=set(),
    )
    try:
        with transaction.atomic():
            submission = Submission.objects.create(  # a draft
                contributor=contributor, integration=integration, external_id=external_id
            )
            revision = Revision(submission=submission, number=1)
            before = _declarations_before(revision)
            _write_revision_fields(revision, data)
            revision.save()
            _replace_persons(revision, data.persons, new=True)
            submission.current_revision = revision
            submission.save(update_fields=["current_revision"])
            rows = _attach(revision, accepted)
            record_event(
                action="submission.created",
                actor=contributor,
                target=submission,
                details={"files": [r.sha256 for r in rows], "refused": [name for name, _reason in refused]},
            )
            _audit_declarations(actor=contributor, submission=submission, revision=revision, before=before)
    except Exception:
        media.delete_stored([item.stored_name for item in accepted])
        raise
    return submission, UploadOutcome(accepted=rows, refused=refused)


def submission_create_and_submit(
    *,
    contributor: User,
    data: RevisionInput,
    uploads: list[UploadedFile],
    integration: Integration | None = None,
    external_id: str = "",
) -> tuple[Submission, UploadOutcome]:
    """Create a submission and send it for review at once, or leave nothing behind: "Submit" on
    the new form, and every submission of a publisher's CMS.

    Steps: in one transaction, the draft (`submission_create`, which passes the gate) and the
    submission (`_submit`: the submit step without asking the gate again); a refused file raises
    UploadsRefused, a missing field SubmissionIncomplete, and either rolls the draft back and
    removes its stored files. "Save draft" is how a contributor keeps an unfinished one.
    """
    stored: list[str] = []
    try:
        with transaction.atomic():
            submission, outcome = submission_create(
                contributor=contributor,
                data=data,
                uploads=uploads,
                integration=integration,
                external_id=external_id,
            )
            stored = [row.file.name or "" for row in outcome.accepted]
            if outcome.refused:
                raise UploadsRefused(outcome.refused)
            _submit(submission, contributor)
    except Exception:
        media.delete_stored(stored)  # the rows are rolled back: their files go too
        raise
    return submission, outcome


def submission_delete_draft(*, submission: Submission, actor: User) -> None:
    """The contributor deletes a draft of theirs that was never submitted.

    Steps: lock the row; only its contributor, only a draft, never one that was submitted once
    (its revisions, checks and decisions are the record) nor one a consent request names; audit
    what was deleted; delete the rows; remove the stored files after commit.
    """
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        _require_owner(locked, actor)
        if locked.status != Status.DRAFT or locked.revisions.filter(submitted_at__isnull=False).exists():
            raise InvalidTransition(_("Only a draft that was never submitted can be deleted."))
        files = list(MediaFile.objects.filter(revision__submission=locked).values_list("file", "thumbnail"))
        record_event(
            action="submission.deleted",
            actor=actor,
            target=locked,
            details={
                "title": locked.current_revision.title if locked.current_revision else "",
                "files": [name for name, _thumbnail in files],
            },
        )
        try:
            with transaction.atomic():
                # current_revision protects its revision: unhook it, then everything cascades.
                locked.current_revision = None
                locked.save(update_fields=["current_revision"])
                locked.delete()
        except ProtectedError as exc:  # a consent request or another record names it
            raise InvalidTransition(
                _("This draft is referred to by a consent request: it cannot be deleted.")
            ) from exc
    stored = [name for pair in files for name in pair if name]
    transaction.on_commit(lambda: media.delete_stored(stored))


def submission_update_draft(
    *,
    submission: Submission,
    actor: User,
    data: RevisionInput,
    uploads: list[UploadedFile],
    remove_media_ids: Iterable[int] = (),
) -> UploadOutcome:
    """Edit a draft: its fields and persons, files removed and added."""
    _require_owner(submission, actor)
    assert_can_submit(actor)
    if submission.status != Status.DRAFT or submission.current_revision is None:
        raise InvalidTransition(_("Only a draft can be edited."))
    revision = submission.current_revision
    keep = revision.media.exclude(pk__in=list(remove_media_ids))
    accepted, refused = _accept_uploads(
        contributor=actor,
        submission=submission,
        uploads=uploads,
        room=settings.UPLOAD_MAX_FILES - keep.count(),
        known_hashes=set(keep.values_list("sha256", flat=True)),
    )
    removed_names: list[str] = []
    try:
        with transaction.atomic():
            locked = Submission.objects.select_for_update().get(pk=submission.pk)
            if locked.status != Status.DRAFT:
                raise InvalidTransition(_("Only a draft can be edited."))
            before = _declarations_before(revision)
            _write_revision_fields(revision, data)
            revision.save()
            _replace_persons(revision, data.persons)
            to_remove = list(revision.media.filter(pk__in=list(remove_media_ids)))
            for row in to_remove:
                removed_names.append(row.file.name or "")
                row.delete()
            rows = _attach(revision, accepted)
            Submission.objects.filter(pk=submission.pk).update(updated_at=timezone.now())
            record_event(
                action="submission.edited",
                actor=actor,
                target=submission,
                details={"added": [r.sha256 for r in rows], "removed": [r.sha256 for r in to_remove]},
            )
            _audit_declarations(actor=actor, submission=submission, revision=revision, before=before)
    except Exception:
        media.delete_stored([item.stored_name for item in accepted])
        raise
    # A removed file is deleted only when no other revision still shows it.
    still_used = set(MediaFile.objects.filter(file__in=removed_names).values_list("file", flat=True))
    media.delete_stored([name for name in removed_names if name not in still_used])
    return UploadOutcome(accepted=rows, refused=refused)


def revision_problems(revision: Revision) -> list[str]:
    """What still keeps a draft from being submitted, in words for the contributor."""
    problems = []
    has_persons = revision.persons.exists()
    if not revision.title.strip():
        problems.append(_("Give the submission a title."))
    if revision.declared_ai is None:
        problems.append(_("Say whether the content contains AI-generated or synthesised material."))
    if not revision.body.strip() and not revision.media.exists():
        problems.append(_("Add a text or at least one media file."))
    if not revision.no_real_person and not has_persons:
        problems.append(_('List the real persons it depicts, or tick "no real person".'))
    if revision.no_real_person and has_persons:
        problems.append(_('You listed real persons but also ticked "no real person".'))
    if revision.eu_human_reviewed and not revision.eu_editor.strip():
        problems.append(_("Name the editorially responsible person for the human-reviewed text."))
    return problems + consent_problems(revision, has_persons=has_persons)


def consent_problems(revision: Revision, *, has_persons: bool) -> list[str]:
    """R22 and R24, refused here so that no form, API or script can sidestep them: a face or voice
    synthesis names a depicted person or states that the person is fictional (and why), never
    both; whoever depicts persons or synthesises a face or voice acknowledged the consent notice
    as it reads now."""
    problems = []
    biometric = revision.biometric_categories
    if biometric and not has_persons and not revision.fictional_person:
        problems.append(
            _(
                "%(categories)s needs at least one depicted person, or your statement that the person "
                "is fictional and why."
            )
            % {"categories": ", ".join(str(category.label) for category in biometric)}
        )
    if revision.fictional_person and not revision.fictional_statement.strip():
        problems.append(_("Say why the person is fictional."))
    if revision.fictional_person and has_persons:
        problems.append(_("You listed real persons but also stated that the person is fictional."))
    if (has_persons or biometric) and not notice_is_acknowledged(revision):
        problems.append(
            _(
                "Confirm the consent notice: you informed each depicted person and obtained their "
                "separate consent."
            )
        )
    return problems


def submission_submit(*, submission: Submission, actor: User) -> list:
    """Send a draft for checking and review.

    Steps: the gate; the draft must be complete; then, in one transaction, the status moves
    to submitted, the revision gets its submission time, the queue columns are reset and one
    check run per applicable check is created (sent to the workers after commit).
    """
    _require_owner(submission, actor)
    assert_can_submit(actor)
    return _submit(submission, actor)


def _submit(submission: Submission, actor: User) -> list:
    """`submission_submit` after the gate: for a caller that passed it in the same transaction."""
    revision = submission.current_revision
    if revision is None:
        raise InvalidTransition(_("There is nothing to submit."))
    problems = revision_problems(revision)
    if problems:
        raise SubmissionIncomplete(problems)
    with transaction.atomic():
        now = timezone.now()
        submission_transition(
            submission=submission,
            to=Status.SUBMITTED,
            actor=actor,
            action="submission.submitted",
            details={"revision": revision.number},
            fields={
                "submitted_at": now,
                "queue": Queue.REVIEW,
                "awaiting_since": None,
                "due_at": None,
                "claimed_by": None,
                "claim_expires_at": None,
                "decided_at": None,
            },
        )
        Revision.objects.filter(pk=revision.pk).update(submitted_at=now)
        return checks_create_runs(submission=submission, revision=revision)


def submission_withdraw(*, submission: Submission, actor: User) -> None:
    """The contributor takes the submission back before a final decision."""
    _require_owner(submission, actor)
    submission_transition(
        submission=submission,
        to=Status.WITHDRAWN,
        actor=actor,
        action="submission.withdrawn",
        fields={"claimed_by": None, "claim_expires_at": None},
    )


@transaction.atomic
def submission_start_revision(*, submission: Submission, actor: User) -> Revision:
    """A new draft revision, a copy of the last one to edit: after "changes requested", or to
    correct an item still waiting for review (a wrong AI declaration) that no moderator holds.

    The earlier revision, its checks and the decision on it stay as they were.
    """
    _require_owner(submission, actor)
    assert_can_submit(actor)
    previous = submission.current_revision
    if previous is None:
        raise InvalidTransition(_("There is nothing to revise."))
    if submission.status == Status.AWAITING_REVIEW and submission.claim_is_active(timezone.now()):
        raise InvalidTransition(_("A moderator is reviewing it right now: wait for their decision."))
    submission_transition(
        submission=submission,
        to=Status.DRAFT,
        actor=actor,
        action="submission.revision_started",
        from_=(Status.CHANGES_REQUESTED, Status.AWAITING_REVIEW),
        details={"revision": previous.number + 1},
        fields={"claimed_by": None, "claim_expires_at": None},
    )
    revision = Revision.objects.create(
        submission=submission,
        number=previous.number + 1,
        title=previous.title,
        body=previous.body,
        prompt=previous.prompt,
        declared_ai=previous.declared_ai,
        category_flags=previous.category_flags,
        region=previous.region,
        no_real_person=previous.no_real_person,
        # The statement stays with the content; the consent notice is asked for again (R24).
        fictional_person=previous.fictional_person,
        fictional_statement=previous.fictional_statement,
        eu_public_interest_text=previous.eu_public_interest_text,
        eu_human_reviewed=previous.eu_human_reviewed,
        eu_editor=previous.eu_editor,
    )
    _replace_persons(
        revision,
        [
            PersonInput(
                name=p.name, relation=p.relation, email=p.email, phone=p.phone, person_key=p.person_key
            )
            for p in previous.persons.all()
        ],
    )
    MediaFile.objects.bulk_create(
        [
            MediaFile(
                revision=revision,
                kind=m.kind,
                mime_type=m.mime_type,
                original_name=m.original_name,
                file=m.file.name,
                size=m.size,
                sha256=m.sha256,
                width=m.width,
                height=m.height,
                thumbnail=m.thumbnail.name,
            )
            for m in previous.media.all()
        ]
    )
    Submission.objects.filter(pk=submission.pk).update(current_revision=revision, awaiting_since=None)
    submission.refresh_from_db()
    return revision
