"""Bulk review: a grid of items without blocking findings, and one decision applied to the
selected ones, each through review_decide with its own record and audit event."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AuthenticatedRequest
from moderation.access import require_reviewer
from moderation.models import DecisionOutcome
from moderation.review.claims import DecisionRefused, ReviewConflict
from moderation.review.decisions import review_decide
from moderation.review.forms import BulkDecisionForm
from moderation.review.selectors import blur_media, bulk_candidates

BULK_PAGE_SIZE = 48


@require_GET
def bulk_grid(request: AuthenticatedRequest) -> HttpResponse:
    """Thumbnails with tier and check badges, for items without blocking findings."""
    require_reviewer(request.user)
    page = Paginator(bulk_candidates(request.user), BULK_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "moderation/bulk_grid.html",
        {
            "page": page,
            "form": BulkDecisionForm(),
            "blur": blur_media(request.user),
        },
    )


@require_POST
def bulk_decide(request: AuthenticatedRequest) -> HttpResponse:
    """One decision per selected item, each with its own record and audit event."""
    require_reviewer(request.user)
    form = BulkDecisionForm(request.POST)
    ids = [int(value) for value in request.POST.getlist("selected") if value.isdigit()]
    if not form.is_valid() or not ids:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        if not ids:
            messages.error(request, _("Select at least one item."))
        return redirect("bulk_grid")
    data = form.cleaned_data
    outcome = DecisionOutcome.APPROVED if data["action"] == "approve" else DecisionOutcome.REJECTED
    done: list[int] = []
    refused: list[str] = []
    found: set[int] = set()
    for item in bulk_candidates(request.user).filter(pk__in=ids):
        found.add(item.pk)
        try:
            review_decide(
                submission=item,
                moderator=request.user,
                outcome=outcome,
                expected_version=item.version,
                reason=data["reason"],
                explanation=data["explanation"] or "",
                bulk=True,
            )
            done.append(item.pk)
        except (ReviewConflict, DecisionRefused) as exc:
            refused.append(f"#{item.pk}: {exc}")
    for pk in sorted(set(ids) - found):
        refused.append(_("#%(id)s is no longer in the bulk list (decided, claimed or blocked).") % {"id": pk})
    if done:
        messages.success(
            request,
            _("%(outcome)s %(n)s item(s): %(ids)s.")
            % {
                "outcome": DecisionOutcome(outcome).label,
                "n": len(done),
                "ids": ", ".join(f"#{pk}" for pk in done),
            },
        )
    for line in refused:
        messages.error(request, line)
    return redirect("bulk_grid")
