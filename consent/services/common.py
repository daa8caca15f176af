"""What the consent services share: errors, the locked submission, scope snapshots, new records,
re-running the check, wording."""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import record_event
from consent import texts, tokens
from consent.models import ConsentRecord, Scope
from consent.requirements import ConsentNeed
from consent.selectors import CLOSED_STATUSES, ConsentState, person_consents
from moderation.models import Category, DepictedPerson, Region, Revision, Status, Submission
from moderation.pipeline.services import checks_rerun

# Consent changes re-run the consent check while a submission is on its way to a decision.
RECHECK_STATUSES = frozenset({Status.SUBMITTED, Status.CHECKING, Status.AWAITING_REVIEW})


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


def scope_of(revision: Revision, person: DepictedPerson, need: ConsentNeed) -> dict[str, Any]:
    """The snapshot a request, document or consent keeps of what it is about."""
    return {
        "submission_id": revision.submission_id,
        "revision": revision,
        "person_key": person.person_key,
        "person_name": person.name,
        "media_sha256": sorted(need.media_sha256),
        "biometric_kinds": sorted(need.kinds),
        "categories": [c.value for c in revision.categories],
        "region": revision.region,
    }


def scope_copy(item: Scope) -> dict[str, Any]:
    """The snapshot of a request or document, for the consent record it turns into."""
    return {
        "submission_id": item.submission_id,
        "revision": item.revision,
        "person_key": item.person_key,
        "person_name": item.person_name,
        "media_sha256": item.media_sha256,
        "biometric_kinds": item.biometric_kinds,
        "categories": item.categories,
        "region": item.region,
    }


def has_consented(revision: Revision, person_key: str, *, need: ConsentNeed, now: datetime) -> bool:
    """An active consent of this person already covers the revision."""
    consent = next(
        c for c in person_consents(revision, need=need, now=now) if c.person.person_key == person_key
    )
    return consent.state == ConsentState.GRANTED


def new_record(
    scope: dict[str, Any], *, method: str, now: datetime, ip: str | None, user_agent: str, **fields: Any
) -> ConsentRecord:
    """A separate consent given now, valid for CONSENT_VALIDITY_DAYS, with its own withdrawal
    nonce; not saved yet, so that its text can be rendered from it first."""
    return ConsentRecord(
        **scope,
        method=method,
        separate=True,
        language=get_language() or settings.LANGUAGE_CODE,
        granted_at=now,
        ip=ip,
        user_agent=user_agent[:400],
        expires_at=now + timedelta(days=settings.CONSENT_VALIDITY_DAYS),
        withdraw_nonce=tokens.new_nonce(),
        **fields,
    )


def recheck(submission: Submission, *, decided_too: bool = False) -> None:
    """Re-run the consent check when its inputs changed, if the submission has checks to run."""
    submission.refresh_from_db(fields=["status"])
    statuses = RECHECK_STATUSES | {Status.PUBLISHING, Status.APPROVED} if decided_too else RECHECK_STATUSES
    if submission.status in statuses:
        checks_rerun(submission=submission, actor=None, kinds=["consent"])


def audit(action: str, *, submission: Submission, actor: User | None = None, **details: Any) -> None:
    record_event(action=action, actor=actor, target=submission, details=details)


def mask_contact(contact: str) -> str:
    """Enough of an address or number to recognise it, not enough to use it (audit trail)."""
    if "@" in contact:
        local, _sep, domain = contact.partition("@")
        return f"{local[:1]}***@{domain}"
    return f"{contact[:3]}****{contact[-2:]}" if len(contact) > 6 else "****"


def person_name_of(user: User) -> str:
    return user.get_full_name() or user.get_username()


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def text_params(scope: Scope, *, contributor: User, name: str | None = None) -> dict[str, object]:
    """The words a consent text is filled with, from what the scope snapshot covers."""
    categories = [str(Category(c).label) for c in scope.categories] or [_("none declared")]
    return {
        "name": name or scope.person_name,
        "contributor": person_name_of(contributor),
        "title": scope.revision.title,
        "site": settings.SITE_NAME,
        "kinds": ", ".join(scope.kind_labels) or _("likeness"),
        "categories": ", ".join(categories),
        "region": Region(scope.region).label if scope.region else Region.OTHER.label,
        "files": len(scope.media_sha256),
        "days": settings.CONSENT_VALIDITY_DAYS,
    }


def person_text(scope: Scope, *, contributor: User, version: str | None = None) -> texts.RenderedText:
    return texts.render(texts.PERSON, version, **text_params(scope, contributor=contributor))


def as_iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
