"""What the API tells an integration about one of its submissions (reads only)."""

import datetime
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from consent.rules import person_consents
from labels.engine import InspectOptions, inspect_file
from labels.publish.explicit import CHINESE_WORDING, DEFAULT_ENGLISH_WORDING
from moderation.models import CheckRun, Decision, Finding, PublishedRendition, Submission, Tier
from moderation.publication.selectors import published_renditions

DOWNLOAD_SALT = "api.rendition"


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def submission_url(submission: Submission) -> str:
    return absolute(reverse("api-1:submission_get", kwargs={"submission_id": submission.pk}))


def download_token(rendition: PublishedRendition, integration_id: int) -> str:
    return signing.TimestampSigner(salt=DOWNLOAD_SALT).sign(f"{rendition.pk}.{integration_id}")


def rendition_for_token(token: str) -> tuple[int, int]:
    """(rendition id, integration id) of a signed token; raises signing.BadSignature (or
    SignatureExpired) when forged or too old."""
    value = signing.TimestampSigner(salt=DOWNLOAD_SALT).unsign(
        token, max_age=settings.API_DOWNLOAD_URL_SECONDS
    )
    rendition_id, integration_id = value.split(".")
    return int(rendition_id), int(integration_id)


def reminder(tier: str) -> dict[str, str] | None:
    """The reminder the CMS shows beside the content (Labeling Measures Art. 6), by tier."""
    if tier == Tier.NONE or tier not in CHINESE_WORDING:
        return None
    return {"zh-hans": CHINESE_WORDING[tier], "en": DEFAULT_ENGLISH_WORDING[tier]}


def implicit_label(rendition: PublishedRendition) -> dict[str, str] | None:
    """The GB 45438 implicit label fields as written in the file (read back from it)."""
    if not rendition.file:
        return None
    try:
        path = default_storage.path(rendition.file.name or "")
        report = inspect_file(path, options=InspectOptions(read_c2pa=False))
    except (OSError, NotImplementedError):
        return None
    label = next((item for item in report.tc260_labels if item.fields is not None), None)
    if label is None:
        return None
    return {key: str(value) for key, value in (label.fields or {}).items()}


def _checks(submission: Submission) -> list[dict[str, Any]]:
    runs = (
        CheckRun.objects.filter(submission=submission, revision_id=submission.current_revision_id or 0)
        .order_by("id")
        .prefetch_related(Prefetch("findings", queryset=Finding.objects.order_by("id")))
    )
    return [
        {
            "kind": run.kind,
            "status": run.status,
            "finished_at": run.finished_at,
            "findings": [
                {
                    "code": finding.code,
                    "severity": finding.severity,
                    # Messages are stored as the check wrote them; a catalogue entry translates them.
                    "message": _(finding.message) if finding.message else "",
                    "rule": finding.rule,
                    "evidence": finding.evidence,
                }
                for finding in run.findings.all()
            ],
        }
        for run in runs
    ]


def _tier(submission: Submission, checks: list[dict[str, Any]]) -> dict[str, Any]:
    revision = submission.current_revision
    evidence: list[dict[str, Any]] = []
    if revision is not None and revision.declared_ai:
        # Measures Art. 6: the declaration alone makes it at least "possible".
        evidence.append(
            {
                "source": "declaration",
                "declared_ai": True,
                "categories": [c.value for c in revision.categories],
            }
        )
    evidence += [
        {"source": "check", "check": run["kind"], "code": finding["code"], "evidence": finding["evidence"]}
        for run in checks
        if run["kind"] in ("label", "visible")
        for finding in run["findings"]
    ]
    return {
        "value": submission.tier,
        "declared_ai": revision.declared_ai if revision else None,
        "evidence": evidence,
    }


def _decision(submission: Submission) -> dict[str, Any] | None:
    decision = Decision.objects.filter(submission=submission).order_by("-created_at", "-id").first()
    if decision is None:
        return None
    return {
        "outcome": decision.outcome,
        "created_at": decision.created_at,
        "explanation": decision.explanation,
        "source": decision.source,
        "statement_of_reasons": decision.statement,
    }


def _publication(
    submission: Submission, integration_id: int, now: datetime.datetime
) -> dict[str, Any] | None:
    if submission.published_at is None:
        return None
    published = submission.is_published
    renditions = []
    text = ""
    expires = now + datetime.timedelta(seconds=settings.API_DOWNLOAD_URL_SECONDS)
    if published:
        for rendition in published_renditions(submission).select_related("media").order_by("id"):
            if rendition.text:
                text = rendition.text
            if not rendition.file:
                continue
            renditions.append(
                {
                    "media_type": rendition.mime_type,
                    "original_name": rendition.media.original_name if rendition.media else "",
                    "tier": rendition.tier,
                    "explicit_label": rendition.explicit_label,
                    "c2pa_status": rendition.c2pa_status,
                    "download_url": absolute(
                        reverse(
                            "api_rendition_download",
                            kwargs={"token": download_token(rendition, integration_id)},
                        )
                    ),
                    "download_expires_at": expires,
                    "implicit_label": implicit_label(rendition),
                }
            )
    return {
        "published": published,
        "published_at": submission.published_at,
        "hidden_at": submission.publication_hidden_at,
        "text": text,
        "reminder": reminder(submission.tier) if published else None,
        "renditions": renditions,
    }


def submission_representation(submission: Submission, *, integration_id: int) -> dict[str, Any]:
    revision = submission.current_revision
    checks = _checks(submission)
    people = person_consents(revision) if revision is not None else []
    return {
        "id": submission.pk,
        "external_id": submission.external_id,
        "url": submission_url(submission),
        "status": submission.status,
        "status_label": submission.get_status_display(),
        "revision": revision.number if revision else None,
        "title": revision.title if revision else "",
        "author": getattr(getattr(submission.contributor, "integration_author", None), "external_id", ""),
        "created_at": submission.created_at,
        "updated_at": submission.updated_at,
        "checks": checks,
        "tier": _tier(submission, checks),
        "consent": [
            {
                "name": person.person.name,
                "relation": person.person.relation,
                "state": person.state,
                "state_label": person.state_label,
                "since": person.since,
            }
            for person in people
        ],
        "decision": _decision(submission),
        "publication": _publication(submission, integration_id, timezone.now()),
    }
