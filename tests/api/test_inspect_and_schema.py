"""POST /api/v1/inspect (the inspect_media --json record, nothing stored) and the checked-in schema."""

import io
import json
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from integrations.models import Integration
from tests.api.conftest import api
from tests.labels.conftest import CORPUS
from tests.media_samples import upload


def test_it_inspects_a_file_like_inspect_media(integration: Integration, make_key: Any) -> None:
    inspector = make_key(integration, ["inspect"])
    path = CORPUS / "tc260" / "tc260_two_labels.jpg"
    out = io.StringIO()
    call_command("inspect_media", "--json", str(path), stdout=out)
    expected = json.loads(out.getvalue())
    before = set(default_storage.listdir("")[1]) if default_storage.exists("") else set()

    response = api(inspector).post("/api/v1/inspect", {"file": upload("photo.jpg", path.read_bytes())})

    assert response.status_code == 200, response.content
    record = response.json()
    assert record["path"] == "photo.jpg"
    assert {k: v for k, v in record.items() if k != "path"} == {
        k: v for k, v in expected.items() if k != "path"
    }
    assert record["tc260"]["produce_id"] == "img20250901a7"
    after = set(default_storage.listdir("")[1]) if default_storage.exists("") else set()
    assert after == before  # nothing stored


def test_inspect_needs_a_file(integration: Integration, make_key: Any) -> None:
    inspector = make_key(integration, ["inspect"])
    response = api(inspector).post("/api/v1/inspect", {})
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"


def test_the_checked_in_openapi_schema_is_current() -> None:
    """Fails when the API changed without `python manage.py api_schema` (docs/api/openapi.json)."""
    try:
        call_command("api_schema", "--check", stdout=io.StringIO())
    except CommandError as exc:
        pytest.fail(str(exc))
