"""examples/cms_client.py against a live server: submit, download the labelled file; its webhook
receiver believes only deliveries signed with the integration's secret (standardwebhooks)."""

import argparse
import base64
import datetime
import json
import socket
import sys
from pathlib import Path
from typing import Any

import pytest
import requests

from accounts.models import User
from integrations.models import Integration, Scope
from integrations.services import apikey_create
from moderation.models import Status, Submission
from moderation.review.decisions import review_decide
from tests.moderation.builders import unique_image

standardwebhooks = pytest.importorskip("standardwebhooks")
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))
import cms_client  # noqa: E402


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_receiver_verifies_signatures_and_ignores_repeats() -> None:
    secret = "whsec_" + base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()
    port = free_port()
    server = cms_client.start_receiver(f"127.0.0.1:{port}", secret)
    try:
        body = json.dumps(
            {"type": "publication.taken_down", "timestamp": "2026-11-28T22:00:00Z", "data": {"id": 1}}
        )
        now = datetime.datetime.now(datetime.UTC)
        signature = standardwebhooks.Webhook(secret).sign("msg_1", now, body)
        headers = {
            "webhook-id": "msg_1",
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": signature,
            "content-type": "application/json",
        }
        url = f"http://127.0.0.1:{port}/provenant-webhook"
        assert requests.post(url, data=body, headers=headers, timeout=5).status_code == 204
        assert requests.post(url, data=body, headers=headers, timeout=5).status_code == 204  # a repeat
        forged = {**headers, "webhook-id": "msg_2"}  # the signature covers the id
        assert requests.post(url, data=body, headers=forged, timeout=5).status_code == 400
        assert [event["type"] for event in cms_client.Receiver.events] == ["publication.taken_down"]
    finally:
        server.shutdown()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_submits_and_downloads_the_labelled_file(
    live_server: Any, mod: User, settings: Any, tmp_path: Path
) -> None:
    settings.SITE_URL = live_server.url
    integration = Integration.objects.create(name="Example CMS")
    _row, key = apikey_create(integration=integration, name="example", scopes=list(Scope.values), actor=None)
    image = tmp_path / "picture.jpg"
    image.write_bytes(unique_image().read())
    args = argparse.Namespace(
        external_id="example-1",
        author_id="author-1",
        author_name="Li Wei",
        attestation_method="phone",
        attestation_reference="ref-1",
        terms_version="",
        title="An article picture",
        text="",
        ai=True,
        region="cn",
    )
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {key}"

    item = cms_client.submit(session, live_server.url, image, args)

    submission = Submission.objects.get(pk=item["id"])
    assert submission.status == Status.AWAITING_REVIEW
    review_decide(
        submission=submission, moderator=mod, outcome="approved", expected_version=submission.version
    )
    published = session.get(f"{live_server.url}/api/v1/submissions/{item['id']}", timeout=30).json()
    assert published["publication"]["published"] is True
    cms_client.download(session, published, tmp_path / "downloads")
    [downloaded] = list((tmp_path / "downloads").iterdir())
    assert downloaded.name == "example-1-picture.jpg" and downloaded.stat().st_size > 0
