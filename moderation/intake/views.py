"""The contributor's pages: the dashboard, new and draft submissions, detail, withdraw, revise."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import require_contributor
from accounts.http import AuthenticatedRequest
from accounts.services import SubmissionNotAllowed, submission_gate
from consent.selectors import consent_panel_for
from moderation.access import get_submission_for_user
from moderation.intake import services
from moderation.intake.forms import PersonFormSet, SubmissionForm, persons_from
from moderation.intake.services import SubmissionIncomplete, UploadOutcome
from moderation.lifecycle import InvalidTransition
from moderation.models import (
    FINISHED_RUN_STATUSES,
    Decision,
    DecisionOutcome,
    Revision,
    Status,
    Submission,
)
from moderation.publication.deliveries import is_staff_requester
from moderation.publication.downloads import is_ai_content, labelled_renditions
from moderation.publication.selectors import latest_publication
from moderation.selectors import decisions_for, latest_runs
from moderation.timeline import submission_timeline

PAGE_SIZE = 20


@require_GET
def submission_list(request: AuthenticatedRequest) -> HttpResponse:
    """The contributor's dashboard: their submissions, newest first, with check progress."""
    require_contributor(request)
    on_current = Q(check_runs__revision=F("current_revision"))
    submissions = (
        Submission.objects.owned_by(request.user)
        .select_related("current_revision")
        .annotate(
            checks_total=Count("check_runs", filter=on_current),
            checks_done=Count(
                "check_runs", filter=on_current & Q(check_runs__status__in=FINISHED_RUN_STATUSES)
            ),
        )
        .order_by("-created_at", "-id")
    )
    page = Paginator(submissions, PAGE_SIZE).get_page(request.GET.get("page"))
    decisions = decisions_for([s.current_revision_id for s in page if s.current_revision_id])
    rows = [(s, decisions.get(s.current_revision_id or 0)) for s in page]
    return render(
        request,
        "moderation/submission_list.html",
        {"page": page, "rows": rows, "gate": submission_gate(request.user)},
    )


def _report_uploads(request: AuthenticatedRequest, outcome: UploadOutcome) -> None:
    for name, reason in outcome.refused:
        messages.error(
            request, _("%(name)s was not accepted: %(reason)s.") % {"name": name, "reason": reason}
        )
    if outcome.accepted:
        messages.success(request, _("%(count)s file(s) uploaded.") % {"count": len(outcome.accepted)})


def _say_submitted(request: AuthenticatedRequest, submission: Submission) -> None:
    """What happens next, as it stands now: with inline checks they have already finished."""
    submission.refresh_from_db(fields=["status"])
    if submission.status in (Status.SUBMITTED, Status.CHECKING):
        said = _("Submitted. The automated checks are running; a moderator reviews it next.")
    else:
        said = _("Submitted and checked: a moderator reviews it next.")
    messages.success(request, said)


def _submit_after_save(request: AuthenticatedRequest, submission: Submission) -> HttpResponse:
    try:
        services.submission_submit(submission=submission, actor=request.user)
    except SubmissionIncomplete as exc:
        for problem in exc.problems:
            messages.error(request, problem)
        return redirect("submission_edit", pk=submission.pk)
    _say_submitted(request, submission)
    return redirect("submission_detail", pk=submission.pk)


def _create_and_submit(
    request: AuthenticatedRequest, form: SubmissionForm, persons: Any, gate: Any
) -> HttpResponse:
    """Submit from the new form: all or nothing, so a refused file or a missing field leaves no
    draft; the form comes back with what to correct."""
    try:
        submission, outcome = services.submission_create_and_submit(
            contributor=request.user,
            data=form.to_input(persons_from(persons)),
            uploads=form.cleaned_data["media_files"],
        )
    except SubmissionNotAllowed as exc:
        messages.error(request, str(exc))
        return redirect("submission_list")
    except SubmissionIncomplete as exc:
        for problem in exc.problems:
            form.add_error(None, problem)
        if form.cleaned_data.get("media_files"):
            form.add_error("media_files", _("Nothing was saved: choose the files again."))
        context = {"form": form, "persons": persons, "gate": gate, "submission": None}
        return render(request, "moderation/submission_form.html", context, status=400)
    _report_uploads(request, outcome)
    _say_submitted(request, submission)
    return redirect("submission_detail", pk=submission.pk)


@require_POST
def submission_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    submission = get_submission_for_user(request.user, pk, write=True)
    try:
        services.submission_delete_draft(submission=submission, actor=request.user)
    except InvalidTransition as exc:
        messages.error(request, str(exc))
        return redirect("submission_detail", pk=pk)
    messages.success(request, _("Draft deleted."))
    return redirect("submission_list")


@require_http_methods(["GET", "POST"])
def submission_new(request: AuthenticatedRequest) -> HttpResponse:
    require_contributor(request)
    gate = submission_gate(request.user)
    form = SubmissionForm(request.POST or None, request.FILES or None)
    persons = PersonFormSet(request.POST or None, prefix="persons")
    if request.method == "POST" and gate.allowed and form.is_valid() and persons.is_valid():
        if request.POST.get("action") == "submit":
            return _create_and_submit(request, form, persons, gate)
        try:
            submission, outcome = services.submission_create(
                contributor=request.user,
                data=form.to_input(persons_from(persons)),
                uploads=form.cleaned_data["media_files"],
            )
        except SubmissionNotAllowed as exc:
            messages.error(request, str(exc))
            return redirect("submission_list")
        _report_uploads(request, outcome)
        if outcome.refused or request.POST.get("action") != "submit":
            messages.info(request, _("Saved as a draft."))
            return redirect("submission_edit", pk=submission.pk)
        return _submit_after_save(request, submission)
    return render(
        request,
        "moderation/submission_form.html",
        {
            "form": form,
            "persons": persons,
            "gate": gate,
            "submission": None,
            "consent_notice_version": settings.CONSENT_NOTICE_VERSION,
        },
    )


def _changes_asked(submission: Submission, revision: Revision) -> Decision | None:
    """The moderator's "changes requested" decision on the revision before this draft, if any:
    the revise form shows what was asked."""
    if revision.number < 2:
        return None
    return (
        Decision.objects.filter(
            submission=submission,
            revision__number=revision.number - 1,
            outcome=DecisionOutcome.CHANGES_REQUESTED,
        )
        .select_related("reason")
        .order_by("-created_at")
        .first()
    )


@require_http_methods(["GET", "POST"])
def submission_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    submission = get_submission_for_user(request.user, pk, write=True)
    if submission.status != Status.DRAFT or submission.current_revision is None:
        messages.error(request, _("Only a draft can be edited."))
        return redirect("submission_detail", pk=pk)
    revision: Revision = submission.current_revision
    gate = submission_gate(request.user)
    if request.method == "POST":
        form = SubmissionForm(request.POST, request.FILES)
        persons = PersonFormSet(request.POST, prefix="persons")
        if gate.allowed and form.is_valid() and persons.is_valid():
            remove_ids = [int(v) for v in request.POST.getlist("remove_media") if v.isdigit()]
            try:
                outcome = services.submission_update_draft(
                    submission=submission,
                    actor=request.user,
                    data=form.to_input(persons_from(persons)),
                    uploads=form.cleaned_data["media_files"],
                    remove_media_ids=remove_ids,
                )
            except (InvalidTransition, SubmissionNotAllowed) as exc:
                messages.error(request, str(exc))
                return redirect("submission_detail", pk=pk)
            _report_uploads(request, outcome)
            if outcome.refused or request.POST.get("action") != "submit":
                messages.info(request, _("Draft saved."))
                return redirect("submission_edit", pk=pk)
            return _submit_after_save(request, submission)
    else:
        form = SubmissionForm(initial=SubmissionForm.initial_from(revision))
        persons = PersonFormSet(
            prefix="persons",
            initial=[
                {
                    "name": p.name,
                    "relation": p.relation,
                    "email": p.email,
                    "phone": p.phone,
                    "person_key": p.person_key,
                }
                for p in revision.persons.all()
            ],
        )
    return render(
        request,
        "moderation/submission_form.html",
        {
            "form": form,
            "persons": persons,
            "gate": gate,
            "submission": submission,
            "media": revision.media.all(),
            "asked": _changes_asked(submission, revision),
            "consent_notice_version": settings.CONSENT_NOTICE_VERSION,
        },
    )


@require_GET
def submission_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    submission = get_submission_for_user(
        request.user, pk, queryset=Submission.objects.select_related("current_revision", "contributor")
    )
    revision = submission.current_revision
    media_items = list(revision.media.all()) if revision else []
    labelled = labelled_renditions(submission)
    for item in media_items:
        item.labelled = labelled.get(item.pk)  # type: ignore[attr-defined]
    is_owner = submission.contributor_id == request.user.pk
    return render(
        request,
        "moderation/submission_detail.html",
        {
            "submission": submission,
            "revision": revision,
            "media_items": media_items,
            # AI content downloads with its label (R19); its original only on a logged request (R32).
            "ai_content": is_ai_content(submission, revision),
            "can_ask_unlabelled": submission.status != Status.DRAFT
            and (is_owner or is_staff_requester(request.user)),
            "runs": latest_runs(submission.current_revision_id),
            "timeline": submission_timeline(submission, viewer=request.user),
            "consent_panel": consent_panel_for(submission, request.user),
            "publication": latest_publication(submission),
            "is_owner": is_owner,
            "can_rerun": request.user.is_reviewer
            and submission.contributor_id != request.user.pk
            and submission.status not in (Status.DRAFT, Status.WITHDRAWN),
        },
    )


@require_GET
def submission_checks_status(request: AuthenticatedRequest, pk: int) -> JsonResponse:
    """Live check status for the detail page, polled while checks run."""
    submission = get_submission_for_user(request.user, pk)
    runs = latest_runs(submission.current_revision_id)
    publication = latest_publication(submission) if submission.status == Status.PUBLISHING else None
    return JsonResponse(
        {
            "status": submission.status,
            "status_display": submission.get_status_display(),
            "version": submission.version,
            "publication": {"status": publication.status, "progress": publication.progress}
            if publication
            else None,
            "finished": all(run.is_finished for run in runs),
            "checks": [
                {
                    "id": run.pk,
                    "kind": run.kind,
                    "status": run.status,
                    "status_display": run.get_status_display(),
                    "summary": run.display_summary,
                    "findings": len(run.findings.all()),
                    "attempts": run.attempts,
                }
                for run in runs
            ],
        }
    )


@require_POST
def submission_submit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    submission = get_submission_for_user(request.user, pk, write=True)
    try:
        return _submit_after_save(request, submission)
    except (InvalidTransition, SubmissionNotAllowed) as exc:
        messages.error(request, str(exc))
        return redirect("submission_detail", pk=pk)


@require_POST
def submission_withdraw(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    submission = get_submission_for_user(request.user, pk, write=True)
    try:
        services.submission_withdraw(submission=submission, actor=request.user)
    except InvalidTransition as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Withdrawn. It will not be published."))
    return redirect("submission_detail", pk=pk)


@require_POST
def submission_revise(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    submission = get_submission_for_user(request.user, pk, write=True)
    correcting = submission.status == Status.AWAITING_REVIEW
    try:
        services.submission_start_revision(submission=submission, actor=request.user)
    except (InvalidTransition, SubmissionNotAllowed) as exc:
        messages.error(request, str(exc))
        return redirect("submission_detail", pk=pk)
    if correcting:
        said = _(
            "A new revision is open: correct it, then submit it again. It left the review queue meanwhile."
        )
    else:
        said = _("A new revision is open. Make the requested changes, then submit again.")
    messages.info(request, said)
    return redirect("submission_edit", pk=pk)
