"""Who may reach what: the signed links of the public pages, the dashboard's lookups, and who may
act on a submission's consent (its contributor, while it is open).

The public pages have no login: the link is the key. `request_for_token` and
`record_for_withdraw_token` turn a link into its row, or raise ConsentLinkError saying why not.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from consent.models import ConsentRecord, ConsentRequest, ReleaseDocument
from consent.requirements import kinds_of_categories
from consent.rules import CLOSED_STATUSES
from consent.tokens import ConsentLinkError, nonce_matches, read_request_token, read_withdraw_token
from moderation.access import get_submission_for_review, get_submission_for_user
from moderation.models import DepictedPerson, MediaFile, Revision, Submission


def request_for_token(token: str, *, now: datetime | None = None, lock: bool = False) -> ConsentRequest:
    """The request a link answers, if it may still be answered.

    Steps: the signature (400 if altered); the row and its nonce (400 if unknown); then the row's
    state (410): answered, resent, expired, the submission closed, or its content changed since.
    `lock` takes the row lock, so two answers to one link cannot both count.
    """
    now = now or timezone.now()
    request_id, nonce = read_request_token(token)
    rows = ConsentRequest.objects.select_related("submission__current_revision", "submission__contributor")
    if lock:
        rows = rows.select_for_update(of=("self",))
    consent_request = rows.filter(pk=request_id).first()
    if consent_request is None or not nonce_matches(consent_request.nonce, nonce):
        raise ConsentLinkError(ConsentLinkError.INVALID)
    status = consent_request.status
    if status == ConsentRequest.Status.SUPERSEDED:
        raise ConsentLinkError(ConsentLinkError.SUPERSEDED, when=consent_request.superseded_at)
    if status != ConsentRequest.Status.PENDING:
        raise ConsentLinkError(ConsentLinkError.USED, when=consent_request.answered_at)
    if consent_request.expires_at <= now:
        raise ConsentLinkError(ConsentLinkError.EXPIRED, when=consent_request.expires_at)
    submission = consent_request.submission
    if submission.status in CLOSED_STATUSES or submission.current_revision is None:
        raise ConsentLinkError(ConsentLinkError.CLOSED)
    if not request_still_fits(consent_request, submission):
        raise ConsentLinkError(ConsentLinkError.OUTDATED, when=consent_request.sent_at)
    return consent_request


def request_still_fits(consent_request: ConsentRequest, submission: Submission) -> bool:
    """The files and declared kinds of the current revision are within what the person was asked."""
    revision = submission.current_revision
    if revision is None:
        return False
    current = set(revision.media.values_list("sha256", flat=True))
    return current <= set(consent_request.media_sha256) and kinds_of_categories(revision.categories) <= set(
        consent_request.biometric_kinds
    )


def record_for_withdraw_token(token: str, *, lock: bool = False) -> ConsentRecord:
    """The consent a withdrawal link belongs to, while it is not withdrawn (410 after)."""
    record_id, nonce = read_withdraw_token(token)
    rows = ConsentRecord.objects.select_related("submission__current_revision", "submission__contributor")
    if lock:
        rows = rows.select_for_update(of=("self",))
    record = rows.filter(pk=record_id).first()
    if record is None or not nonce_matches(record.withdraw_nonce, nonce):
        raise ConsentLinkError(ConsentLinkError.INVALID)
    if record.withdrawn_at is not None:
        raise ConsentLinkError(ConsentLinkError.WITHDRAWN, when=record.withdrawn_at)
    return record


def preview_media(consent_request: ConsentRequest, media_pk: int) -> MediaFile:
    """A file the person is asked about: of this submission's current revision and in the request."""
    return get_object_or_404(
        MediaFile,
        pk=media_pk,
        revision_id=consent_request.submission.current_revision_id,
        sha256__in=consent_request.media_sha256,
    )


def get_person(submission: Submission, person_key: str) -> DepictedPerson:
    """A person depicted in the current revision (404 for any other key)."""
    if submission.current_revision_id is None:
        raise Http404
    person = DepictedPerson.objects.filter(
        revision_id=submission.current_revision_id, person_key=person_key
    ).first()
    if person is None:
        raise Http404
    return person


def get_document_for_user(user: User, pk: int, document_pk: int) -> ReleaseDocument:
    """The contributor and the moderators see a release; everyone else gets 404."""
    submission = get_submission_for_user(user, pk)
    return get_object_or_404(ReleaseDocument, pk=document_pk, submission=submission)


def get_document_for_review(user: User, pk: int, document_pk: int) -> ReleaseDocument:
    """Moderators decide on a release; its contributor gets 403, everyone else 404."""
    submission = get_submission_for_review(user, pk)
    return get_object_or_404(ReleaseDocument, pk=document_pk, submission=submission)


class ConsentActionError(Exception):
    """The action is not possible now. The message says why, for the person who tried."""


def require_owner(submission: Submission, actor: User) -> None:
    if submission.contributor_id != actor.pk:
        raise PermissionDenied(_("Only the contributor can do this."))


def require_open(submission: Submission) -> None:
    if submission.status in CLOSED_STATUSES:
        raise ConsentActionError(
            _("This submission is %(status)s: no consent is needed any more.")
            % {"status": submission.get_status_display().lower()}
        )


def lock_open_submission(submission: Submission, actor: User) -> Submission:
    """The submission, locked, once the actor is its contributor and it is still open.

    One consent action at a time per submission: no two requests to one person from a double click.
    """
    locked = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("current_revision")
        .get(pk=submission.pk)
    )
    require_owner(locked, actor)
    require_open(locked)
    return locked


def person_in(revision: Revision, person_key: str) -> DepictedPerson:
    person = revision.persons.filter(person_key=person_key).first()
    if person is None:
        raise ConsentActionError(_("This person is not depicted in the current version."))
    return person
