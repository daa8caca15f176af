"""/api/v1/submissions: submit, read, list changes, revise, withdraw, take down.

Each operation calls the service the web views call, with the integration's author as the actor
(or, for a takedown, the integration itself). Only the integration's own submissions exist for
it: another integration's id is a 404, as is an id that does not exist.
"""

import base64
import binascii
import datetime
import json
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from ninja import File, Form, Router
from ninja.files import UploadedFile as NinjaUploadedFile
from pydantic import ValidationError

from api import auth
from api.auth import key_of
from api.feed import feed_horizon
from api.problems import Problem, not_found
from api.representation import submission_representation, submission_url
from api.schemas import SubmissionIn, SubmissionOut, SubmissionPage, TakedownIn, problems
from api.services import (
    api_submission_create,
    api_submission_revise,
    api_submission_take_down,
    idempotency_store,
    idempotent_replay,
    request_hash,
)
from integrations.models import Integration
from moderation.intake.services import submission_withdraw
from moderation.models import Submission

router = Router(tags=["submissions"])

METADATA_HELP = (
    "JSON with the fields of SubmissionIn: external_id, author {id, name, attestation {method, "
    "reference, verified_at}, terms_version}, title, text, ai_declaration (required), categories, "
    "persons [{name, relation, email, phone}], no_real_person, region."
)
METADATA_EXAMPLE = json.dumps(
    {
        "external_id": "article-1",
        "author": {
            "id": "author-7",
            "name": "Li Wei",
            "attestation": {
                "method": "phone",
                "reference": "sms-1234",
                "verified_at": "2026-11-01T10:00:00Z",
            },
            "terms_version": "2026-11",
        },
        "title": "A day at the lake",
        "text": "Photos from our trip.",
        "ai_declaration": True,
        "categories": ["other_generation"],
        "no_real_person": True,
        "region": "cn",
    }
)

MAX_PAGE = 200


def _json(status: int, body: dict[str, Any], location: str = "") -> HttpResponse:
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, default=str), status=status, content_type="application/json"
    )
    if location:
        response["Location"] = location
    return response


def get_submission_for_integration(integration: Integration, **lookup: Any) -> Submission:
    """The integration's submission, or a 404 problem (also for another integration's)."""
    submission = (
        Submission.objects.select_related("current_revision", "contributor__integration_author")
        .filter(integration=integration, **lookup)
        .first()
    )
    if submission is None:
        raise not_found()
    return submission


def _represent(submission: Submission, integration: Integration) -> dict[str, Any]:
    body = SubmissionOut.model_validate(submission_representation(submission, integration_id=integration.pk))
    return json.loads(body.model_dump_json())


def _metadata(raw: str, model: type[SubmissionIn]) -> SubmissionIn:
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise Problem(
            422,
            "validation",
            _("The request is not valid"),
            _("The metadata part is missing fields or has wrong ones; see errors."),
            errors=[
                {
                    "loc": ["metadata", *[str(part) for part in error["loc"]]],
                    "msg": error["msg"],
                    "type": error["type"],
                }
                for error in exc.errors()
            ],
        ) from None


@router.post(
    "/submissions",
    auth=auth.SUBMIT,
    response={202: SubmissionOut, **problems(401, 403, 409, 413, 422, 429)},
    url_name="submission_create",
    summary="Submit content",
)
def submission_create(
    request: HttpRequest,
    metadata: str = Form(..., description=METADATA_HELP, example=METADATA_EXAMPLE),
    files: File[list[NinjaUploadedFile]] = None,  # type: ignore[assignment]
) -> HttpResponse:
    """Multipart: a `metadata` part (JSON, see SubmissionIn) and zero or more `files`.

    Send an `Idempotency-Key` header to make retries safe: the same key and request get the same
    answer; the same key with another request gets a 422 problem. A key is honoured for 24 hours
    by default (the server's IDEMPOTENCY_KEY_TTL_HOURS); after that it makes a new request.
    """
    integration = key_of(request).integration
    uploads: list[UploadedFile] = list(files or [])
    idempotency_key = request.headers.get("Idempotency-Key", "").strip()[:200]
    fingerprint = request_hash(metadata, uploads) if idempotency_key else ""
    if idempotency_key:
        replay = idempotent_replay(integration=integration, key=idempotency_key, fingerprint=fingerprint)
        if replay is not None:
            return _json(replay.status_code, replay.body, replay.location)
    data = _metadata(metadata, SubmissionIn)
    try:
        submission = api_submission_create(integration=integration, data=data, uploads=uploads)
    except Problem as exc:
        # Two retries with the same key at once: the one that lost the race answers like the winner.
        replay = (
            idempotent_replay(integration=integration, key=idempotency_key, fingerprint=fingerprint)
            if idempotency_key and exc.status == 409
            else None
        )
        if replay is None:
            raise
        return _json(replay.status_code, replay.body, replay.location)
    body, location = _represent(submission, integration), submission_url(submission)
    if idempotency_key:
        replay = idempotency_store(
            integration=integration,
            key=idempotency_key,
            fingerprint=fingerprint,
            status_code=202,
            body=body,
            location=location,
        )
        return _json(replay.status_code, replay.body, replay.location)
    return _json(202, body, location)


@router.get(
    "/submissions/{int:submission_id}",
    auth=auth.READ,
    response={200: SubmissionOut, **problems(401, 403, 404, 429)},
    url_name="submission_get",
    summary="One submission",
)
def submission_get(request: HttpRequest, submission_id: int) -> HttpResponse:
    """Status, checks and findings (in the Accept-Language language: zh-hans or en), tier and its
    evidence, consent per person, the decision with its statement of reasons, and the publication
    (labelled files with signed download URLs, the reminder text, the implicit label fields)."""
    integration = key_of(request).integration
    return _json(200, _represent(get_submission_for_integration(integration, pk=submission_id), integration))


@router.get(
    "/submissions/by-external-id/{external_id}",
    auth=auth.READ,
    response={200: SubmissionOut, **problems(401, 403, 404, 429)},
    url_name="submission_by_external_id",
    summary="One submission by your content id",
)
def submission_by_external_id(request: HttpRequest, external_id: str) -> HttpResponse:
    integration = key_of(request).integration
    submission = get_submission_for_integration(integration, external_id=external_id)
    return _json(200, _represent(submission, integration))


def encode_cursor(updated_at: datetime.datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([updated_at.isoformat(), pk]).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime.datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        moment, pk = json.loads(raw)
        parsed = parse_datetime(moment)
        if parsed is None:
            raise ValueError(moment)
        return parsed, int(pk)
    except (ValueError, TypeError, binascii.Error):
        raise Problem(
            422,
            "validation",
            _("The request is not valid"),
            _("changed_since is not a cursor this API gave out."),
            errors=[{"loc": ["query", "changed_since"], "msg": "invalid cursor", "type": "value_error"}],
        ) from None


@router.get(
    "/submissions",
    auth=auth.READ,
    response={200: SubmissionPage, **problems(401, 403, 422, 429)},
    url_name="submission_list",
    summary="Submissions changed since a cursor",
)
def submission_list(request: HttpRequest, changed_since: str = "", limit: int = 50) -> HttpResponse:
    """Your submissions in the order they last changed, oldest first. Pass the `next_cursor` of a
    page as `changed_since` to get what changed after it; an empty page returns the same cursor.

    A submission comes up again whenever something this API shows about it changes: its status
    (with it a new revision, the publication and its files, a takedown), a check run of its
    current revision finishing, its tier, a depicted person's consent (asked, given, refused,
    withdrawn, a release uploaded or decided), its newest decision. Consents and request links
    that run out are found by an hourly sweep, so those come up within the hour. Checks still
    running are not reported one by one: the item comes up when they have finished.
    `updated_at` moves with each such change.

    A change comes up here a few seconds after it is made (the server's API_FEED_SETTLE_SECONDS,
    5 by default, and on PostgreSQL once the transactions writing when it was made have ended): the
    feed shows only changes that can no longer be overtaken by one still being saved, so reading
    it to its end misses none. For changes as they happen, subscribe to the webhooks; the feed is
    the complete record to catch up from."""
    integration = key_of(request).integration
    limit = min(max(limit, 1), MAX_PAGE)
    # The newest changes are held back: the cursor must not pass a change still being committed.
    rows = Submission.objects.filter(integration=integration, updated_at__lte=feed_horizon()).select_related(
        "current_revision", "contributor__integration_author"
    )
    if changed_since:
        moment, pk = decode_cursor(changed_since)
        rows = rows.filter(Q(updated_at__gt=moment) | Q(updated_at=moment, pk__gt=pk))
    page = list(rows.order_by("updated_at", "pk")[:limit])
    items = [_represent(submission, integration) for submission in page]
    cursor = encode_cursor(page[-1].updated_at, page[-1].pk) if page else (changed_since or None)
    return _json(200, {"items": items, "next_cursor": cursor})


@router.post(
    "/submissions/{int:submission_id}/revisions",
    auth=auth.SUBMIT,
    response={202: SubmissionOut, **problems(401, 403, 404, 409, 413, 422, 429)},
    url_name="submission_revise",
    summary="A new revision after changes were requested",
)
def submission_revise(
    request: HttpRequest,
    submission_id: int,
    metadata: str = Form(..., description=METADATA_HELP, example=METADATA_EXAMPLE),
    files: File[list[NinjaUploadedFile]] = None,  # type: ignore[assignment]
) -> HttpResponse:
    """The same multipart shape as a submission. Files sent replace the earlier ones; without
    files, the earlier files are kept. The new revision is submitted for checks and review."""
    integration = key_of(request).integration
    submission = get_submission_for_integration(integration, pk=submission_id)
    data = _metadata(metadata, SubmissionIn)
    if data.external_id != submission.external_id:
        raise Problem(
            422, "validation", _("The request is not valid"), _("external_id cannot change in a revision.")
        )
    api_submission_revise(submission=submission, data=data, uploads=list(files or []))
    return _json(202, _represent(submission, integration), submission_url(submission))


@router.post(
    "/submissions/{int:submission_id}/withdraw",
    auth=auth.SUBMIT,
    response={200: SubmissionOut, **problems(401, 403, 404, 409, 429)},
    url_name="submission_withdraw",
    summary="Withdraw before a final decision",
)
def submission_withdraw_view(request: HttpRequest, submission_id: int) -> HttpResponse:
    integration = key_of(request).integration
    submission = get_submission_for_integration(integration, pk=submission_id)
    submission_withdraw(submission=submission, actor=submission.contributor)
    submission.refresh_from_db()
    return _json(200, _represent(submission, integration))


@router.post(
    "/submissions/{int:submission_id}/takedown",
    auth=auth.TAKEDOWN,
    response={200: SubmissionOut, **problems(401, 403, 404, 409, 422, 429)},
    url_name="submission_takedown",
    summary="Take a publication down",
)
def submission_takedown(request: HttpRequest, submission_id: int, payload: TakedownIn) -> HttpResponse:
    """You removed the content, or ask us to: the publication is taken down everywhere, with a
    statement of reasons (the reason is a code of our policy list, the explanation its facts)."""
    key = key_of(request)
    submission = get_submission_for_integration(key.integration, pk=submission_id)
    api_submission_take_down(
        submission=submission, key=key, reason_code=payload.reason, explanation=payload.explanation
    )
    submission.refresh_from_db()
    return _json(200, _represent(submission, key.integration))
