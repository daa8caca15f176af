"""The moderators' pages: home, queues, the review page, decisions, bulk review."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AuthenticatedRequest
from accounts.models import User
from accounts.selectors import active_sanctions, strike_count, verification_summary
from moderation.access import get_submission_for_review, require_reviewer
from moderation.models import (
    DecisionOutcome,
    Notification,
    Queue,
    ReviewerSettings,
    Status,
    Submission,
)
from moderation.pipeline.checks import REGISTRY
from moderation.pipeline.services import CheckNotAllowed, checks_rerun
from moderation.review.claims import (
    DecisionRefused,
    ReviewConflict,
    review_claim,
    review_claim_next,
    review_release,
)
from moderation.review.decisions import SanctionRequest, review_add_note, review_decide
from moderation.review.forms import BulkDecisionForm, DecisionForm, NoteForm, QueueFilterForm
from moderation.review.queues import QueueFilter, QueuePaginator, decisions_today, queue_figures, queue_items
from moderation.selectors import decisions_for, latest_runs, provenance_summary

QUEUE_PAGE_SIZE = 25
QUEUES = {"review": Queue.REVIEW, "escalated": Queue.ESCALATED, "takedown": Queue.TAKEDOWN, "mine": "mine"}


def _queue_for(request: AuthenticatedRequest, name: str) -> str:
    require_reviewer(request.user)
    if name not in QUEUES:
        raise Http404
    if name == Queue.ESCALATED and not request.user.is_senior_moderator:
        raise PermissionDenied
    return QUEUES[name]


def blur_media(user: User) -> bool:
    settings = ReviewerSettings.objects.filter(user=user).first()
    return settings.blur_media if settings else True


@require_GET
def review_home(request: AuthenticatedRequest) -> HttpResponse:
    """Queue sizes and ages, my decisions today, SLA breaches, and what I hold."""
    require_reviewer(request.user)
    now = timezone.now()
    figures = [
        f for f in queue_figures(now) if f.queue != Queue.ESCALATED or request.user.is_senior_moderator
    ]
    mine = queue_items("mine", QueueFilter(), moderator=request.user, now=now)[:10]
    return render(
        request,
        "moderation/review_home.html",
        {
            "figures": figures,
            "breaches": sum(f.breached for f in figures),
            "decided_today": decisions_today(request.user, now),
            "mine": mine,
            "now": now,
        },
    )


@require_GET
def queue_list(request: AuthenticatedRequest, queue: str) -> HttpResponse:
    """One queue, filtered and sorted, a page at a time (the query count stays flat, and so does
    the cost of a page: see QueuePaginator)."""
    queue_name = _queue_for(request, queue)
    form = QueueFilterForm(request.GET or None)
    item_filter = form.to_filter() if request.GET else QueueFilter()
    now = timezone.now()
    items = queue_items(queue_name, item_filter, moderator=request.user, now=now)
    number = request.GET.get("page")
    page = QueuePaginator(items, QUEUE_PAGE_SIZE, page=number).get_page(number)
    return render(
        request,
        "moderation/queue_list.html",
        {
            "queue": queue,
            "queue_label": Queue(queue).label if queue != "mine" else _("Claimed by me"),
            "form": form,
            "page": page,
            "query": item_filter.as_query(),
            "now": now,
            "can_claim": queue != "mine",
        },
    )


@require_POST
def queue_claim_next(request: AuthenticatedRequest, queue: str) -> HttpResponse:
    queue_name = _queue_for(request, queue)
    item = review_claim_next(moderator=request.user, queue=queue_name)
    if item is None:
        messages.info(request, _("Nothing is waiting in this queue."))
        return redirect("queue_list", queue=queue)
    return redirect("review_item", pk=item.pk)


def _neighbours(item: Submission) -> tuple[int | None, int | None]:
    """The items before and after this one in its queue's priority order (for j / k)."""
    if item.status != Status.AWAITING_REVIEW:
        return None, None
    same_queue = Submission.objects.filter(status=Status.AWAITING_REVIEW, queue=item.queue).exclude(
        pk=item.pk
    )
    # The bounds on priority_rank let the queue index start at this item instead of the top.
    after = (
        same_queue.filter(priority_rank__lte=item.priority_rank)
        .filter(Q(priority_rank__lt=item.priority_rank) | Q(priority_rank=item.priority_rank, id__gt=item.pk))
        .order_by("-priority_rank", "id")
        .values_list("pk", flat=True)
        .first()
    )
    before = (
        same_queue.filter(priority_rank__gte=item.priority_rank)
        .filter(Q(priority_rank__gt=item.priority_rank) | Q(priority_rank=item.priority_rank, id__lt=item.pk))
        .order_by("priority_rank", "-id")
        .values_list("pk", flat=True)
        .first()
    )
    return before, after


def _review_context(
    request: AuthenticatedRequest, item: Submission, form: DecisionForm | None = None
) -> dict:
    revision = item.current_revision
    runs = latest_runs(item.current_revision_id)
    contributor = item.contributor
    earlier = list(
        Submission.objects.filter(contributor=contributor)
        .exclude(pk=item.pk)
        .select_related("current_revision")
        .order_by("-created_at")[:10]
    )
    earlier_decisions = decisions_for([s.current_revision_id for s in earlier if s.current_revision_id])
    before, after = _neighbours(item)
    now = timezone.now()
    return {
        "submission": item,
        "revision": revision,
        "runs": runs,
        "blocking": [f for run in runs for f in run.findings.all() if f.is_blocking],
        "provenance": provenance_summary(runs),
        "form": form or DecisionForm(initial={"version": item.version}),
        "note_form": NoteForm(),
        "notes": item.notes.select_related("author"),
        "earlier": [(s, earlier_decisions.get(s.current_revision_id or 0)) for s in earlier],
        "sanctions": active_sanctions(contributor),
        "strikes": strike_count(contributor),
        "verification": verification_summary(contributor),
        "held_by_me": item.claimed_by_id == request.user.pk and item.claim_is_active(now),
        "held_by_other": item.claim_is_active(now) and item.claimed_by_id != request.user.pk,
        "blur": blur_media(request.user),
        "prev_id": before,
        "next_id": after,
        "can_rerun": item.status not in (Status.DRAFT, Status.WITHDRAWN),
        "check_kinds": sorted(REGISTRY),
        "is_senior": request.user.is_senior_moderator,
        "history": item.decisions.select_related("moderator", "reason").order_by("-created_at"),
        "now": now,
    }


def _load(request: AuthenticatedRequest, pk: int) -> Submission:
    item = get_submission_for_review(
        request.user,
        pk,
        queryset=Submission.objects.select_related("current_revision", "contributor", "claimed_by"),
    )
    if (
        item.queue == Queue.ESCALATED
        and not request.user.is_senior_moderator
        and item.status == Status.AWAITING_REVIEW
    ):
        raise PermissionDenied
    return item


@require_GET
def review_item(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = _load(request, pk)
    return render(request, "moderation/review_item.html", _review_context(request, item))


@require_POST
def review_item_claim(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = _load(request, pk)
    try:
        review_claim(submission=item, moderator=request.user)
    except ReviewConflict as exc:
        return render(
            request, "moderation/conflict.html", {"message": str(exc), "submission": item}, status=409
        )
    return redirect("review_item", pk=pk)


@require_POST
def review_item_heartbeat(request: AuthenticatedRequest, pk: int) -> JsonResponse:
    """Renew the claim while the page is open; say who holds the item otherwise."""
    item = _load(request, pk)
    try:
        item = review_claim(submission=item, moderator=request.user)
    except ReviewConflict as exc:
        return JsonResponse({"held": False, "message": str(exc)}, status=409)
    return JsonResponse(
        {
            "held": True,
            "expires": item.claim_expires_at.isoformat() if item.claim_expires_at else None,
            "version": item.version,
        }
    )


@require_POST
def review_item_release(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = _load(request, pk)
    review_release(submission=item, moderator=request.user)
    return redirect("queue_list", queue=item.queue)


def _sanction_from(data: dict) -> SanctionRequest | None:
    if not data.get("sanction_kind"):
        return None
    return SanctionRequest(
        kind=data["sanction_kind"],
        days=data.get("sanction_days"),
        reported_to_authority=bool(data.get("reported_to_authority")),
    )


@require_POST
def review_item_decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = _load(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return render(
            request, "moderation/review_item.html", _review_context(request, item, form), status=400
        )
    data = form.cleaned_data
    try:
        decision = review_decide(
            submission=item,
            moderator=request.user,
            outcome=data["outcome"],
            expected_version=data["version"],
            reason=data["reason"],
            explanation=data["explanation"],
            note=data["note"],
            override_reason=data["override_reason"],
            sanction=_sanction_from(data),
        )
    except ReviewConflict as exc:
        return render(
            request, "moderation/conflict.html", {"message": str(exc), "submission": item}, status=409
        )
    except DecisionRefused as exc:
        form.add_error(None, str(exc))
        return render(
            request, "moderation/review_item.html", _review_context(request, item, form), status=400
        )
    messages.success(
        request, _("#%(id)s: %(outcome)s.") % {"id": item.pk, "outcome": decision.get_outcome_display()}
    )
    if data.get("then") == "next":
        following = review_claim_next(moderator=request.user, queue=decision.from_queue)
        if following is not None:
            return redirect("review_item", pk=following.pk)
        messages.info(request, _("The queue is empty."))
    return redirect("queue_list", queue=decision.from_queue)


@require_POST
def review_item_note(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = _load(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        review_add_note(submission=item, author=request.user, text=form.cleaned_data["text"])
        messages.success(request, _("Note added."))
    else:
        messages.error(request, _("The note is empty."))
    return redirect(reverse("review_item", args=[pk]) + "#notes")


@require_POST
def submission_rerun_checks(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Re-run one check (`kind`) or all checks of a submission."""
    submission = get_submission_for_review(request.user, pk)
    kind = request.POST.get("kind") or None
    if kind is not None and kind not in REGISTRY:
        messages.error(request, _("There is no check called %(kind)s.") % {"kind": kind})
        return redirect("review_item", pk=pk)
    try:
        runs = checks_rerun(submission=submission, actor=request.user, kinds=[kind] if kind else None)
    except CheckNotAllowed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Running %(count)s check(s) again.") % {"count": len(runs)})
    return redirect("review_item", pk=pk)


@require_POST
def review_settings_toggle_blur(request: AuthenticatedRequest) -> HttpResponse:
    require_reviewer(request.user)
    settings, _created = ReviewerSettings.objects.get_or_create(user=request.user)
    settings.blur_media = not settings.blur_media
    settings.save(update_fields=["blur_media"])
    messages.info(
        request, _("Media start blurred.") if settings.blur_media else _("Media are shown unblurred.")
    )
    back = request.POST.get("back") or ""
    return redirect(back if back.startswith("/review/") else "review_home")


# --- Bulk review -------------------------------------------------------------------------------


def _bulk_candidates(request: AuthenticatedRequest) -> QuerySet[Submission]:
    now = timezone.now()
    return (
        queue_items(Queue.REVIEW, QueueFilter(), now=now)
        .filter(has_blocking_findings=False)
        .filter(Q(claimed_by__isnull=True) | Q(claim_expires_at__lt=now) | Q(claimed_by=request.user))
        .exclude(contributor=request.user)
        .prefetch_related("current_revision__media")
    )


@require_GET
def bulk_grid(request: AuthenticatedRequest) -> HttpResponse:
    """Thumbnails with tier and check badges, for items without blocking findings."""
    require_reviewer(request.user)
    page = Paginator(_bulk_candidates(request), 48).get_page(request.GET.get("page"))
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
    for item in _bulk_candidates(request).filter(pk__in=ids):
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


# --- Notifications ------------------------------------------------------------------------------


@require_GET
def notification_list(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(Notification.objects.filter(user=request.user), 20).get_page(request.GET.get("page"))
    return render(request, "moderation/notifications.html", {"page": page})


@require_POST
def notification_read_all(request: AuthenticatedRequest) -> HttpResponse:
    Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("notification_list")
