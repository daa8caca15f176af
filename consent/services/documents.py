"""Signed release documents: uploaded by the contributor, counting only once a moderator approves."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from consent import texts
from consent.access import ConsentActionError, lock_open_submission, person_in
from consent.documents import inspect_release
from consent.models import ConsentRecord, Method, ReleaseDocument
from consent.requirements import consent_need
from consent.rules import when
from consent.scope import new_record, scope_copy, scope_of, text_params
from consent.services import delivery
from consent.services.follow_up import announce_granted, as_iso, audit, consent_changed
from moderation.models import Relation, Submission
from notifications.services import notify


@transaction.atomic
def release_document_upload(
    *, submission: Submission, person_key: str, upload: UploadedFile, actor: User, now: datetime | None = None
) -> ReleaseDocument:
    """Store a signed release (JPEG, PNG or PDF, checked by its bytes) at a random private path for a
    moderator to review. A newer upload for the same person replaces a pending one."""
    now = now or timezone.now()
    locked = lock_open_submission(submission, actor)
    revision = locked.current_revision
    if revision is None:
        raise ConsentActionError(_("There is nothing to upload a release for."))
    person = person_in(revision, person_key)
    if person.relation == Relation.SELF:
        raise ConsentActionError(_("You are the person depicted: confirm it on the consent panel instead."))
    need = consent_need(revision)
    if not need.required:
        raise ConsentActionError(_("Consent is not needed for this content."))
    release = inspect_release(upload)
    replaced = ReleaseDocument.objects.filter(
        submission=locked, person_key=person_key, status=ReleaseDocument.Status.PENDING
    ).update(status=ReleaseDocument.Status.SUPERSEDED)
    document = ReleaseDocument(
        **scope_of(revision, person, need),
        mime_type=release.mime_type,
        size=release.size,
        sha256=release.sha256,
        uploaded_by=actor,
        uploaded_at=now,
    )
    # The upload's own name is never used: it may carry the person's name.
    document.file.save(f"release.{release.extension}", upload, save=False)
    document.save()
    audit(
        "consent.document_uploaded",
        submission=locked,
        actor=actor,
        person_key=person_key,
        document=document.pk,
        type=release.mime_type,
        sha256=release.sha256,
        replaced=replaced,
    )
    consent_changed(locked)
    return document


def _lock_for_decision(document: ReleaseDocument, actor: User) -> ReleaseDocument:
    locked = (
        ReleaseDocument.objects.select_for_update(of=("self",))
        .select_related("submission__contributor", "revision")
        .get(pk=document.pk)
    )
    if not actor.is_reviewer or locked.submission.contributor_id == actor.pk:
        raise PermissionDenied(_("Only a moderator other than the contributor decides on a release."))
    if locked.status != ReleaseDocument.Status.PENDING:
        raise ConsentActionError(_("This release document was already decided on or replaced."))
    return locked


@transaction.atomic
def release_document_approve(
    *,
    document: ReleaseDocument,
    actor: User,
    separate: bool,
    ip: str | None = None,
    user_agent: str = "",
    now: datetime | None = None,
) -> ConsentRecord:
    """A moderator confirms the document is the person's separate, signed consent to this content.

    The consent counts from now, for what the document was uploaded for; the person (when we have
    their contact) gets the confirmation with the withdrawal link, like everyone else.
    """
    now = now or timezone.now()
    locked = _lock_for_decision(document, actor)
    if not separate:
        raise ConsentActionError(
            _("Confirm that the document is signed by the person and asks for this consent on its own.")
        )
    submission = locked.submission
    ReleaseDocument.objects.filter(pk=locked.pk).update(
        status=ReleaseDocument.Status.APPROVED, decided_by=actor, decided_at=now
    )
    person = (
        submission.current_revision.persons.filter(person_key=locked.person_key).first()
        if submission.current_revision
        else None
    )
    record = new_record(
        scope_copy(locked),
        method=Method.RELEASE_DOCUMENT,
        now=now,
        ip=ip,
        user_agent=user_agent,
        person_email=person.email if person else "",
        person_phone=person.phone if person else "",
        document=locked,
        confirmed_by=actor,
    )
    rendered = texts.render(
        texts.DOCUMENT,
        **text_params(record, contributor=submission.contributor),
        uploaded=when(locked.uploaded_at),
        moderator=actor.get_username(),
        expires=when(record.expires_at),
    )
    record.text_version, record.text = rendered.version, rendered.text
    record.save()
    audit(
        "consent.document_approved",
        submission=submission,
        actor=actor,
        person_key=record.person_key,
        document=locked.pk,
        record=record.pk,
        expires_at=as_iso(record.expires_at),
    )
    notify(
        submission.contributor,
        subject=lambda: (
            _("The release of %(name)s was approved (submission #%(id)s)")
            % {"name": record.person_name, "id": submission.pk}
        ),
        body=lambda: (
            _("It counts as their consent until %(expires)s.") % {"expires": when(record.expires_at)}
        ),
        link=reverse("submission_detail", args=[submission.pk]),
    )
    record_id = record.pk
    transaction.on_commit(lambda: delivery.deliver_confirmation(record_id))
    announce_granted(submission, record)
    consent_changed(submission)
    return record


@transaction.atomic
def release_document_refuse(
    *, document: ReleaseDocument, actor: User, reason: str, now: datetime | None = None
) -> ReleaseDocument:
    """A moderator refuses a release, saying why; the contributor is told the reason."""
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise ConsentActionError(_("Give a reason: the contributor is shown it."))
    locked = _lock_for_decision(document, actor)
    ReleaseDocument.objects.filter(pk=locked.pk).update(
        status=ReleaseDocument.Status.REFUSED, decided_by=actor, decided_at=now, refusal_reason=reason
    )
    locked.refresh_from_db()
    submission = locked.submission
    audit(
        "consent.document_refused",
        submission=submission,
        actor=actor,
        person_key=locked.person_key,
        document=locked.pk,
        reason=reason,
    )
    notify(
        submission.contributor,
        subject=lambda: (
            _("The release of %(name)s was refused (submission #%(id)s)")
            % {"name": locked.person_name, "id": submission.pk}
        ),
        body=reason,
        link=reverse("submission_detail", args=[submission.pk]),
    )
    consent_changed(submission)
    return locked


@transaction.atomic
def release_document_view(*, document: ReleaseDocument, actor: User) -> None:
    """Every look at a release document is audited: it is personal data of a third person."""
    audit(
        "consent.document_viewed",
        submission=document.submission,
        actor=actor,
        person_key=document.person_key,
        document=document.pk,
    )
