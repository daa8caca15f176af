"""The HTTP side of the Statement API: POST {TDB_API_BASE_URL}/statements with a bearer token.

Standard library only (urllib): one call a batch, a timeout, and every answer logged as a TdbRequest
row. Transport errors come back as status None, never as exceptions."""

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from oversight.models import TdbRequest


@dataclass(frozen=True)
class Answer:
    status: int | None
    body: dict[str, Any]
    error: str = ""


def post_statements(statements: list[dict[str, Any]]) -> Answer:
    url = f"{settings.TDB_API_BASE_URL}/statements"
    request = urllib.request.Request(
        url,
        data=json.dumps({"statements": statements}).encode(),
        method="POST",
        headers={
            "Authorization": f"Bearer {settings.TDB_API_TOKEN}",
            "Accept": "application/json",
            "Content-Type": "application/json",
        },
    )
    started = time.monotonic()
    status: int | None
    error = ""
    try:
        with urllib.request.urlopen(request, timeout=settings.TDB_TIMEOUT_SECONDS) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        status, raw, error = None, b"", f"{type(exc).__name__}: {exc}"
    try:
        body = json.loads(raw) if raw else {}
    except ValueError:
        body, error = {}, error or f"not JSON: {raw[:200]!r}"
    if not isinstance(body, dict):
        body = {}
    if status is not None and status >= 400 and not error:
        error = json.dumps(body)[:2000]
    TdbRequest.objects.create(
        endpoint="statements",
        statements=len(statements),
        http_status=status,
        duration_ms=round((time.monotonic() - started) * 1000),
        error=error,
    )
    return Answer(status, body, error)
