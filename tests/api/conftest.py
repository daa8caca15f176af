"""An integration (a publisher's CMS) with keys, and helpers to call the API as its CMS would."""

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.db.models import F
from django.test import Client

from integrations.models import Integration, Scope
from integrations.services import apikey_create
from moderation.models import PolicyReason, Submission


@pytest.fixture
def run_commit_hooks(django_capture_on_commit_callbacks: Any) -> Any:
    return django_capture_on_commit_callbacks


@pytest.fixture
def integration(db: None) -> Integration:
    return Integration.objects.create(name="Daily News CMS")


@pytest.fixture
def other_integration(db: None) -> Integration:
    return Integration.objects.create(name="Other Paper CMS")


@pytest.fixture
def key(integration: Integration) -> str:
    """A key with every scope."""
    _row, full = apikey_create(
        integration=integration, name="production", scopes=list(Scope.values), actor=None
    )
    return full


@pytest.fixture
def make_key() -> Callable[..., str]:
    def make(integration: Integration, scopes: list[str], **fields: Any) -> str:
        return apikey_create(integration=integration, name="k", scopes=scopes, actor=None, **fields)[1]

    return make


def metadata(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "external_id": "article-1",
        "author": {
            "id": "author-7",
            "name": "Li Wei",
            "attestation": {
                "method": "phone",
                "reference": "sms-1234",
                "verified_at": "2026-11-01T10:00:00Z",
            },
        },
        "title": "A day at the lake",
        "text": "Photos from our trip.",
        "ai_declaration": True,
        "categories": ["other_generation"],
        "no_real_person": True,
        "region": "cn",
    }
    values.update(overrides)
    return values


def api(key: str, **extra: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}", **extra)


def submit(
    key: str, meta: dict[str, Any] | None = None, files: list[Any] | None = None, **headers: Any
) -> Any:
    data: dict[str, Any] = {"metadata": json.dumps(meta if meta is not None else metadata())}
    if files:
        data["files"] = files
    return api(key).post("/api/v1/submissions", data, **headers)


@pytest.fixture
def consent_requests_on_submit(settings: Any) -> None:
    """As deployed: each depicted person with a contact is asked at submission (the lifecycle hook
    that the web form's submissions use too; tests/settings.py turns it off for the older tests)."""
    settings.CONSENT_REQUEST_ON_SUBMIT = True


def the_settle_time_passes() -> None:
    """The change feed shows a change API_FEED_SETTLE_SECONDS after its stamp; rather than wait,
    move every stamp back by that much and a second. Their order stays, so cursors stay valid."""
    wait = timedelta(seconds=settings.API_FEED_SETTLE_SECONDS + 1)
    Submission.objects.update(updated_at=F("updated_at") - wait)


def request_changes(item: Submission, moderator: Any) -> None:
    """The moderator sends `item` back to its author ("changes requested", for quality)."""
    from moderation.review.decisions import review_decide

    review_decide(
        submission=item,
        moderator=moderator,
        outcome="changes_requested",
        expected_version=item.version,
        reason=PolicyReason.objects.get(code="quality"),
        explanation="Crop the watermark.",
    )
