"""The pages every leased queue shares, for the cases worked on top of a submission (the notices
queue's cases, the complaints queue): claim next, claim, decide, and the 409 page.

Each app's views load the case through its own access helper and call its own services; what is
shared here is how the answer looks:
1. claim next goes to the case page, or back to the queue with a message when nothing is waiting;
2. a claim goes to the case page;
3. a decision goes back to the queue with a message saying what was done; an invalid form or a
   refusal shows the case page again with the error (HTTP 400);
4. a stale page or someone else's lease (ReviewConflict) answers 409 with moderation/conflict.html,
   as it does on the review page (moderation.review.views) and for actions on published content.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from accounts.http import AuthenticatedRequest
from accounts.models import User
from moderation.models import Submission
from moderation.review.claims import Leased, ReviewConflict


class Case(Protocol):
    """A leased row about one submission (a moderation.models.LeasedItem with a `submission`)."""

    pk: Any

    @property
    def submission(self) -> Submission | None: ...


CaseT = TypeVar("CaseT", bound=Case)


def conflict_page(
    request: AuthenticatedRequest, submission: Submission | None, exc: Exception
) -> HttpResponse:
    """Nothing was applied: someone else holds the item or it changed since the page was loaded."""
    return render(
        request, "moderation/conflict.html", {"message": str(exc), "submission": submission}, status=409
    )


def lease_context(case: Leased, viewer: User, now: datetime.datetime) -> dict[str, bool]:
    """Whether the case page offers the decision (the viewer holds the lease) or says who does."""
    return {
        "held_by_me": case.claimed_by_id == viewer.pk and case.claim_is_active(now),
        "held_by_other": case.claim_is_active(now) and case.claimed_by_id != viewer.pk,
    }


@dataclass(frozen=True)
class CasePages(Generic[CaseT]):
    """The names one leased queue's pages go by, given once by the app's views module."""

    queue: str  # URL name of the queue
    case_page: str  # URL name of the case page (takes pk)
    template: str  # the case page's template
    context: Callable[[AuthenticatedRequest, CaseT, Any], dict[str, Any]]  # the case page's, given the form
    refused: type[Exception]  # what the decide service raises to refuse (shown above the form)

    def claimed_next(
        self, request: AuthenticatedRequest, case: CaseT | None, *, none_waiting: str
    ) -> HttpResponse:
        """Where "claim next" leads: the case it claimed, or the queue saying nothing is waiting."""
        if case is None:
            messages.info(request, none_waiting)
            return redirect(self.queue)
        return redirect(self.case_page, pk=case.pk)

    def claim(self, request: AuthenticatedRequest, case: CaseT, take: Callable[[], object]) -> HttpResponse:
        """Take the lease with `take` (the app's claim service) and show the case, or answer 409."""
        try:
            take()
        except ReviewConflict as exc:
            return conflict_page(request, case.submission, exc)
        return redirect(self.case_page, pk=case.pk)

    def decide(
        self, request: AuthenticatedRequest, case: CaseT, form: forms.Form, act: Callable[[], str]
    ) -> HttpResponse:
        """Validate `form`, then `act` on its data (through the app's decide service; it returns what
        to tell the moderator) and go back to the queue.

        An invalid form, or an `act` that raises `refused` (shown above the form), shows the case
        page again with the form, with status 400; a ReviewConflict answers 409."""
        if not form.is_valid():
            return render(request, self.template, self.context(request, case, form), status=400)
        try:
            done = act()
        except ReviewConflict as exc:
            return conflict_page(request, case.submission, exc)
        except self.refused as exc:
            form.add_error(None, str(exc))
            return render(request, self.template, self.context(request, case, form), status=400)
        messages.success(request, done)
        return redirect(self.queue)
