"""An item's whole history in one list, newest first: decisions with their statements of reasons,
publications, refutations, and what other apps plug in (notices, complaints).

`submission_timeline(submission, viewer=…)` is the one selector the contributor's page and the
moderator's item page both use. Apps that add to the history register a source at import time
of their `timeline` module (from their AppConfig.ready), like the lifecycle's hooks:

    from moderation.timeline import Entry, register_timeline_source

    def notice_entries(submission, viewer, as_moderator):
        return [Entry(at=…, kind="notice", title=…)]

    register_timeline_source(notice_entries)

A source sees who is looking: contributors never see who sent a notice.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from moderation.models import (
    Decision,
    DecisionOutcome,
    PublicationRun,
    PublicationStatus,
    Refutation,
    Revision,
    Submission,
)


@dataclass
class Entry:
    at: datetime.datetime
    kind: str
    title: str
    detail: str = ""
    # A decision whose statement of reasons the entry shows.
    decision: Decision | None = None
    # The contributor's link to complain about that decision, while they may.
    complaint_url: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


TimelineSource = Callable[[Submission, User, bool], list[Entry]]
TIMELINE_SOURCES: list[TimelineSource] = []


def register_timeline_source(source: TimelineSource) -> TimelineSource:
    """Add `source(submission, viewer, as_moderator) -> [Entry]` to every item's history. Idempotent."""
    if source not in TIMELINE_SOURCES:
        TIMELINE_SOURCES.append(source)
    return source


def _who(decision: Decision, as_moderator: bool) -> str:
    if decision.moderator_id is None:
        return _("automatically")
    if as_moderator:
        assert decision.moderator is not None
        return _("by %(name)s") % {"name": decision.moderator.get_username()}
    return _("by a moderator")


def _decision_entries(
    submission: Submission, viewer: User, as_moderator: bool, now: datetime.datetime
) -> list[Entry]:
    decisions = Decision.objects.filter(submission=submission).select_related(
        "reason", "moderator", "revision"
    )
    if not as_moderator:
        decisions = decisions.exclude(outcome=DecisionOutcome.ESCALATED)
    window = datetime.timedelta(days=settings.COMPLAINTS_WINDOW_DAYS)
    entries = []
    for decision in decisions:
        detail = decision.reason.display_title if decision.reason else ""
        if as_moderator and decision.note:
            detail = f"{detail}\n{decision.note}".strip()
        if as_moderator and decision.override_reason:
            detail = f"{detail}\n" + _("Override: %(why)s") % {"why": decision.override_reason}
        if not decision.statement and decision.explanation:
            detail = f"{detail}\n{decision.explanation}".strip()
        complaint_url = ""
        if (
            not as_moderator
            and submission.contributor_id == viewer.pk
            and decision.is_restriction
            and now <= decision.created_at + window
        ):
            complaint_url = reverse("complaint_new", args=[decision.pk])
        entries.append(
            Entry(
                at=decision.created_at,
                kind=f"decision-{decision.outcome}",
                title=f"{decision.get_outcome_display()} {_who(decision, as_moderator)}",
                detail=detail,
                decision=decision if decision.statement else None,
                complaint_url=complaint_url,
                extra={"revision": decision.revision.number, "source": decision.get_source_display()},
            )
        )
    return entries


def _revision_entries(submission: Submission) -> list[Entry]:
    revisions = Revision.objects.filter(submission=submission, submitted_at__isnull=False).only(
        "number", "submitted_at"
    )
    return [
        Entry(
            at=revision.submitted_at,
            kind="submitted",
            title=_("Revision %(n)s submitted") % {"n": revision.number},
        )
        for revision in revisions
        if revision.submitted_at is not None
    ]


def _publication_entries(submission: Submission) -> list[Entry]:
    runs = PublicationRun.objects.filter(submission=submission, status=PublicationStatus.PUBLISHED).exclude(
        finished_at__isnull=True
    )
    return [
        Entry(at=run.finished_at, kind="published", title=_("Published with its labels"))
        for run in runs
        if run.finished_at is not None
    ]


def _refutation_entries(submission: Submission, as_moderator: bool) -> list[Entry]:
    entries = []
    for refutation in Refutation.objects.filter(submission=submission):
        if refutation.withdrawn_at is not None:
            entries.append(
                Entry(
                    at=refutation.withdrawn_at,
                    kind="refutation-withdrawn",
                    title=_("Refutation withdrawn"),
                    detail=refutation.withdrawal_reason,
                )
            )
        if as_moderator:
            reported = (
                _("Reported to the authority on %(date)s")
                % {"date": timezone.localdate(refutation.reported_to_authority_at).isoformat()}
                if refutation.reported_to_authority_at
                else _("Not reported to the authority yet")
            )
            entries.append(
                Entry(
                    at=refutation.created_at,
                    kind="refutation",
                    title=_("Refutation shown above the content"),
                    detail=f"“{refutation.text}”\n{reported}",
                    extra={"refutation": refutation},
                )
            )
    return entries


def submission_timeline(
    submission: Submission, *, viewer: User, now: datetime.datetime | None = None
) -> list[Entry]:
    """Everything that happened to the item that the viewer may see, newest first."""
    now = now or timezone.now()
    as_moderator = viewer.is_reviewer and submission.contributor_id != viewer.pk
    entries = _decision_entries(submission, viewer, as_moderator, now)
    entries += _revision_entries(submission)
    entries += _publication_entries(submission)
    entries += _refutation_entries(submission, as_moderator)
    for source in TIMELINE_SOURCES:
        entries += source(submission, viewer, as_moderator)
    return sorted(entries, key=lambda entry: entry.at, reverse=True)
