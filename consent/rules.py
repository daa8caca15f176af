"""The consent rules: what state each depicted person's consent is in, evaluated live from the
records (never from the last check run), and what the contributor can do about it.

`consent_gaps(revision)` is what the review decision service asks before an approval and the
consent check reports; `person_consents` is the evaluation behind both and behind the panel.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consent.models import BiometricKind, Channel, ConsentRecord, ConsentRequest, ReleaseDocument
from consent.requirements import ConsentNeed, consent_need
from consent.texts import RenderedText
from moderation.models import DepictedPerson, Relation, Revision, Status

# A contributor may act on consent until the submission is closed for good.
CLOSED_STATUSES = frozenset({Status.WITHDRAWN, Status.REJECTED})
# Consent changes re-run the consent check while a submission is on its way to a decision.
RECHECK_STATUSES = frozenset({Status.SUBMITTED, Status.CHECKING, Status.AWAITING_REVIEW})


class ConsentState(models.TextChoices):
    NOT_REQUIRED = "not_required", gettext_lazy("Not required")
    GRANTED = "granted", gettext_lazy("Consent given")
    NOT_REQUESTED = "not_requested", gettext_lazy("Not asked yet")
    PENDING = "pending", gettext_lazy("Request pending")
    LINK_EXPIRED = "link_expired", gettext_lazy("Request expired")
    REFUSED = "refused", gettext_lazy("Refused")
    WITHDRAWN = "withdrawn", gettext_lazy("Withdrawn")
    EXPIRED = "expired", gettext_lazy("Consent expired")
    DOCUMENT_PENDING = "document_pending", gettext_lazy("Release awaiting review")
    DOCUMENT_REFUSED = "document_refused", gettext_lazy("Release refused")
    OUTDATED = "outdated", gettext_lazy("Covers an earlier version")


# What the contributor can do about a person: shown as buttons on the panel.
SEND, REMIND, RESEND, UPLOAD, SELF_CONFIRM = "send", "remind", "resend", "upload", "self_confirm"


@dataclass(frozen=True)
class ConsentGap:
    """One depicted person whose consent is missing, and why."""

    person_key: str
    name: str
    relation: str
    state: str
    message: str
    since: datetime | None


@dataclass
class PersonConsent:
    person: DepictedPerson
    state: str
    message: str
    since: datetime | None = None
    record: ConsentRecord | None = None
    request: ConsentRequest | None = None
    document: ReleaseDocument | None = None
    actions: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    # For a self-depiction: the confirmation text the contributor is asked to tick.
    self_text: RenderedText | None = None

    @property
    def is_covered(self) -> bool:
        return self.state in (ConsentState.GRANTED, ConsentState.NOT_REQUIRED)

    @property
    def state_label(self) -> str:
        return str(ConsentState(self.state).label)

    @property
    def badge_class(self) -> str:
        if self.state == ConsentState.GRANTED:
            return "text-bg-success"
        if self.state in (ConsentState.PENDING, ConsentState.DOCUMENT_PENDING):
            return "text-bg-warning"
        return "text-bg-secondary" if self.state == ConsentState.NOT_REQUIRED else "text-bg-danger"

    @property
    def method(self) -> str:
        return self.record.get_method_display() if self.record else ""

    @property
    def evidence(self) -> dict[str, Any]:
        """What proves the consent: for the panel and for findings."""
        evidence: dict[str, Any] = {"person_key": self.person.person_key, "state": self.state}
        if self.since:
            evidence["since"] = self.since.isoformat()
        if self.record:
            evidence.update(
                record=self.record.pk,
                method=self.record.method,
                text_version=self.record.text_version,
                granted_at=self.record.granted_at.isoformat(),
                expires_at=self.record.expires_at.isoformat(),
                files=len(self.record.media_sha256),
                kinds=self.record.biometric_kinds,
            )
        if self.request:
            evidence.update(request=self.request.pk, channel=self.request.channel)
        if self.document:
            evidence.update(document=self.document.pk)
        return evidence

    def gap(self) -> ConsentGap:
        return ConsentGap(
            person_key=self.person.person_key,
            name=self.person.name,
            relation=self.person.relation,
            state=self.state,
            message=self.message,
            since=self.since,
        )


def when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "Y-m-d H:i")


def _scope_gap(item: ConsentRecord | ConsentRequest | ReleaseDocument, need: ConsentNeed) -> str:
    """Why an item does not cover what the revision needs now, in words ('' if it does)."""
    if not need.media_sha256 <= set(item.media_sha256):
        return _("it covers an earlier version of the files")
    missing = [str(BiometricKind(k).label) for k in sorted(need.kinds - set(item.biometric_kinds))]
    if missing:
        return _("it does not cover the %(kinds)s") % {"kinds": ", ".join(missing)}
    return ""


def _evaluate(
    person: DepictedPerson,
    need: ConsentNeed,
    records: list[ConsentRecord],
    requests: list[ConsentRequest],
    documents: list[ReleaseDocument],
    now: datetime,
) -> PersonConsent:
    """Steps: a consent that is active and covers the files and kinds wins; else anything in
    progress (a live link, a release awaiting review), the newest first; else the newest outcome
    (withdrawn, expired, refused, outdated, link expired); else nothing was asked yet."""
    for record in records:
        if record.is_active(now) and not _scope_gap(record, need):
            message = _("consent given on %(date)s (%(method)s), valid until %(expires)s") % {
                "date": when(record.granted_at),
                "method": record.get_method_display(),
                "expires": when(record.expires_at),
            }
            return PersonConsent(person, ConsentState.GRANTED, message, record.granted_at, record=record)

    in_progress: list[PersonConsent] = []
    outcomes: list[PersonConsent] = []
    for request in requests:
        if request.status == ConsentRequest.Status.REFUSED and request.answered_at:
            message = _("refused on %(date)s") % {"date": when(request.answered_at)}
            outcomes.append(
                PersonConsent(person, ConsentState.REFUSED, message, request.answered_at, request=request)
            )
        elif request.status != ConsentRequest.Status.PENDING:
            continue
        elif not request.is_live(now):
            message = _("the request sent on %(sent)s expired unanswered on %(date)s") % {
                "sent": when(request.sent_at),
                "date": when(request.expires_at),
            }
            outcomes.append(
                PersonConsent(person, ConsentState.LINK_EXPIRED, message, request.expires_at, request=request)
            )
        elif gap := _scope_gap(request, need):
            message = _("the request sent on %(date)s is out of date: %(gap)s") % {
                "date": when(request.sent_at),
                "gap": gap,
            }
            outcomes.append(
                PersonConsent(person, ConsentState.OUTDATED, message, request.sent_at, request=request)
            )
        else:
            message = _("request pending since %(date)s (sent by %(channel)s)") % {
                "date": when(request.sent_at),
                "channel": Channel(request.channel).label,
            }
            in_progress.append(
                PersonConsent(person, ConsentState.PENDING, message, request.sent_at, request=request)
            )
    for document in documents:
        if document.status == ReleaseDocument.Status.REFUSED and document.decided_at:
            message = _("release document refused on %(date)s: %(reason)s") % {
                "date": when(document.decided_at),
                "reason": document.refusal_reason,
            }
            outcomes.append(
                PersonConsent(
                    person, ConsentState.DOCUMENT_REFUSED, message, document.decided_at, document=document
                )
            )
        elif document.status != ReleaseDocument.Status.PENDING:
            continue
        elif gap := _scope_gap(document, need):
            message = _("the release document uploaded on %(date)s is out of date: %(gap)s") % {
                "date": when(document.uploaded_at),
                "gap": gap,
            }
            outcomes.append(
                PersonConsent(person, ConsentState.OUTDATED, message, document.uploaded_at, document=document)
            )
        else:
            message = _("release document uploaded on %(date)s, awaiting a moderator's review") % {
                "date": when(document.uploaded_at)
            }
            in_progress.append(
                PersonConsent(
                    person, ConsentState.DOCUMENT_PENDING, message, document.uploaded_at, document=document
                )
            )
    for record in records:
        if record.withdrawn_at is not None:
            message = _("withdrawn on %(date)s") % {"date": when(record.withdrawn_at)}
            outcomes.append(
                PersonConsent(person, ConsentState.WITHDRAWN, message, record.withdrawn_at, record=record)
            )
        elif record.expires_at <= now:
            message = _("expired on %(date)s") % {"date": when(record.expires_at)}
            outcomes.append(
                PersonConsent(person, ConsentState.EXPIRED, message, record.expires_at, record=record)
            )
        else:
            message = _("the consent given on %(date)s is out of date: %(gap)s") % {
                "date": when(record.granted_at),
                "gap": _scope_gap(record, need),
            }
            outcomes.append(
                PersonConsent(person, ConsentState.OUTDATED, message, record.granted_at, record=record)
            )

    for candidates in (in_progress, outcomes):
        if candidates:
            return max(candidates, key=lambda c: c.since or now)
    if person.relation == Relation.SELF:
        message = _("the contributor has not confirmed the self-depiction yet")
    else:
        message = _("no consent request has been sent")
    return PersonConsent(person, ConsentState.NOT_REQUESTED, message)


def _actions(
    consent: PersonConsent, requests: list[ConsentRequest], documents: list[ReleaseDocument], now: datetime
) -> None:
    person = consent.person
    if consent.state in (ConsentState.GRANTED, ConsentState.NOT_REQUIRED):
        return
    if person.relation == Relation.SELF:
        consent.actions.append(SELF_CONFIRM)
        return
    consent.channels = [
        c for c, contact in ((Channel.EMAIL, person.email), (Channel.SMS, person.phone)) if contact
    ]
    pending = [r for r in requests if r.status == ConsentRequest.Status.PENDING]
    if any(r.is_live(now) for r in pending) and consent.state == ConsentState.PENDING:
        consent.actions.append(REMIND)
    if pending and consent.channels:
        consent.actions.append(RESEND)
    elif consent.channels:
        consent.actions.append(SEND)
    if not any(d.status == ReleaseDocument.Status.PENDING for d in documents):
        consent.actions.append(UPLOAD)


def _by_person(rows: "models.QuerySet[Any]", keys: list[str]) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = {key: [] for key in keys}
    for row in rows:
        grouped[row.person_key].append(row)
    return grouped


def person_consents(
    revision: Revision, *, need: ConsentNeed | None = None, now: datetime | None = None
) -> list[PersonConsent]:
    """Each depicted person of the revision with the state of their consent, in three queries."""
    now = now or timezone.now()
    if need is None and not revision.persons.exists():
        return []  # no one depicted: no need to read the files' C2PA actions or any records
    need = need or consent_need(revision)
    keys = [person.person_key for person in need.persons]
    if not keys:
        return []
    scope = {"submission_id": revision.submission_id, "person_key__in": keys}
    records = _by_person(ConsentRecord.objects.filter(**scope).order_by("-granted_at", "-id"), keys)
    requests = _by_person(
        ConsentRequest.objects.filter(**scope)
        .exclude(status=ConsentRequest.Status.SUPERSEDED)
        .order_by("-sent_at", "-id"),
        keys,
    )
    documents = _by_person(
        ReleaseDocument.objects.filter(**scope)
        .exclude(status=ReleaseDocument.Status.SUPERSEDED)
        .order_by("-uploaded_at", "-id"),
        keys,
    )
    consents = []
    for person in need.persons:
        key = person.person_key
        if need.required:
            consent = _evaluate(person, need, records[key], requests[key], documents[key], now)
        else:
            consent = PersonConsent(
                person, ConsentState.NOT_REQUIRED, _("consent is not required for this content")
            )
        _actions(consent, requests[key], documents[key], now)
        consents.append(consent)
    return consents


def consent_gaps(revision: Revision, *, now: datetime | None = None) -> list["ConsentGap"]:
    """One gap per depicted person without an active consent covering this submission, all the
    files of this revision and the biometric kinds it needs; empty when consent is not needed."""
    need = consent_need(revision)
    if not need.required:
        return []
    return [c.gap() for c in person_consents(revision, need=need, now=now) if not c.is_covered]


def has_consented(revision: Revision, person_key: str, *, need: ConsentNeed, now: datetime) -> bool:
    """An active consent of this person already covers the revision."""
    consent = next(
        c for c in person_consents(revision, need=need, now=now) if c.person.person_key == person_key
    )
    return consent.state == ConsentState.GRANTED
