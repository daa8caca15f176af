"""Moderators' actions on published content, from the item's review page: take down or restrict,
reinstate (senior moderators), refute; and the refutations page with the report log.

A refused action re-renders the review page with the form and its error (HTTP 400); a stale
page or another moderator's lease answers 409, like a review decision."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AuthenticatedRequest
from moderation.access import get_item_for_review, require_reviewer
from moderation.models import DecisionSource, Refutation, Submission
from moderation.publication.forms import (
    RefutationReportForm,
    RefutationWithdrawForm,
    RefuteForm,
    ReinstateForm,
    TakedownForm,
)
from moderation.publication.refutations import (
    RefutationRefused,
    publication_refute,
    refutation_report_to_authority,
    refutation_withdraw,
)
from moderation.publication.takedown import TakedownRefused, publication_reinstate, publication_take_down
from moderation.review.casework import conflict_page
from moderation.review.claims import ReviewConflict
from moderation.review.views import review_context

REFUTATIONS_PAGE_SIZE = 50


def _load(request: AuthenticatedRequest, pk: int) -> Submission:
    return get_item_for_review(
        request.user,
        pk,
        queryset=Submission.objects.select_related("current_revision", "contributor", "claimed_by"),
    )


def _again(request: AuthenticatedRequest, item: Submission, error: str = "", **forms: object) -> HttpResponse:
    context = review_context(request, item, extra=forms)
    if error:
        context["publication_error"] = error
    return render(request, "moderation/review_item.html", context, status=400)


@require_POST
def item_take_down(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = _load(request, pk)
    form = TakedownForm(request.POST)
    if not form.is_valid():
        return _again(request, item, takedown_form=form)
    try:
        decision = publication_take_down(
            submission=item,
            moderator=request.user,
            request=form.to_request(DecisionSource.OWN_INITIATIVE),
            expected_version=form.cleaned_data["version"],
        )
    except ReviewConflict as exc:
        return conflict_page(request, item, exc)
    except TakedownRefused as exc:
        return _again(request, item, str(exc), takedown_form=form)
    messages.success(
        request, _("#%(id)s: %(outcome)s.") % {"id": item.pk, "outcome": decision.get_outcome_display()}
    )
    return redirect("review_item", pk=pk)


@require_POST
def item_reinstate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = _load(request, pk)
    form = ReinstateForm(request.POST)
    if not form.is_valid():
        return _again(request, item, reinstate_form=form)
    try:
        publication_reinstate(
            submission=item,
            actor=request.user,
            explanation=form.cleaned_data["explanation"],
            expected_version=form.cleaned_data["version"],
        )
    except ReviewConflict as exc:
        return conflict_page(request, item, exc)
    except TakedownRefused as exc:
        return _again(request, item, str(exc), reinstate_form=form)
    messages.success(request, _("#%(id)s is being published again.") % {"id": item.pk})
    return redirect("review_item", pk=pk)


@require_POST
def item_refute(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = _load(request, pk)
    form = RefuteForm(request.POST)
    if not form.is_valid():
        return _again(request, item, refute_form=form)
    data = form.cleaned_data
    try:
        publication_refute(
            submission=item,
            moderator=request.user,
            reason=data["reason"],
            text=data["text"],
            explanation=data["explanation"],
            source_url=data["source_url"],
            expected_version=data["version"],
        )
    except ReviewConflict as exc:
        return conflict_page(request, item, exc)
    except RefutationRefused as exc:
        return _again(request, item, str(exc), refute_form=form)
    messages.success(request, _("#%(id)s now carries the refutation.") % {"id": item.pk})
    return redirect("review_item", pk=pk)


@require_GET
def refutation_list(request: AuthenticatedRequest) -> HttpResponse:
    """Every refutation, those not yet reported to the authority first: the report log (R29)."""
    require_reviewer(request.user)
    refutations = Refutation.objects.select_related(
        "submission__current_revision", "created_by", "reported_by", "withdrawn_by"
    ).order_by("reported_to_authority_at", "-created_at", "-id")
    page = Paginator(refutations, REFUTATIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "moderation/refutations.html", {"page": page})


def _refutation(request: AuthenticatedRequest, pk: int) -> Refutation:
    require_reviewer(request.user)
    return get_object_or_404(Refutation.objects.select_related("submission"), pk=pk)


@require_POST
def refutation_report(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    refutation = _refutation(request, pk)
    form = RefutationReportForm(request.POST)
    if form.is_valid():
        try:
            refutation_report_to_authority(
                refutation=refutation,
                actor=request.user,
                reported_at=form.reported_at(),
                reference=form.cleaned_data["reference"],
            )
        except RefutationRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The report to the authority is recorded."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("refutation_list")


@require_POST
def refutation_withdraw_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    refutation = _refutation(request, pk)
    form = RefutationWithdrawForm(request.POST)
    if form.is_valid():
        try:
            refutation_withdraw(refutation=refutation, actor=request.user, reason=form.cleaned_data["reason"])
        except RefutationRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The refutation was withdrawn."))
    else:
        messages.error(request, _("Say why the refutation is withdrawn."))
    return redirect("refutation_list")
