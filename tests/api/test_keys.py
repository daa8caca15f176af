"""API keys: bearer only, scoped, revocable, expiring, rate-limited, every call audited."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from audit.services import verify_chain
from integrations import ratelimit
from integrations.keys import hash_secret, split_key
from integrations.models import ApiKey, Integration
from integrations.services import apikey_revoke
from tests.api.conftest import api, submit

PROBLEM = "application/problem+json"


def test_it_stores_only_the_hash_of_the_secret(key: str) -> None:
    prefix, secret = split_key(key)
    row = ApiKey.objects.get(prefix=prefix)
    assert row.secret_hash == hash_secret(secret) and secret not in row.secret_hash
    assert key.startswith(f"pvk_{prefix}_") and len(secret) >= 40


@pytest.mark.parametrize(
    "authorization",
    ["", "Bearer", "Bearer pvk_nothing", "Basic YWxpY2U6cGFzcw==", "Bearer pvk_00000000_wrong"],
)
def test_it_answers_401_without_a_valid_key(key: str, authorization: str) -> None:
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    response = Client(**headers).get("/api/v1/submissions")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["status"] == 401


def test_it_answers_401_with_a_wrong_secret_for_a_real_prefix(key: str) -> None:
    assert api(key[:-2] + "xx").get("/api/v1/submissions").status_code == 401


def test_a_revoked_key_is_refused(key: str, admin_user: Any) -> None:
    row = ApiKey.objects.get()
    assert api(key).get("/api/v1/submissions").status_code == 200
    assert apikey_revoke(key=row, actor=None) is True
    assert api(key).get("/api/v1/submissions").status_code == 401
    assert AuditEvent.objects.filter(action="apikey.revoked", target_id=str(row.pk)).exists()


def test_an_expired_key_and_an_inactive_integration_are_refused(
    integration: Integration, make_key: Any
) -> None:
    expired = make_key(integration, ["read"], expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert api(expired).get("/api/v1/submissions").status_code == 401
    live = make_key(integration, ["read"])
    assert api(live).get("/api/v1/submissions").status_code == 200
    Integration.objects.filter(pk=integration.pk).update(is_active=False)
    assert api(live).get("/api/v1/submissions").status_code == 401


def test_a_key_without_the_scope_gets_403(integration: Integration, make_key: Any) -> None:
    reader = make_key(integration, ["read"])
    response = submit(reader)
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    assert response.json()["type"].endswith("/scope")
    submitter = make_key(integration, ["submit"])
    assert api(submitter).get("/api/v1/submissions").status_code == 403
    assert api(submitter).post("/api/v1/inspect").status_code == 403
    assert (
        api(submitter).post("/api/v1/submissions/1/takedown", {}, content_type="application/json").status_code
        == 403
    )


def test_it_answers_429_over_the_rate_with_retry_after(integration: Integration, make_key: Any) -> None:
    limited = make_key(integration, ["read"], rate_limit_per_minute=3)
    statuses = [api(limited).get("/api/v1/submissions").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api(limited).get("/api/v1/submissions")
    assert response["Content-Type"] == PROBLEM
    assert 1 <= int(response["Retry-After"]) <= 60


def test_the_window_resets_each_minute(settings: Any) -> None:
    settings.REDIS_URL = ""
    assert ratelimit.hit("window-test", 1, now=120.0) is None
    assert ratelimit.hit("window-test", 1, now=130.0) == 50
    assert ratelimit.hit("window-test", 1, now=180.0) is None


def test_every_call_is_audited_with_the_key_id(integration: Integration, make_key: Any) -> None:
    reader = make_key(integration, ["read"])
    row = ApiKey.objects.get(prefix=split_key(reader)[0])
    api(reader).get("/api/v1/submissions")
    submit(reader)  # refused: wrong scope, audited too
    events = list(AuditEvent.objects.filter(action="api.request").order_by("seq"))
    assert [(e.details["api_key"], e.details["method"], e.details["status"]) for e in events] == [
        (row.pk, "GET", 200),
        (row.pk, "POST", 403),
    ]
    assert all(e.target_type == "integrations.apikey" and e.target_id == str(row.pk) for e in events)
    row.refresh_from_db()
    assert row.last_used_at is not None
    _checked, broken = verify_chain()
    assert broken is None


def test_the_last_use_is_stamped_to_the_minute(integration: Integration, make_key: Any) -> None:
    reader = make_key(integration, ["read"])
    row = ApiKey.objects.get(prefix=split_key(reader)[0])
    api(reader).get("/api/v1/submissions")
    row.refresh_from_db()
    first = row.last_used_at
    assert first is not None
    api(reader).get("/api/v1/submissions")
    row.refresh_from_db()
    assert row.last_used_at == first  # a second call within the minute writes nothing
    ApiKey.objects.filter(pk=row.pk).update(last_used_at=first - datetime.timedelta(seconds=61))
    api(reader).get("/api/v1/submissions")
    row.refresh_from_db()
    assert row.last_used_at is not None and row.last_used_at > first


def test_a_logged_in_browser_gets_no_access(key: str, alice: User, mod: User) -> None:
    for user in (alice, mod):
        browser = Client()
        browser.force_login(user)
        assert browser.get("/api/v1/submissions").status_code == 401
        response = browser.post("/api/v1/submissions", {"metadata": "{}"})
        assert response.status_code == 401  # not a CSRF failure page: keys only


def test_the_docs_and_schema_are_served_without_a_cdn() -> None:
    schema = Client().get("/api/v1/openapi.json")
    assert schema.status_code == 200 and schema.json()["info"]["title"] == "Provenant publisher API"
    docs = Client().get("/api/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "cdn" not in html.lower()
    assert "<script>" not in html  # settings travel as JSON, the start-up code is a file (CSP)


def operations() -> list[tuple[str, str]]:
    """Every operation of the checked-in schema, with its path made concrete."""
    import json
    from pathlib import Path

    schema = json.loads((Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.json").read_text())
    return [
        (method.upper(), path.replace("{submission_id}", "1").replace("{external_id}", "x"))
        for path, methods in schema["paths"].items()
        for method in methods
    ]


@pytest.mark.parametrize(("method", "path"), operations())
def test_every_operation_needs_a_key(method: str, path: str, alice: User, ada: User) -> None:
    """The authorization matrix: anonymous and logged-in browsers alike get 401, never data."""
    for user in (None, alice, ada):
        client = Client()
        if user is not None:
            client.force_login(user)
        response = client.generic(method, path)
        assert response.status_code == 401, (user, response.status_code)
        assert response["Content-Type"] == PROBLEM


def test_problems_speak_the_requested_language() -> None:
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/submissions").json()
    chinese = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/api/v1/submissions").json()
    assert (english["title"], chinese["title"]) == ("Unauthorized", "未授权")
