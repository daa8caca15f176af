"""The demo publisher: its key printed once, a submission made through the API's service path."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from demo.integration import seed_integration
from integrations.models import ApiKey
from moderation.models import Status, Submission
from tests.api.conftest import api


@pytest.mark.django_db
@pytest.mark.shipped_terms
def test_it_creates_the_demo_cms_with_a_working_key_once() -> None:
    lines: list[str] = []
    seed_integration(lines.append)
    [full] = re.findall(r"pvk_\w+_[\w-]+", "\n".join(lines))
    item = Submission.objects.get(external_id="demo-cms-article-1")
    assert item.status == Status.AWAITING_REVIEW
    assert api(full).get(f"/api/v1/submissions/{item.pk}").json()["tier"]["value"] == "possible"

    again: list[str] = []
    seed_integration(again.append)
    assert "already there" in again[0] and "create_api_key" in again[1]
    assert not re.findall(r"pvk_\w+_[\w-]+", "\n".join(again))
    assert (ApiKey.objects.count(), Submission.objects.count()) == (1, 1)

    out = StringIO()
    call_command("create_api_key", "Demo CMS", "--scopes", "read", stdout=out)
    [new] = re.findall(r"pvk_\w+_[\w-]+", out.getvalue())
    assert api(new).get("/api/v1/submissions").status_code == 200
    assert api(new).post("/api/v1/inspect").status_code == 403
