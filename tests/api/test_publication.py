"""After the decision: the publication as the CMS reads it (labelled files by signed link, the
reminder, the implicit label with its external_id), takedowns by the CMS and by consent."""

from typing import Any

import pytest
from django.conf import settings
from django.core import signing
from django.test import Client

from accounts.models import User
from audit.models import AuditEvent
from integrations.models import Integration
from labels.engine import inspect_bytes
from moderation.models import Decision, Status, Submission
from moderation.review.decisions import review_decide
from tests.api.conftest import api, metadata, submit
from tests.consent.builders import last_link_to
from tests.moderation.builders import unique_image


def published_via_api(key: str, moderator: User, run_commit_hooks: Any) -> Submission:
    with run_commit_hooks(execute=True):
        assert submit(key, files=[unique_image()]).status_code == 202
    item = Submission.objects.get()
    assert item.status == Status.AWAITING_REVIEW
    with run_commit_hooks(execute=True):
        review_decide(submission=item, moderator=moderator, outcome="approved", expected_version=item.version)
    item.refresh_from_db()
    assert item.is_published
    return item


def test_it_shows_the_publication_with_its_labelled_file(
    integration: Integration, key: str, mod: User, run_commit_hooks: Any
) -> None:
    item = published_via_api(key, mod, run_commit_hooks)

    body = api(key).get(f"/api/v1/submissions/{item.pk}").json()

    assert body["status"] == Status.APPROVED
    assert body["decision"]["outcome"] == "approved"
    publication = body["publication"]
    assert publication["published"] is True
    assert publication["reminder"] == {"zh-hans": "可能为AI生成合成内容", "en": "possibly AI-generated"}
    [rendition] = publication["renditions"]
    assert rendition["implicit_label"]["PropagateID"] == "article-1"
    assert rendition["implicit_label"]["Label"] == "2"
    download = Client().get(rendition["download_url"].removeprefix("http://127.0.0.1:8000"))
    assert download.status_code == 200
    data = b"".join(download.streaming_content)
    report = inspect_bytes(data)
    assert report.tier == "confirmed" or report.tc260_labels
    assert report.tc260_labels[0].field_text("PropagateID") == "article-1"


def test_it_refuses_a_forged_or_expired_download_link(
    key: str, mod: User, run_commit_hooks: Any, settings: Any
) -> None:
    item = published_via_api(key, mod, run_commit_hooks)
    url = (
        api(key).get(f"/api/v1/submissions/{item.pk}").json()["publication"]["renditions"][0]["download_url"]
    )
    path = url.removeprefix("http://127.0.0.1:8000")
    assert Client().get(path[:-3] + "xyz").status_code == 404
    settings.API_DOWNLOAD_URL_SECONDS = -1
    assert Client().get(path).status_code == 404
    token = path.rsplit("/", 1)[-1]
    assert signing.TimestampSigner(salt="api.rendition").unsign(token)  # the link itself is ours


def test_the_cms_takes_its_publication_down(
    integration: Integration, key: str, mod: User, run_commit_hooks: Any
) -> None:
    item = published_via_api(key, mod, run_commit_hooks)
    url = (
        api(key).get(f"/api/v1/submissions/{item.pk}").json()["publication"]["renditions"][0]["download_url"]
    )

    with run_commit_hooks(execute=True):
        response = api(key, content_type="application/json").post(
            f"/api/v1/submissions/{item.pk}/takedown",
            {"explanation": "We unpublished the article."},
            content_type="application/json",
        )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == Status.TAKEN_DOWN
    assert body["publication"]["published"] is False and body["publication"]["renditions"] == []
    assert body["decision"]["source"] == "publisher"
    assert body["decision"]["statement_of_reasons"]
    decision = Decision.objects.get(submission=item, outcome="taken_down")
    assert decision.reason is not None and decision.reason.code == "publisher-request"
    event = AuditEvent.objects.get(action="publication.taken_down")
    assert event.details["publisher"] == "Daily News CMS"
    assert Client().get(url.removeprefix("http://127.0.0.1:8000")).status_code == 404
    again = api(key).post(
        f"/api/v1/submissions/{item.pk}/takedown", {"explanation": "x"}, content_type="application/json"
    )
    assert again.status_code == 409


def test_a_takedown_needs_its_explanation_and_a_known_reason(
    key: str, mod: User, run_commit_hooks: Any
) -> None:
    item = published_via_api(key, mod, run_commit_hooks)
    empty = api(key).post(f"/api/v1/submissions/{item.pk}/takedown", {}, content_type="application/json")
    assert empty.status_code == 422 and empty["Content-Type"] == "application/problem+json"
    unknown = api(key).post(
        f"/api/v1/submissions/{item.pk}/takedown",
        {"reason": "nope", "explanation": "x"},
        content_type="application/json",
    )
    assert unknown.status_code == 422


@pytest.mark.usefixtures("consent_requests_on_submit")
def test_a_consent_withdrawal_shows_as_taken_down(key: str, mod: User, run_commit_hooks: Any) -> None:
    """Carol is asked by e-mail when the CMS submits, consents, and later withdraws: the CMS reads
    the publication as hidden, with the consent withdrawn and the takedown decision."""
    meta = metadata(
        categories=["face_swap"],
        no_real_person=False,
        persons=[{"name": "Carol Chen", "relation": "other", "email": "carol@example.com"}],
        consent_notice_version=settings.CONSENT_NOTICE_VERSION,
    )
    with run_commit_hooks(execute=True):
        assert submit(key, meta, files=[unique_image()]).status_code == 202
    item = Submission.objects.get()
    with run_commit_hooks(execute=True):
        Client().post(
            last_link_to("carol@example.com") + "grant/", {"separate": "on", "text_version": "person-1"}
        )
    item.refresh_from_db()
    assert api(key).get(f"/api/v1/submissions/{item.pk}").json()["consent"][0]["state"] == "granted"
    with run_commit_hooks(execute=True):
        review_decide(submission=item, moderator=mod, outcome="approved", expected_version=item.version)
    item.refresh_from_db()
    assert item.is_published

    with run_commit_hooks(execute=True):
        Client().post(last_link_to("carol@example.com") + "confirm/")

    body = api(key).get(f"/api/v1/submissions/{item.pk}").json()
    assert body["status"] == Status.AWAITING_REVIEW
    assert body["publication"]["published"] is False
    assert body["publication"]["hidden_at"] is not None
    assert body["publication"]["renditions"] == []
    assert body["consent"][0]["state"] == "withdrawn"
    assert (body["decision"]["outcome"], body["decision"]["source"]) == ("taken_down", "consent_withdrawal")
