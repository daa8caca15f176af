"""Unlabelled originals (Labeling Measures Art. 9, R32): only on a logged request of the item's
contributor, or of a senior moderator or admin with a reason, who accepted the terms in force and
acknowledges the labelling duties; the recipient is recorded and kept at least six months; the
request is audited; one download, before it expires. Each refusal is tested."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone

from accounts.models import TermsAcceptance, TermsVersion, User
from audit.models import AuditEvent
from moderation.models import MediaFile, Submission, UnlabelledDelivery
from moderation.publication.deliveries import (
    CLAUSE_VERSION,
    DeliveryRefused,
    Refusal,
    unlabelled_delivery_request,
)
from tests.moderation.builders import unique_image
from tests.moderation.test_review import awaiting

PROJECT = Path(__file__).resolve().parents[2]
RECIPIENT = {
    "recipient_name": "Wang Fang",
    "recipient_organisation": "Lakeside Film Festival",
    "purpose": "Projection at the festival, where the label is shown on screen before the film.",
    "acknowledged": "on",
}


@pytest.fixture
def terms(item: Submission) -> TermsVersion:
    """Terms put in force after the item was submitted (so that nobody has accepted them yet)."""
    return TermsVersion.objects.create(version="t1", title="Terms", body="Label AI content.")


def accept(user: User, terms: TermsVersion) -> User:
    TermsAcceptance.objects.create(user=user, terms=terms)
    return user


@pytest.fixture
def item(alice: User) -> Submission:
    return awaiting(alice, declared_ai=True, files=[unique_image()])


@pytest.fixture
def media(item: Submission) -> MediaFile:
    return item.current_revision.media.get()


def form_url(item: Submission, media: MediaFile) -> str:
    return f"/submissions/{item.pk}/media/{media.pk}/unlabelled/"


def request_url(item: Submission, media: MediaFile) -> str:
    return form_url(item, media) + "request/"


def client_for(user: User) -> Client:
    client = Client(REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT="Test browser")
    client.force_login(user)
    return client


def test_the_contributor_asks_receives_once_and_everything_is_logged(
    alice: User, terms: TermsVersion, item: Submission, media: MediaFile
) -> None:
    client = client_for(accept(alice, terms))
    page = client.get(form_url(item, media))
    assert page.status_code == 200 and 'id="unlabelled-request-form"' in page.content.decode()
    assert "staff_reason" not in page.content.decode()

    response = client.post(request_url(item, media), RECIPIENT)

    delivery = UnlabelledDelivery.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/deliveries/{delivery.pk}/")
    assert (
        delivery.submission,
        delivery.media,
        delivery.media_sha256,
        delivery.requested_by,
        delivery.requester_role,
        delivery.staff_reason,
    ) == (item, media, media.sha256, alice, "contributor", "")
    assert (delivery.recipient_name, delivery.recipient_organisation, delivery.purpose) == (
        RECIPIENT["recipient_name"],
        RECIPIENT["recipient_organisation"],
        RECIPIENT["purpose"],
    )
    assert (delivery.terms, delivery.clause_version, delivery.ip, delivery.user_agent) == (
        terms,
        CLAUSE_VERSION,
        "198.51.100.7",
        "Test browser",
    )
    assert "labels the law requires" in delivery.clause_text
    assert delivery.expires_at == delivery.created_at + timedelta(minutes=15)
    requested = AuditEvent.objects.get(action="unlabelled.requested")
    assert (requested.actor_id, requested.details["delivery"], requested.details["sha256"]) == (
        alice.pk,
        delivery.pk,
        media.sha256,
    )
    assert "Wang Fang" not in str(requested.details)  # the recipient lives in the log row only

    shown = client.get(f"/deliveries/{delivery.pk}/").content.decode()
    assert 'id="unlabelled-download"' in shown and "Lakeside Film Festival" in shown
    download = client.post(f"/deliveries/{delivery.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith(
        f'attachment; filename="provenant-{item.pk}-m{media.pk}-original.jpg"'
    )
    assert b"".join(download.streaming_content) == Path(default_storage.path(media.file.name)).read_bytes()
    delivery.refresh_from_db()
    assert delivery.downloaded_at is not None and delivery.download_ip == "198.51.100.7"
    assert AuditEvent.objects.filter(action="unlabelled.downloaded").count() == 1


def test_a_replayed_download_is_refused(
    alice: User, terms: TermsVersion, item: Submission, media: MediaFile
) -> None:
    client = client_for(accept(alice, terms))
    client.post(request_url(item, media), RECIPIENT)
    delivery = UnlabelledDelivery.objects.get()
    assert client.post(f"/deliveries/{delivery.pk}/download/").status_code == 200

    again = client.post(f"/deliveries/{delivery.pk}/download/")

    assert again.status_code == 410 and 'id="unlabelled-used"' in again.content.decode()
    assert AuditEvent.objects.filter(action="unlabelled.downloaded").count() == 1


def test_an_expired_download_is_refused(
    alice: User, terms: TermsVersion, item: Submission, media: MediaFile
) -> None:
    client = client_for(accept(alice, terms))
    client.post(request_url(item, media), RECIPIENT)
    delivery = UnlabelledDelivery.objects.get()
    UnlabelledDelivery.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = client.post(f"/deliveries/{delivery.pk}/download/")

    assert response.status_code == 410 and 'id="unlabelled-expired"' in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.downloaded_at is None
    assert not AuditEvent.objects.filter(action="unlabelled.downloaded").exists()


def test_without_terms_in_force_nobody_gets_an_unlabelled_original(
    alice: User, item: Submission, media: MediaFile
) -> None:
    client = client_for(alice)
    page = client.get(form_url(item, media))
    assert page.status_code == 403
    assert (
        'id="unlabelled-refused"' in page.content.decode()
        and "unlabelled-request-form" not in page.content.decode()
    )
    refused = client.post(request_url(item, media), RECIPIENT)
    assert refused.status_code == 403 and 'id="unlabelled-refused"' in refused.content.decode()
    assert not UnlabelledDelivery.objects.exists()


def test_terms_not_accepted_are_refused(
    alice: User, terms: TermsVersion, item: Submission, media: MediaFile
) -> None:
    response = client_for(alice).get(form_url(item, media))
    assert (response.status_code, response["Location"].split("?")[0]) == (302, "/accounts/terms/")
    with pytest.raises(DeliveryRefused) as refused:
        unlabelled_delivery_request(
            user=alice,
            submission=item,
            media=media,
            recipient_name="Wang Fang",
            recipient_organisation="Festival",
            purpose="Projection",
            acknowledged=True,
        )
    assert refused.value.reason == Refusal.TERMS_NOT_ACCEPTED
    assert not UnlabelledDelivery.objects.exists()


def test_the_labelling_duties_must_be_acknowledged(
    alice: User, terms: TermsVersion, item: Submission, media: MediaFile
) -> None:
    client = client_for(accept(alice, terms))
    response = client.post(request_url(item, media), {**RECIPIENT, "acknowledged": ""})
    assert response.status_code == 400 and 'name="acknowledged"' in response.content.decode()
    missing = client.post(request_url(item, media), {**RECIPIENT, "recipient_organisation": "  "})
    assert missing.status_code == 400
    assert not UnlabelledDelivery.objects.exists()


def test_staff_need_a_senior_role_and_a_reason(
    senior: User, mod: User, terms: TermsVersion, item: Submission, media: MediaFile
) -> None:
    assert client_for(accept(mod, terms)).get(form_url(item, media)).status_code == 403
    assert client_for(mod).post(request_url(item, media), RECIPIENT).status_code == 403
    client = client_for(accept(senior, terms))
    assert 'name="staff_reason"' in client.get(form_url(item, media)).content.decode()
    assert client.post(request_url(item, media), RECIPIENT).status_code == 400  # no reason

    response = client.post(request_url(item, media), {**RECIPIENT, "staff_reason": "Police request 2026-114"})

    assert response.status_code == 302
    delivery = UnlabelledDelivery.objects.get()
    assert (delivery.requester_role, delivery.staff_reason) == ("senior_moderator", "Police request 2026-114")


def test_outsiders_and_other_contributors_get_404(
    bob: User, oscar: User, terms: TermsVersion, item: Submission, media: MediaFile
) -> None:
    for user in (bob, oscar):
        client = client_for(accept(user, terms))
        assert client.get(form_url(item, media)).status_code == 404
        assert client.post(request_url(item, media), RECIPIENT).status_code == 404
    assert not UnlabelledDelivery.objects.exists()


def test_it_needs_login_and_a_post(
    alice: User, terms: TermsVersion, item: Submission, media: MediaFile
) -> None:
    assert Client().get(form_url(item, media)).status_code == 302
    assert Client().post(request_url(item, media), RECIPIENT)["Location"].startswith("/accounts/login/")
    client = client_for(accept(alice, terms))
    assert client.get(request_url(item, media)).status_code == 405
    client.post(request_url(item, media), RECIPIENT)
    delivery = UnlabelledDelivery.objects.get()
    assert client.get(f"/deliveries/{delivery.pk}/download/").status_code == 405
    assert Client().post(f"/deliveries/{delivery.pk}/download/").status_code == 302
    assert UnlabelledDelivery.objects.get().downloaded_at is None


def test_a_delivery_is_its_requesters_alone(
    alice: User, bob: User, senior: User, terms: TermsVersion, item: Submission, media: MediaFile
) -> None:
    client_for(accept(alice, terms)).post(request_url(item, media), RECIPIENT)
    delivery = UnlabelledDelivery.objects.get()
    seniors = client_for(accept(senior, terms))
    assert seniors.get(f"/deliveries/{delivery.pk}/").status_code == 403
    assert seniors.post(f"/deliveries/{delivery.pk}/download/").status_code == 403
    bobs = client_for(accept(bob, terms))
    assert bobs.get(f"/deliveries/{delivery.pk}/").status_code == 404
    assert bobs.post(f"/deliveries/{delivery.pk}/download/").status_code == 404
    assert UnlabelledDelivery.objects.get().downloaded_at is None


def test_content_without_ai_indication_has_nothing_to_ask_for(alice: User, terms: TermsVersion) -> None:
    client = client_for(accept(alice, terms))
    plain = awaiting(alice, declared_ai=False, files=[unique_image()])
    media = plain.current_revision.media.get()
    assert client.get(form_url(plain, media)).status_code == 404
    assert client.post(request_url(plain, media), RECIPIENT).status_code == 404


def test_requests_are_kept_at_least_six_months(
    alice: User, terms: TermsVersion, item: Submission, media: MediaFile, settings: Any
) -> None:
    client_for(accept(alice, terms)).post(request_url(item, media), RECIPIENT)
    delivery = UnlabelledDelivery.objects.get()
    assert settings.UNLABELLED_DELIVERY_RETENTION_DAYS == 183
    assert not UnlabelledDelivery.objects.past_retention(timezone.now() + timedelta(days=182)).exists()
    assert list(UnlabelledDelivery.objects.past_retention(timezone.now() + timedelta(days=184))) == [delivery]


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "UNLABELLED_DELIVERY_RETENTION_DAYS",
            "100",
            "UNLABELLED_DELIVERY_RETENTION_DAYS must be at least 183",
        ),
        ("PUBLICATION_JOB_TIMEOUT_SECONDS", "3600", "must exceed LABELS_AV_TIMEOUT_SECONDS"),
    ],
)
def test_settings_below_their_floor_are_refused(variable: str, value: str, message: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=PROJECT,
        env={**os.environ, variable: value},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and message in result.stderr


def test_admins_read_the_log_and_nobody_edits_it(
    alice: User, ada: User, mod: User, terms: TermsVersion, item: Submission, media: MediaFile
) -> None:
    client_for(accept(alice, terms)).post(request_url(item, media), RECIPIENT)
    delivery = UnlabelledDelivery.objects.get()
    admins = client_for(accept(ada, terms))
    listing = admins.get("/admin/moderation/unlabelleddelivery/")
    assert listing.status_code == 200 and "Lakeside Film Festival" in listing.content.decode()
    assert admins.get("/admin/moderation/unlabelleddelivery/add/").status_code == 403
    assert admins.get(f"/admin/moderation/unlabelleddelivery/{delivery.pk}/delete/").status_code == 403
    assert client_for(accept(mod, terms)).get("/admin/moderation/unlabelleddelivery/").status_code in (
        302,
        403,
    )


def test_a_drafts_files_are_not_handed_out(alice: User, terms: TermsVersion) -> None:
    """A draft's files can still be removed; a logged delivery must keep naming its file."""
    from tests.moderation.builders import draft

    client = client_for(accept(alice, terms))
    unsent = draft(alice, declared_ai=True, files=[unique_image()])
    media = unsent.current_revision.media.get()
    assert client.get(form_url(unsent, media)).status_code == 404
    assert client.post(request_url(unsent, media), RECIPIENT).status_code == 404
    assert "unlabelled-request" not in client.get(f"/submissions/{unsent.pk}/").content.decode()
    with pytest.raises(DeliveryRefused) as refused:
        unlabelled_delivery_request(
            user=alice,
            submission=unsent,
            media=media,
            recipient_name="Wang Fang",
            recipient_organisation="Festival",
            purpose="Projection",
            acknowledged=True,
        )
    assert refused.value.reason == Refusal.DRAFT


def test_the_retention_purge_removes_requests_past_six_months_only(
    alice: User, terms: TermsVersion, item: Submission, media: MediaFile
) -> None:
    from operations.retention import records_purge

    client_for(accept(alice, terms)).post(request_url(item, media), RECIPIENT)
    delivery = UnlabelledDelivery.objects.get()
    [kept] = records_purge(
        record_types=["unlabelled_deliveries"], now=delivery.created_at + timedelta(days=182)
    )
    assert kept.removed == 0 and UnlabelledDelivery.objects.exists()
    [purged] = records_purge(
        record_types=["unlabelled_deliveries"], now=delivery.created_at + timedelta(days=183, minutes=1)
    )
    assert purged.removed == 1 and not UnlabelledDelivery.objects.exists()
    event = AuditEvent.objects.get(action="retention.purged", target_id="unlabelled_deliveries")
    assert event.details["removed"] == 1 and event.details["retention_days"] == 183
