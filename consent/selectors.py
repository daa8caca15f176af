"""Reads of the consent pages: the consent panel of the submission and review pages, computed
by the views (the evaluation itself is consent.rules)."""

from dataclasses import dataclass
from datetime import datetime

from accounts.models import User
from consent import texts
from consent.models import ConsentRecord, ReleaseDocument
from consent.requirements import ConsentNeed, consent_need
from consent.rules import CLOSED_STATUSES, SELF_CONFIRM, PersonConsent, person_consents
from consent.scope import scope_of, text_params
from moderation.models import Submission


def consent_overview(submission: Submission, *, now: datetime | None = None) -> list[PersonConsent]:
    """Per depicted person of the current revision: state, method, when, evidence, actions."""
    if submission.current_revision is None:
        return []
    return person_consents(submission.current_revision, now=now)


@dataclass
class ConsentPanel:
    need: ConsentNeed | None
    people: list[PersonConsent]
    documents_to_review: list[ReleaseDocument]
    can_act: bool


def consent_panel(submission: Submission, *, is_owner: bool, is_reviewer: bool) -> ConsentPanel:
    """Everything the consent panel of the submission page shows."""
    revision = submission.current_revision
    if revision is None:
        return ConsentPanel(None, [], [], False)
    need = consent_need(revision)
    people = person_consents(revision, need=need)
    documents: list[ReleaseDocument] = []
    if is_reviewer and not is_owner:
        documents = list(
            ReleaseDocument.objects.filter(
                submission=submission, status=ReleaseDocument.Status.PENDING
            ).order_by("uploaded_at", "id")
        )
    return ConsentPanel(
        need=need,
        people=people,
        documents_to_review=documents,
        can_act=is_owner and submission.status not in CLOSED_STATUSES,
    )


def consent_panel_for(submission: Submission, viewer: User) -> ConsentPanel:
    """The panel for whoever is looking: actions for the contributor, releases to decide for
    moderators. A self-depiction comes with the exact confirmation text the contributor ticks."""
    panel = consent_panel(
        submission, is_owner=submission.contributor_id == viewer.pk, is_reviewer=viewer.is_reviewer
    )
    revision = submission.current_revision
    for person in panel.people:
        if SELF_CONFIRM in person.actions and panel.need is not None and revision is not None:
            scope = ConsentRecord(**scope_of(revision, person.person, panel.need))
            person.self_text = texts.render(
                texts.SELF, **text_params(scope, contributor=submission.contributor)
            )
    return panel
