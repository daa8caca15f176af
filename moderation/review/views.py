"""The moderators' pages: home, queues, the review page, claims, decisions, notes, re-runs."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AuthenticatedRequest
from moderation.access import (
    can_work_queue,
    get_item_for_review,
    require_queue,
    require_reviewer,
)
from moderation.models import (
    DeepfakeMark,
    Queue,
    Submission,
)
from moderation.pipeline.checks import REGISTRY
from moderation.pipeline.services import CheckNotAllowed, checks_rerun
from moderation.publication.disclosure import disclosure_for
from moderation.review.casework import conflict_page
from moderation.review.claims import (
    DecisionRefused,
    ReviewConflict,
    review_claim,
    review_claim_next,
    review_release,
)
from moderation.review.decisions import (
    SanctionRequest,
    review_add_note,
    review_decide,
    reviewer_settings_toggle_blur,
)
from moderation.review.deepfakes import UNMARKABLE, DeepfakeRefused, deepfake_mark, deepfake_unmark
from moderation.review.forms import DecisionForm, DeepfakeClearForm, DeepfakeForm, NoteForm, QueueFilterForm
from moderation.review.queues import QueueFilter, QueuePaginator, decisions_today, queue_figures, queue_items
from moderation.review.selectors import review_page

QUEUE_PAGE_SIZE = 25
QUEUES = {"review": Queue.REVIEW, "escalated": Queue.ESCALATED, "takedown": Queue.TAKEDOWN, "mine": "mine"}


def _queue_for(request: AuthenticatedRequest, name: str) -> str:
    require_reviewer(request.user)
    if name not in QUEUES:
        raise Http404
    if name != "mine":
        require_queue(request.user, name)
    return QUEUES[name]


@require_GET
def review_home(request: AuthenticatedRequest) -> HttpResponse:
    """Queue sizes and ages, my decisions today, SLA breaches, and what I hold."""
    require_reviewer(request.user)
    now = timezone.now()
    figures = [f for f in queue_figures(now) if can_work_queue(request.user, f.queue)]
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


def review_context(
    request: AuthenticatedRequest,
    item: Submission,
    form: DecisionForm | None = None,
    *,
    extra: dict[str, object] | None = None,
) -> dict:
    """The review page's context; `extra` replaces the publication stage's forms (bound, with errors)."""
    from moderation.publication.forms import RefuteForm, ReinstateForm, TakedownForm

    initial = {"version": item.version}
    page = review_page(item, moderator=request.user)
    form = form or DecisionForm(initial=initial)
    form.suggest(page["suggested_reasons"])
    context = {
        **page,
        "form": form,
        "note_form": NoteForm(),
        "consent_notice_version": settings.CONSENT_NOTICE_VERSION,
        **_deepfake_context(item),
    }
    if context["can_take_down"]:
        context["takedown_form"] = TakedownForm(initial=initial)
        context["refute_form"] = RefuteForm(initial=initial)
    if context["can_reinstate"]:
        context["reinstate_form"] = ReinstateForm(initial=initial)
    context.update(extra or {})
    return context


# The deepfake form shares field names with the decision form ("reason"): its own ids, so each
# label points at its own field (one id per page).
DEEPFAKE_IDS = "id_deepfake_%s"


def _deepfake_context(item: Submission, form: DeepfakeForm | None = None) -> dict[str, object]:
    mark = DeepfakeMark.objects.filter(submission_id=item.pk).select_related("marked_by").first()
    initial = (
        {"reason": mark.reason, "exception": mark.exception, "exception_reason": mark.exception_reason}
        if mark
        else None
    )
    return {
        "deepfake_mark": mark,
        "deepfake_disclosure": disclosure_for(item, mark) if mark else None,
        "deepfake_form": form or DeepfakeForm(initial=initial, auto_id=DEEPFAKE_IDS)
        if item.status not in UNMARKABLE
        else None,
        "deepfake_clear_form": DeepfakeClearForm() if mark else None,
    }


def _load(request: AuthenticatedRequest, pk: int) -> Submission:
    return get_item_for_review(
        request.user,
        pk,
        queryset=Submission.objects.select_related("current_revision", "contributor", "claimed_by"),
    )


@require_GET
def review_item(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = _load(request, pk)
    return render(request, "moderation/review_item.html", review_context(request, item))


@require_POST
def review_item_claim(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = _load(request, pk)
    try:
        review_claim(submission=item, moderator=request.user)
    except ReviewConflict as exc:
        return conflict_page(request, item, exc)
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
        return render(request, "moderation/review_item.html", review_context(request, item, form), status=400)
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
            authority=form.authority(),
        )
    except ReviewConflict as exc:
        return conflict_page(request, item, exc)
    except DecisionRefused as exc:
        # At its field when it has one (a missing reason under the reason), else above the form.
        form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        return render(request, "moderation/review_item.html", review_context(request, item, form), status=400)
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
    if not form.is_valid():
        # The page again with the text kept and the form's own reason (too long, a NUL byte, empty).
        context = review_context(request, item, extra={"note_form": form})
        return render(request, "moderation/review_item.html", context, status=400)
    review_add_note(submission=item, author=request.user, text=form.cleaned_data["text"])
    messages.success(request, _("Note added."))
    return redirect(reverse("review_item", args=[pk]) + "#notes")


@require_POST
def submission_rerun_checks(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Re-run one check (`kind`) or all checks of a submission (an escalated one: seniors only)."""
    submission = get_item_for_review(request.user, pk)
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
    blurred = reviewer_settings_toggle_blur(user=request.user)
    messages.info(request, _("Media start blurred.") if blurred else _("Media are shown unblurred."))
    back = request.POST.get("back") or ""
    return redirect(back if back.startswith("/review/") else "review_home")


@require_POST
def review_item_deepfake(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Mark the item as a deepfake, or change the mark and its exception (R20)."""
    item = _load(request, pk)
    form = DeepfakeForm(request.POST, auto_id=DEEPFAKE_IDS)
    if not form.is_valid():
        context = review_context(request, item, extra=_deepfake_context(item, form))
        return render(request, "moderation/review_item.html", context, status=400)
    try:
        deepfake_mark(
            submission=item,
            moderator=request.user,
            reason=form.cleaned_data["reason"],
            exception=form.cleaned_data["exception"],
            exception_reason=form.cleaned_data["exception_reason"],
        )
    except DeepfakeRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Marked as a deepfake: the published page discloses it."))
    return redirect("review_item", pk=pk)


@require_POST
def review_item_deepfake_clear(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = _load(request, pk)
    form = DeepfakeClearForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the item is not a deepfake after all."))
        return redirect("review_item", pk=pk)
    try:
        deepfake_unmark(submission=item, moderator=request.user, reason=form.cleaned_data["reason"])
    except DeepfakeRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The deepfake mark was withdrawn."))
    return redirect("review_item", pk=pk)
