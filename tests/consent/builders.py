"""Submissions that need consent, and the consent steps, through the real services."""

import re
from typing import Any

from django.core import mail
from django.utils import timezone

from accounts import sms
from accounts.models import User
from consent.models import ConsentRequest
from consent.services import consent_request_send
from moderation.intake.services import PersonInput, RevisionInput, submission_start_revision
from moderation.models import CheckRun, DepictedPerson, Relation, Status, Submission
from tests.moderation.builders import draft, person, submitted, unique_image

LINK = re.compile(r"https?://[^/\s]+(/consent/[^\s]+/)")
CAROL = {"name": "Carol Chen", "relation": Relation.OTHER, "email": "carol@example.com"}


def needing_consent(
    contributor: User, run_commit_hooks: Any, *, submit: bool = True, **overrides: Any
) -> Submission:
    """A face swap of Carol, submitted, checks run: the consent check is waiting for her."""
    values: dict[str, Any] = {
        "declared_ai": True,
        "categories": ["face_swap"],
        "no_real_person": False,
        "persons": [person()],
        "files": [unique_image()],
    }
    values.update(overrides)
    with run_commit_hooks(execute=True):
        submission = submitted(contributor, **values) if submit else draft(contributor, **values)
    submission.refresh_from_db()
    return submission


def person_key(submission: Submission, name: str = "Carol Chen") -> str:
    return DepictedPerson.objects.get(revision=submission.current_revision, name=name).person_key


def links_in(text: str) -> list[str]:
    return LINK.findall(text)


def last_link_to(address: str) -> str:
    """The path of the consent link in the newest e-mail or text message to `address`."""
    for message in reversed(mail.outbox):
        if address in message.to:
            return links_in(message.body)[0]
    for text in reversed(sms.outbox):
        if text.to == address:
            return links_in(text.body)[0]
    raise AssertionError(f"no message to {address}")


def ask(
    submission: Submission, run_commit_hooks: Any, *, channel: str = "email", **kwargs: Any
) -> ConsentRequest:
    with run_commit_hooks(execute=True):
        return consent_request_send(
            submission=submission,
            person_key=kwargs.pop("key", None) or person_key(submission),
            channel=channel,
            actor=submission.contributor,
            **kwargs,
        )


def token_of(path: str) -> str:
    """The signed part of a link: the one segment with the signer's separators in it."""
    return next(part for part in path.split("/") if ":" in part)


def latest_consent_run(submission: Submission) -> CheckRun:
    return CheckRun.objects.filter(revision=submission.current_revision, kind="consent").latest(
        "created_at", "id"
    )


def new_revision(submission: Submission, *, files: list | None = None, **changes: Any) -> Submission:
    """After "changes requested": a new revision, optionally with other files, submitted again."""
    from moderation.intake.services import submission_submit, submission_update_draft

    Submission.objects.filter(pk=submission.pk).update(
        status=Status.CHANGES_REQUESTED, decided_at=timezone.now()
    )
    submission.refresh_from_db()
    revision = submission_start_revision(submission=submission, actor=submission.contributor)
    # A new revision asks for the consent notice again (R24): the contributor ticks it anew.
    values: dict[str, Any] = {
        "title": revision.title,
        "body": revision.body,
        "declared_ai": revision.declared_ai,
        "categories": [c.value for c in revision.categories],
        "region": revision.region,
        "no_real_person": revision.no_real_person,
        "fictional_person": revision.fictional_person,
        "fictional_statement": revision.fictional_statement,
        "consent_notice_acknowledged": True,
        "persons": [
            PersonInput(
                name=p.name, relation=p.relation, email=p.email, phone=p.phone, person_key=p.person_key
            )
            for p in revision.persons.all()
        ],
    }
    values.update(changes)
    submission_update_draft(
        submission=submission,
        actor=submission.contributor,
        data=RevisionInput(**values),
        uploads=files or [],
        remove_media_ids=list(revision.media.values_list("pk", flat=True)) if files else [],
    )
    submission_submit(submission=submission, actor=submission.contributor)
    submission.refresh_from_db()
    return submission
