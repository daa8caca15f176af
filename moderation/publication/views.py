"""The published page: approved content with its AI reminder beside the media (R12), and the
labelled renditions, which are also what a download gives (R19). Public: this is what readers see."""

from django.contrib.auth.decorators import login_not_required
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from labels.publish import wording
from moderation.models import Submission, Tier
from moderation.publication.disclosure import disclosure_for
from moderation.publication.downloads import rendition_download_name
from moderation.publication.regions import withheld_response
from moderation.publication.selectors import published_renditions
from privatemedia.serving import serve_private

REMINDER_CLASS = {Tier.CONFIRMED: "danger", Tier.POSSIBLE: "warning", Tier.SUSPECTED: "secondary"}


def _published(pk: int) -> Submission:
    return get_object_or_404(Submission.objects.published().select_related("current_revision"), pk=pk)


@login_not_required
@require_GET
def publication(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _published(pk)
    if (withheld := withheld_response(request, submission)) is not None:
        return withheld  # restricted in the reader's region (HTTP 451)
    renditions = list(published_renditions(submission).select_related("media"))
    tier = submission.tier
    return render(
        request,
        "moderation/publication.html",
        {
            "submission": submission,
            "revision": submission.current_revision,
            "media_renditions": [r for r in renditions if r.media_id],
            "text_rendition": next((r for r in renditions if not r.media_id), None),
            "reminder": wording(tier, "") if tier != Tier.NONE else "",
            "reminder_class": REMINDER_CLASS.get(Tier(tier), "secondary"),
            # Above the media, at first exposure (R20).
            "deepfake": disclosure_for(submission),
        },
    )


@login_not_required
@require_GET
def publication_media(request: HttpRequest, pk: int, rendition_pk: int) -> HttpResponseBase:
    submission = _published(pk)
    if (withheld := withheld_response(request, submission)) is not None:
        return withheld
    rendition = get_object_or_404(published_renditions(submission), pk=rendition_pk)
    if not rendition.file or not default_storage.exists(rendition.file.name or ""):
        raise Http404
    # The labelled rendition's bytes as stored (R19), named for their own type; ranges for players.
    return serve_private(
        rendition.file.name,
        rendition.mime_type,
        rendition_download_name(submission, rendition),
        attachment="download" in request.GET,
        request=request,
    )
